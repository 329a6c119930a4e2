/**
 * Issue 15: `clients/python` as the package a Python user installs. One fresh venv (seeing the
 * machine's pytest) gets it with the README's `pip install ./clients/python` and no package index;
 * then: the pytest-native tests of the decorator and the plugin (clients/python/tests), `baton-py`
 * with the CLI's flags, the Node and Python libraries writing the same events, the pytest plugin
 * on a green and a red suite triggering a real `baton watch`, and every Python example of the
 * README run as written.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { emitMcpToolCompleted, emitSynthesisCompleted, emitTestCompleted, withProcessEvents } from '../../src/index';
import { cliEnv, describeResult, exitBoundMs, readJournal, repoRoot, runCli, startCli, stateDirOf, tempDir, waitForRecord, writeFile, type CliResult } from '../support/cli';
import { interrupt, logPathOf, readLog, startWatch, waitForEvents, type LoggedEvent } from '../support/eventLogCli';
import { gatedDeploy } from '../support/workflows';

const packageDir = join(repoRoot, 'clients', 'python');
const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
let venv = '';
let installed: CliResult | undefined;
const bin = (name: string) => join(venv, 'bin', name);

/** Runs a command to its end (bounded); never rejects on a non-zero exit. */
function run(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; boundMs?: number }): Promise<CliResult> {
  // PYTHONDONTWRITEBYTECODE: running the tests in clients/python must not leave __pycache__ there.
  const env = { ...(options.env ?? cliEnv(options.cwd)), PYTHONDONTWRITEBYTECODE: '1' };
  const child = spawn(command, args, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), options.boundMs ?? exitBoundMs);
    child.on('error', (error) => (clearTimeout(timer), resolve({ code: null, signal: null, stdout, stderr: `${stderr}\nspawn error: ${error.message}` })));
    child.on('close', (code, signal) => (clearTimeout(timer), resolve({ code, signal, stdout, stderr })));
  });
}

/** The fenced blocks of a language in a Markdown text, in order. */
function blocks(markdown: string, language: string): string[] {
  return [...markdown.matchAll(new RegExp('^```' + language + '\\n([\\s\\S]*?)^```$', 'gm'))].map((m) => m[1]!);
}

/** No package index may be used: the install must work offline. */
const offline = { PIP_NO_INDEX: '1', PIP_INDEX_URL: 'http://127.0.0.1:9/nothing-here', PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_CACHE_DIR: '1' };

before(async () => {
  venv = join(realpathSync(mkdtempSync(join(tmpdir(), 'baton-venv-'))), 'venv');
  const made = await run('python3', ['-m', 'venv', '--system-site-packages', venv], { cwd: repoRoot, env: { ...process.env, ...offline }, boundMs: 120_000 });
  assert.equal(made.code, 0, `python3 -m venv: ${describeResult(made)}`);
  const line = blocks(readme, 'sh')[0]?.trim();
  assert.equal(line, 'pip install ./clients/python', "the README's install line comes first");
  const [, ...args] = line.split(' ');
  installed = await run(bin('pip'), args, { cwd: repoRoot, env: { ...cliEnv(repoRoot), ...offline }, boundMs: 120_000 });
});

after(() => rmSync(join(venv, '..'), { recursive: true, force: true }));

test("a fresh venv installs clients/python offline with the README's line: the module, `baton-py`, the pytest plugin", async () => {
  assert.equal(installed?.code, 0, `pip install: ${installed && describeResult(installed)}`);
  const where = await run(bin('python'), ['-c', 'import baton_events, baton_pytest; print(baton_events.__file__); print(baton_events.process)'], { cwd: tmpdir() });
  assert.equal(where.code, 0, describeResult(where));
  assert.ok(where.stdout.startsWith(join(venv, 'lib')), `the installed copy is imported, not the sources: ${where.stdout}`);
  const help = await run(bin('baton-py'), ['--help'], { cwd: tmpdir() });
  assert.equal(help.code, 0, describeResult(help));
  assert.match(help.stdout, /^usage: baton-py .*\{emit,tail,approve,cancel\}/m);
  const plugin = await run(bin('python'), ['-m', 'pytest', '--help'], { cwd: tmpdir() });
  assert.match(plugin.stdout, /--baton\s+append test\.completed/);
  assert.deepEqual(readdirSync(packageDir).filter((f) => /^(build|dist)$|\.(egg|dist)-info$/.test(f)), [], 'building left nothing behind in the sources');
});

test('the decorator, context manager and plugin, by their pytest tests (sync, async, raising, threaded, one write per line)', async (t) => {
  const cwd = tempDir(t);
  // Only our plugin, not every one the machine has (the entry point itself is tested below).
  const env = cliEnv(cwd, { PYTEST_DISABLE_PLUGIN_AUTOLOAD: '1' });
  const result = await run(bin('python'), ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', '-p', 'baton_pytest', join(packageDir, 'tests')], { cwd, env, boundMs: 120_000 });
  assert.equal(result.code, 0, describeResult(result));
  assert.match(result.stdout, /\b17 passed\b/, result.stdout);
});

test('`baton-py` takes the CLI\'s flags: emit -d --subject --json, tail -n --type --source, approve -s --reason', async (t) => {
  const cwd = tempDir(t);
  const emitArgs = ['emit', 'test.completed', '-d', '{"passed": 3, "failed": 0}', '--source', 'pycharm', '--subject', 's-1', '--json'];
  const fromPython = await run(bin('baton-py'), emitArgs, { cwd });
  const fromNode = await runCli(t, emitArgs, { cwd });
  assert.equal(fromPython.code, 0, describeResult(fromPython));
  assert.equal(fromNode.code, 0, describeResult(fromNode));
  const [py, node] = [JSON.parse(fromPython.stdout) as LoggedEvent, JSON.parse(fromNode.stdout) as LoggedEvent];
  assert.deepEqual(Object.keys(py).sort(), Object.keys(node).sort());
  assert.deepEqual([py.type, py.source, py.subject, py.data], [node.type, node.source, node.subject, node.data]);
  const tailArgs = ['tail', '--json', '-n', '1', '--type', 'test.*', '--source', 'py*'];
  const tails = [await run(bin('baton-py'), tailArgs, { cwd }), await runCli(t, tailArgs, { cwd })];
  assert.equal(tails[0]!.stdout, tails[1]!.stdout, 'both print the same newest event');
  assert.equal((JSON.parse(tails[0]!.stdout) as LoggedEvent).id, node.id);

  writeFile(cwd, 'gated.yaml', gatedDeploy);
  const gated = startCli(t, ['run', 'gated.yaml'], { cwd });
  const runId = await waitForRecord(stateDirOf(cwd), 'the gate to wait', (r) => r.type === 'baton.step.waiting_approval', gated);
  const approved = await run(bin('baton-py'), ['approve', runId.slice(0, 17), '-s', 'gate', '--reason', 'green'], { cwd });
  assert.equal(approved.code, 0, describeResult(approved));
  assert.equal((await gated.waitForExit()).code, 0);
  assert.equal(readJournal(stateDirOf(cwd), runId).find((r) => r.type === 'baton.approval.granted')?.data.reason, 'green');
});

/** An event's type, attribute names and, per data key, the JSON type of its value. */
function shape(e: LoggedEvent): { type: string; attributes: string[]; data: Record<string, string> } {
  const jsonType = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  const data = (e.data ?? {}) as Record<string, unknown>;
  return { type: e.type, attributes: Object.keys(e).sort(), data: Object.fromEntries(Object.keys(data).sort().map((k) => [k, jsonType(data[k])])) };
}

/** What the Python side adds to withProcessEvents' data, which Node has no counterpart for. */
const pythonOnly: Record<string, string[]> = { 'process.completed': ['next_steps', 'result'], 'process.failed': ['error_type', 'traceback'] };

test('Node and Python write the same events: the emitters key for key, process.* with only the documented additions', async (t) => {
  const cwd = tempDir(t);
  const nodeLog = join(cwd, 'node.jsonl');
  const pyLog = join(cwd, 'python.jsonl');
  const options = { logPath: nodeLog, source: 'same' };
  emitTestCompleted({ testSuite: 'tests/', passed: 71, failed: 0, coverage: 98.6 }, options);
  emitTestCompleted({ testSuite: 'tests/', passed: 70, failed: 1 }, options);
  emitSynthesisCompleted({ query: 'Analyze Lakers', response: 'Lakers won 68%', cost: 0.015 }, options);
  emitSynthesisCompleted({ query: 'q', response: 'r' }, options);
  emitMcpToolCompleted({ toolName: 'query_database', params: { sql: 'SELECT 1' }, result: { rows: 100 } }, options);
  emitMcpToolCompleted({ toolName: 'ping' }, options);
  await withProcessEvents('NBA analysis', () => ({ games: 3 }), { ...options, metadata: { season: 2024 } });
  await assert.rejects(withProcessEvents('broken', () => Promise.reject(new Error('boom')), { ...options, metadata: { season: 2024 } }));

  const script = `
import baton_events as b
kw = dict(source="same", path=${JSON.stringify(pyLog)})
b.emit_test_completed("tests/", 71, 0, coverage=98.6, **kw)
b.emit_test_completed("tests/", passed=70, failed=1, **kw)
b.emit_synthesis_completed("Analyze Lakers", "Lakers won 68%", cost=0.015, **kw)
b.emit_synthesis_completed("q", "r", **kw)
b.emit_mcp_tool_completed("query_database", {"sql": "SELECT 1"}, {"rows": 100}, **kw)
b.emit_mcp_tool_completed("ping", **kw)
b.process("NBA analysis", metadata={"season": 2024}, next_steps=["Review"], **kw)(lambda: {"games": 3})()
def boom():
    raise RuntimeError("boom")
try:
    b.process("broken", metadata={"season": 2024}, **kw)(boom)()
except RuntimeError:
    pass
`;
  const py = await run(bin('python'), ['-c', script], { cwd });
  assert.equal(py.code, 0, describeResult(py));
  const [fromNode, fromPython] = [readLog(nodeLog), readLog(pyLog)];
  assert.equal(fromPython.length, fromNode.length);
  fromNode.forEach((node, i) => {
    const python = fromPython[i]!;
    const extra = pythonOnly[python.type] ?? [];
    const pyShape = shape(python);
    for (const key of extra) assert.ok(key in pyShape.data, `${python.type} has ${key}`);
    pyShape.data = Object.fromEntries(Object.entries(pyShape.data).filter(([k]) => !extra.includes(k)));
    assert.deepEqual(pyShape, shape(node), `event ${i + 1} (${node.type}) has the same attributes and data keys and types`);
    const values = (e: LoggedEvent) => Object.fromEntries(Object.entries(e.data as Record<string, unknown>).filter(([k]) => !['pid', 'duration_ms', 'host', ...extra].includes(k)));
    assert.deepEqual(values(python), values(node), `event ${i + 1} (${node.type}) has the same values`);
  });
});

/** One test passes, one is skipped; in the red suite one also fails and a fixture breaks. */
const greenSuite = 'import pytest\n\ndef test_one(): pass\n\ndef test_two(): pass\n\n@pytest.mark.skip(reason="later")\ndef test_later(): pass\n';
const redSuite = `${greenSuite}\n@pytest.fixture\ndef db():\n    raise RuntimeError("no database")\n\ndef test_fails(): assert 1 == 2\n\ndef test_needs_db(db): pass\n`;

test('the pytest plugin: off by default; a red suite deploys nothing, a green one triggers the README\'s deploy through `baton watch`', async (t) => {
  const cwd = tempDir(t);
  writeFile(cwd, 'green/test_green.py', greenSuite);
  writeFile(cwd, 'red/test_red.py', redSuite);
  const pytest = (args: string[], env: NodeJS.ProcessEnv = {}) => run(bin('python'), ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', ...args], { cwd, env: cliEnv(cwd, env) });
  const log = logPathOf(cwd);

  const quiet = await pytest(['green']);
  assert.equal(quiet.code, 0, describeResult(quiet));
  assert.deepEqual(readLog(log), [], 'without --baton or BATON_PYTEST=1 the plugin writes nothing');

  const deploy = blocks(readme, 'yaml').find((b) => b.includes('data.failed'));
  assert.ok(deploy, "the README's deploy workflow");
  writeFile(cwd, 'workflows/deploy.yaml', deploy);
  const watch = await startWatch(t, [], { cwd }, 1);

  const red = await pytest(['--baton', 'red']);
  assert.equal(red.code, 1, describeResult(red));
  const green = await pytest(['green'], { BATON_PYTEST: '1' });
  assert.equal(green.code, 0, describeResult(green));
  const [redEvent, greenEvent] = readLog(log).filter((e) => e.type === 'test.completed');
  assert.ok(redEvent && greenEvent, 'one test.completed per session');
  const counts = (e: LoggedEvent) => { const { passed, failed, skipped, errors, exit_status, success, tests_passed, tests_failed, test_suite } = e.data as Record<string, unknown>; return { passed, failed, skipped, errors, exit_status, success, tests_passed, tests_failed, test_suite }; };
  assert.deepEqual(counts(redEvent), { passed: 2, failed: 2, skipped: 1, errors: 1, exit_status: 1, success: false, tests_passed: 2, tests_failed: 2, test_suite: 'red' });
  assert.deepEqual(counts(greenEvent), { passed: 2, failed: 0, skipped: 1, errors: 0, exit_status: 0, success: true, tests_passed: 2, tests_failed: 0, test_suite: 'green' });
  assert.match(greenEvent.source, /^baton:\/\/[^/]+\/pytest\/\d+$/);
  assert.match(green.stdout, new RegExp(`baton: test\\.completed ${greenEvent.id} \\(passed 2, failed 0\\)`));

  const [done] = await waitForEvents(log, 'the deploy to finish', (e) => e.type === 'baton.workflow.completed');
  const started = readLog(log).filter((e) => e.type === 'baton.workflow.started');
  assert.deepEqual(started.map((e) => e.causationid), [greenEvent.id], 'only the green session deployed');
  const stepLogs = join(stateDirOf(cwd), 'runs', done!.runid!, 'steps');
  assert.match(readdirSync(stepLogs).filter((f) => f.endsWith('.log')).map((f) => readFileSync(join(stepLogs, f), 'utf8')).join(''), /deploying after 2 passing tests/);
  const ended = await interrupt(watch, 'baton watch');
  assert.equal(ended.code, 0, describeResult(ended));
});

test("every Python example in clients/python/README.md runs as written; its workflows validate", async (t) => {
  const cwd = tempDir(t);
  writeFile(cwd, 'gated.yaml', gatedDeploy);
  const gated = startCli(t, ['run', 'gated.yaml'], { cwd });
  const runId = await waitForRecord(stateDirOf(cwd), 'the gate to wait', (r) => r.type === 'baton.step.waiting_approval', gated);
  const examples = blocks(readme, 'python');
  assert.ok(examples.length >= 6, `the README has its examples (found ${examples.length})`);
  for (const [i, code] of examples.entries()) {
    const file = writeFile(cwd, `example-${i + 1}.py`, code);
    const result = await run(bin('python'), [file], { cwd });
    assert.equal(result.code, 0, `example ${i + 1}:\n${code}\n${describeResult(result)}`);
    assert.doesNotMatch(result.stderr, /Traceback/, `example ${i + 1}`);
  }
  const names = readLog(logPathOf(cwd)).map((e) => `${e.type} ${String((e.data as { name?: string } | undefined)?.name ?? '')}`.trim());
  for (const expected of ['process.completed NBA analysis', 'process.completed Multi-model synthesis', 'process.in_progress Import games', 'process.failed Import odds', 'process.completed NBA Analysis Implementation', 'test.completed', 'synthesis.completed', 'mcp_tool.completed']) {
    assert.ok(names.includes(expected), `the examples wrote ${expected}: ${names.join(', ')}`);
  }
  assert.equal(readJournal(stateDirOf(cwd), runId).find((r) => r.type === 'baton.approval.granted')?.data.reason, 'tests are green', 'the approve example approved the waiting run');
  await gated.waitForExit();

  for (const [i, yaml] of blocks(readme, 'yaml').entries()) {
    const file = writeFile(cwd, `workflow-${i + 1}.yaml`, yaml);
    const valid = await runCli(t, ['validate', file], { cwd });
    assert.equal(valid.code, 0, `workflow ${i + 1}:\n${yaml}\n${describeResult(valid)}`);
  }
});
