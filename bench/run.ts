/**
 * `npm run bench`: every benchmark, each beside its baseline measured in the same process,
 * reported as ratios. Figures are printed and written to bench/results/latest.json.
 * Budgets (DESIGN §8, §17) are checked by reading these figures, never by timed tests.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

type Bench = () => Promise<Record<string, number>>;

const suites: Array<{ name: string; file: string; exportName: string }> = [
  { name: 'engine', file: 'engine.bench.ts', exportName: 'benchEngine' },
  { name: 'memory', file: 'memory.bench.ts', exportName: 'benchMemory' },
  { name: 'shell', file: 'shell.bench.ts', exportName: 'benchShell' },
  { name: 'pipeline', file: 'pipeline.bench.ts', exportName: 'benchPipeline' },
  { name: 'eventLog', file: 'eventLog.bench.ts', exportName: 'benchEventLog' },
  { name: 'triggers', file: 'triggers.bench.ts', exportName: 'benchTriggers' },
  { name: 'slack', file: 'slack.bench.ts', exportName: 'benchSlack' },
  { name: 'extension', file: 'extension.bench.ts', exportName: 'benchExtension' },
  { name: 'lsp', file: 'lsp.bench.ts', exportName: 'benchLsp' },
  { name: 'mcp', file: 'mcp.bench.ts', exportName: 'benchMcp' },
  { name: 'console', file: 'console.bench.ts', exportName: 'benchConsole' },
  { name: 'bus', file: 'bus.bench.ts', exportName: 'benchBus' },
];

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const results: Record<string, Record<string, number> | { error: string }> = {};
  for (const suite of suites) {
    if (only.length > 0 && !only.includes(suite.name)) continue;
    const path = join(__dirname, suite.file);
    if (!existsSync(path)) continue;
    try {
      const module = (await import(path)) as Record<string, Bench>;
      results[suite.name] = await module[suite.exportName]!();
    } catch (error) {
      console.error(`bench ${suite.name} failed: ${(error as Error).stack ?? String(error)}`);
      results[suite.name] = { error: String(error) };
      process.exitCode = 1;
    }
  }
  const out = join(__dirname, 'results');
  mkdirSync(out, { recursive: true });
  const record = { time: new Date().toISOString(), node: process.version, cpus: cpus().length, loadavg: loadavg(), results };
  writeFileSync(join(out, 'latest.json'), `${JSON.stringify(record, null, 2)}\n`);
  console.log(`\nfigures written to bench/results/latest.json (load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')})`);
}

void main();
