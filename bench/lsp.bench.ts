/**
 * `baton lsp` (DESIGN §17: diagnostics after one keystroke in a 300-line workflow ≤ 20 ms p50
 * server time). The server runs as `baton lsp --stdio` with no debounce; each keystroke is one
 * incremental didChange, timed until the publishDiagnostics of that version arrives (the round
 * trip: server time plus the pipe, so an upper bound on server time). Beside it, in this process:
 * core's `parseWorkflow` on the same texts (the floor: the one call the server makes), and
 * yaml-language-server with Baton's schema on the same edits (the peer; its own 200 ms validation
 * delay is subtracted). Also a 1,000-step workflow, server startup to the `initialize` answer and
 * the server's RSS.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import {
  ConfigurationRequest,
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { parseWorkflow } from '../src/core/index';
import { percentile, printTable, round } from './stats';

const root = join(__dirname, '..');
/** yaml-language-server waits this long after a change before it validates (yamlSettings.ts); not configurable. */
const yamlLsDelayMs = 200;

/** A workflow of `steps` steps, six lines each, every step reading the one before it. */
function workflowText(steps: number): string {
  const lines = ['name: Bench', 'inputs:', '  target: staging', 'steps:'];
  for (let i = 0; i < steps; i++) {
    lines.push(`  - name: Step ${i}`, `    id: s${i}`, '    action: shell', ...(i > 0 ? [`    needs: [s${i - 1}]`] : ['    needs: []']), '    params:', `      command: echo ${i} \${{ inputs.target }}${i > 0 ? ` \${{ steps.s${i - 1}.status }}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

interface Server {
  connection: ProtocolConnection;
  pid: number;
  startupMs: number;
  stop(): Promise<void>;
}

async function startServer(command: string[], cwd: string, schemaUri?: string): Promise<Server> {
  const started = performance.now();
  const child = spawn(process.execPath, command, { cwd, stdio: ['pipe', 'pipe', 'ignore'] });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  connection.onRequest(ConfigurationRequest.type, (params) => params.items.map((item) => (item.section === 'yaml' && schemaUri ? { schemas: { [schemaUri]: '*.yaml' }, validate: true, completion: true, hover: true } : null)));
  connection.listen();
  await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: pathToFileURL(cwd).href,
    workspaceFolders: [{ uri: pathToFileURL(cwd).href, name: 'bench' }],
    capabilities: { workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: false } } },
    initializationOptions: { debounceMs: 0 },
  });
  const startupMs = performance.now() - started;
  await connection.sendNotification(InitializedNotification.type, {});
  return {
    connection,
    pid: child.pid!,
    startupMs,
    async stop() {
      await connection.sendRequest(ShutdownRequest.type).catch(() => undefined);
      await connection.sendNotification(ExitNotification.type).catch(() => undefined);
      connection.dispose();
      child.kill();
    },
  };
}

/** Times `count` one-character edits (insert, then delete, an `x` in the last step's command) until each version's diagnostics arrive. */
async function keystrokes(server: Server, file: string, text: string, count: number, delayMs = 0): Promise<number[]> {
  const uri = pathToFileURL(file).href;
  let waiting: { version: number; resolve: () => void } | undefined;
  server.connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
    // yaml-language-server sends no version: the only change in flight is the one being timed.
    if (p.uri === uri && waiting && (p.version === undefined || p.version === waiting.version)) waiting.resolve();
  });
  const opened = new Promise<void>((resolve) => (waiting = { version: 1, resolve }));
  await server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version: 1, text } });
  await opened;
  const lines = text.split('\n');
  const line = lines.length - 2; // the last command line
  const character = lines[line]!.indexOf('echo') + 5;
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const version = i + 2;
    const insert = i % 2 === 0;
    const range = { start: { line, character }, end: { line, character: insert ? character : character + 1 } };
    const done = new Promise<void>((resolve) => (waiting = { version, resolve }));
    const t0 = performance.now();
    await server.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ range, text: insert ? 'x' : '' }] });
    await done;
    times.push(performance.now() - t0 - delayMs);
  }
  return times.sort((a, b) => a - b);
}

function floor(text: string, count: number): number[] {
  const lines = text.split('\n');
  const line = lines.length - 2;
  const edited = [...lines];
  edited[line] = edited[line]!.replace('echo ', 'echo x');
  const variants = [edited.join('\n'), text];
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    parseWorkflow(variants[i % 2]!, 'bench.yaml');
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
}

function rssOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 1024;
  } catch {
    return Number.NaN;
  }
}

export async function benchLsp(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-lsp-bench-'));
  const out: Record<string, number> = {};
  try {
    mkdirSync(join(dir, 'workflows'));
    const small = workflowText(50); // 300 lines + header
    const large = workflowText(1000);
    const smallFile = join(dir, 'workflows/small.yaml');
    const largeFile = join(dir, 'workflows/large.yaml');
    writeFileSync(smallFile, small);
    writeFileSync(largeFile, large);
    out.lines300 = small.split('\n').length - 1;

    const baton = await startServer([join(root, 'dist/cli.js'), 'lsp', '--stdio'], dir);
    out.startupMs = round(baton.startupMs, 1);
    floor(small, 50); // warm the floor's code paths as the server's are warmed by its first keystrokes
    await keystrokes(baton, smallFile, small, 20);
    const keys = await keystrokes(baton, smallFile, small, 200);
    const bare = floor(small, 200);
    out.keystroke300P50Ms = round(percentile(keys, 50));
    out.keystroke300P99Ms = round(percentile(keys, 99));
    out.validate300P50Ms = round(percentile(bare, 50));
    out.validate300P99Ms = round(percentile(bare, 99));
    out.keystroke300P50Ratio = round(percentile(keys, 50) / percentile(bare, 50), 2);
    const keysLarge = await keystrokes(baton, largeFile, large, 30);
    const bareLarge = floor(large, 30);
    out.keystroke1000StepsP50Ms = round(percentile(keysLarge, 50));
    out.keystroke1000StepsP99Ms = round(percentile(keysLarge, 99));
    out.validate1000StepsP50Ms = round(percentile(bareLarge, 50));
    out.keystroke1000StepsP50Ratio = round(percentile(keysLarge, 50) / percentile(bareLarge, 50), 2);
    out.serverRssMb = round(rssOf(baton.pid), 1);
    await baton.stop();

    try {
      const schemaUri = pathToFileURL(join(root, 'schemas/workflow.schema.json')).href;
      const peer = await startServer([join(root, 'node_modules/yaml-language-server/bin/yaml-language-server'), '--stdio'], dir, schemaUri);
      out.yamlLsStartupMs = round(peer.startupMs, 1);
      await keystrokes(peer, smallFile, small, 6, yamlLsDelayMs);
      const peerKeys = await keystrokes(peer, join(dir, 'workflows/small2.yaml'), small, 30, yamlLsDelayMs);
      out.yamlLs300P50Ms = round(percentile(peerKeys, 50));
      out.yamlLs300P99Ms = round(percentile(peerKeys, 99));
      out.keystroke300VsYamlLsRatio = round(percentile(keys, 50) / percentile(peerKeys, 50), 2);
      out.yamlLsRssMb = round(rssOf(peer.pid), 1);
      await peer.stop();
    } catch (error) {
      console.error(`lsp bench: yaml-language-server peer skipped: ${String(error)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  printTable('baton lsp: diagnostics after one keystroke (round trip over stdio; floor: parseWorkflow in-process)', Object.entries(out).map(([k, v]) => [k, v]));
  return out;
}
