/**
 * What a fan-out costs the process that runs it, as the VS Code extension host runs Baton's runs
 * in its own process (shared by every extension): a Node process holding ~300 MB of live objects
 * runs the 200-instance fan-out through the library and measures how long its event loop was
 * blocked (perf_hooks.monitorEventLoopDelay), and how long the run took. Node's `spawn` forks
 * the whole process on that loop, so the bigger the host, the longer each fork holds it.
 * Prints JSON. Usage (from bench/shell.bench.ts): node --import tsx bench/hostLoop.ts <dir> <BATON_SPAWNER>
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseWorkflow, startRun } from '../src/core/index';

async function main(): Promise<void> {
  const [dir, spawner] = process.argv.slice(2) as [string, string];
  // An extension host's weight: many small live objects (page tables the fork must copy).
  const held: Array<{ id: number; name: string; tags: string[] }> = [];
  for (let i = 0; i < 1_200_000; i++) held.push({ id: i, name: `object ${i}`, tags: ['a', String(i % 97)] });
  const source = readFileSync(join(dir, 'fanout.yaml'), 'utf8');
  const { workflow } = parseWorkflow(source, join(dir, 'fanout.yaml'));
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const start = performance.now();
  const result = await startRun({ workflow: workflow!, source, stateDir: join(dir, `host-state-${spawner}`), cwd: dir, env: { ...process.env, BATON_SPAWNER: spawner } }).result;
  const runMs = performance.now() - start;
  delay.disable();
  if (result.status !== 'completed') throw new Error(`the run ${result.status}`);
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  process.stdout.write(JSON.stringify({ runMs: Math.round(runMs), p99: ms(delay.percentile(99)), max: ms(delay.max), rssMb: Math.round(process.memoryUsage().rss / 1e6), held: held.length }));
}

void main();
