/**
 * `baton mcp` (DESIGN §17: a `get_run` call ≤ 20 ms p50 over stdio): round trips of get_run and
 * list_workflows through the SDK's own client over stdio, beside the peer — a bare SDK server with
 * one echo tool, in the same run, same client — and the startup time of each (spawn → the
 * `initialize` answer). The folder holds 20 workflows of 10 steps and a finished 50-step run.
 *
 *   npm run build && node --import tsx bench/mcp.bench.ts
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { percentile, printTable, round } from './stats';

const calls = 200;
const warmup = 20;
const starts = 8;
const repoRoot = resolve(__dirname, '..');
const cliPath = process.env.BATON_CLI ? resolve(process.env.BATON_CLI) : join(repoRoot, 'dist', 'cli.js');
const sdk = (path: string) => JSON.stringify(join(repoRoot, 'node_modules/@modelcontextprotocol/sdk/dist/esm', path));

/** The peer: the SDK's own server with one tool, nothing else. */
const echoServer = `import { McpServer } from ${sdk('server/mcp.js')};
import { StdioServerTransport } from ${sdk('server/stdio.js')};
import { z } from ${JSON.stringify(join(repoRoot, 'node_modules/zod/index.js'))};
const server = new McpServer({ name: 'echo', version: '1' });
server.registerTool('echo', { description: 'echo', inputSchema: { text: z.string() } }, async ({ text }) => ({ content: [{ type: 'text', text }], structuredContent: { text } }));
await server.connect(new StdioServerTransport());
`;

function env(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !/^(WORKFLOW_|BATON_|SLACK_)/.test(key) && key !== 'NODE_OPTIONS') out[key] = value;
  return { ...out, BATON_EVENT_LOG: join(dir, 'events.jsonl'), TERM: 'dumb' };
}

async function connect(dir: string, args: string[]): Promise<{ client: Client; startMs: number }> {
  const client = new Client({ name: 'bench', version: '1' });
  const t0 = performance.now();
  await client.connect(new StdioClientTransport({ command: process.execPath, args, cwd: dir, env: env(dir), stderr: 'ignore' }));
  return { client, startMs: performance.now() - t0 };
}

async function roundTrips(client: Client, name: string, args: Record<string, unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < warmup + calls; i++) {
    const t0 = performance.now();
    const result = await client.callTool({ name, arguments: args });
    const ms = performance.now() - t0;
    if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
    if (i >= warmup) times.push(ms);
  }
  return times.sort((a, b) => a - b);
}

export async function benchMcp(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-bench-mcp-'));
  try {
    const steps = (n: number) => Array.from({ length: n }, (_, i) => `  - name: Step ${i}\n    action: log\n    params: { message: "step ${i}" }\n`).join('');
    mkdirSync(join(dir, 'workflows'));
    for (let w = 0; w < 20; w++) writeFileSync(join(dir, 'workflows', `w${w}.yaml`), `name: Workflow ${w}\nsteps:\n${steps(10)}`);
    writeFileSync(join(dir, 'big.yaml'), `name: Big\nsteps:\n${steps(50)}`);
    const ran = spawnSync(process.execPath, [cliPath, 'run', 'big.yaml', '--quiet'], { cwd: dir, env: env(dir), encoding: 'utf8' });
    if (ran.status !== 0) throw new Error(`baton run failed: ${ran.stderr}`);
    writeFileSync(join(dir, 'echo.mjs'), echoServer);

    const startBaton: number[] = [];
    const startEcho: number[] = [];
    for (let i = 0; i < starts; i++) {
      for (const [list, args] of [[startBaton, [cliPath, 'mcp']], [startEcho, [join(dir, 'echo.mjs')]]] as const) {
        const { client, startMs } = await connect(dir, [...args]);
        list.push(startMs);
        await client.close();
      }
    }
    startBaton.sort((a, b) => a - b);
    startEcho.sort((a, b) => a - b);

    const baton = await connect(dir, [cliPath, 'mcp']);
    const echo = await connect(dir, [join(dir, 'echo.mjs')]);
    try {
      const echoTimes = await roundTrips(echo.client, 'echo', { text: 'hello' });
      const getRun = await roundTrips(baton.client, 'get_run', { run_id: 'last' });
      const listWorkflows = await roundTrips(baton.client, 'list_workflows', {});
      const figures: Record<string, number> = {
        calls,
        getRunP50Ms: round(percentile(getRun, 50)),
        getRunP99Ms: round(percentile(getRun, 99)),
        listWorkflowsP50Ms: round(percentile(listWorkflows, 50)),
        listWorkflowsP99Ms: round(percentile(listWorkflows, 99)),
        echoP50Ms: round(percentile(echoTimes, 50)),
        echoP99Ms: round(percentile(echoTimes, 99)),
        getRunOverEchoP50: round(percentile(getRun, 50) / percentile(echoTimes, 50), 2),
        startupP50Ms: round(percentile(startBaton, 50), 1),
        echoStartupP50Ms: round(percentile(startEcho, 50), 1),
        startupOverEcho: round(percentile(startBaton, 50) / percentile(startEcho, 50), 2),
      };
      printTable(`mcp: tool round trips over stdio (SDK client), ${calls} calls after ${warmup} warm-up; startup ${starts}×`, [
        ['get_run (a 50-step run), p50 / p99 (ms)', `${figures.getRunP50Ms} / ${figures.getRunP99Ms}   (budget p50 ≤ 20)`],
        ['list_workflows (20 files × 10 steps), p50 / p99 (ms)', `${figures.listWorkflowsP50Ms} / ${figures.listWorkflowsP99Ms}`],
        ['peer: bare SDK echo tool, p50 / p99 (ms)', `${figures.echoP50Ms} / ${figures.echoP99Ms}`],
        ['get_run p50 ÷ echo p50', figures.getRunOverEchoP50!],
        ['startup: spawn → initialize answered, baton mcp p50 (ms)', figures.startupP50Ms!],
        ['startup: bare SDK echo server p50 (ms)', figures.echoStartupP50Ms!],
      ]);
      return figures;
    } finally {
      await baton.client.close();
      await echo.client.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === __filename) {
  benchMcp().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
