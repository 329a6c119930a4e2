/**
 * The library is a real package (issue 8, house point 5; defect 8's README example): `npm pack`
 * of this repository, installed into a fresh project with npm, works from an ES module, from
 * CommonJS and from TypeScript, and the README's library example runs against it as written.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { repoRoot } from '../support/cli';
import { installTarball, packRepo } from '../support/packedInstall';

let root: string;
let tarball: string;
let consumer: string;

before(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'baton-package-')));
  tarball = packRepo(join(root, 'pack'));
  consumer = join(root, 'consumer');
  installTarball(consumer, tarball);
});
after(() => rmSync(root, { recursive: true, force: true }));

/** Runs a program with node in the consumer project; the environment keeps Baton's own variables out. */
function node(args: readonly string[]): { code: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^(WORKFLOW_|BATON_|SLACK_|NODE_OPTIONS$|NODE_TEST)/.test(key)) env[key] = value;
  const result = spawnSync(process.execPath, args, { cwd: consumer, env, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const workflowYaml = `name: Doubling
steps:
  - name: Double
    id: double
    action: double
    params: { n: 21 }
  - name: Say
    action: log
    params: { message: "doubled: \${{ steps.double.outputs.doubled }}" }
`;

interface ScriptReport {
  status: string;
  outputs: unknown[];
  printed: string;
  oneRegistry?: boolean;
}

function runScript(file: string, text: string, stateDir: string): ScriptReport {
  writeFileSync(join(consumer, 'doubling.yaml'), workflowYaml);
  writeFileSync(join(consumer, file), text);
  const result = node([file, stateDir]);
  assert.equal(result.code, 0, `node ${file}: exit ${String(result.code)}\n${result.stdout}\n${result.stderr}`);
  return JSON.parse(result.stdout) as ScriptReport;
}

test('npm pack ships the CLI, the library bundle and its types, the schemas, README, LICENSE and CHANGELOG, and no sources', () => {
  const listing = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  for (const file of ['package/package.json', 'package/README.md', 'package/LICENSE', 'package/CHANGELOG.md', 'package/dist/cli.js', 'package/dist/mcp.js', 'package/dist/lsp.js', 'package/dist/lib/index.js', 'package/dist/types/index.d.ts', 'package/schemas/workflow.schema.json', 'package/schemas/event.schema.json']) {
    assert.ok(listing.includes(file), `${file} is missing from the tarball:\n${listing.join('\n')}`);
  }
  const strays = listing.filter((f) => /^package\/(src|test|bench|scripts|docs|clients|media|workflows|node_modules)\//.test(f) || f.endsWith('.vsix'));
  assert.deepEqual(strays, []);
});

test('an ES module imports parseWorkflow, startRun and registerAction from the installed package and runs a workflow with its own action', () => {
  const report = runScript(
    'doubling.mjs',
    `import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { defaultActions, parseWorkflow, registerAction, startRun } from 'baton';

registerAction('double', (params) => ({ doubled: Number(params.n) * 2 }));
const loaded = parseWorkflow(readFileSync('doubling.yaml', 'utf8'), 'doubling.yaml');
if (!loaded.workflow) throw new Error(JSON.stringify(loaded.diagnostics));
let printed = '';
const { status, state } = await startRun({
  workflow: loaded.workflow, source: loaded.source, stateDir: process.argv[2], cwd: process.cwd(),
  onOutput: (_step, text) => (printed += text),
}).result;
const oneRegistry = createRequire(import.meta.url)('baton').defaultActions === defaultActions;
console.log(JSON.stringify({ status, outputs: state.steps.map((s) => s.outputs), printed, oneRegistry }));
`,
    join(root, 'state-esm'),
  );
  assert.deepEqual(report, { status: 'completed', outputs: [{ doubled: 42 }, {}], printed: 'doubled: 42\n', oneRegistry: true });
  const journal = readFileSync(join(root, 'state-esm', 'runs', onlyRun(join(root, 'state-esm')), 'journal.jsonl'), 'utf8');
  assert.match(journal, /"type":"baton.workflow.completed"/);
});

test('a CommonJS script require()s the same functions and gets the same run', () => {
  const report = runScript(
    'doubling.cjs',
    `const { readFileSync } = require('node:fs');
const { parseWorkflow, registerAction, startRun } = require('baton');

registerAction('double', (params) => ({ doubled: Number(params.n) * 2 }));
const loaded = parseWorkflow(readFileSync('doubling.yaml', 'utf8'), 'doubling.yaml');
if (!loaded.workflow) throw new Error(JSON.stringify(loaded.diagnostics));
let printed = '';
startRun({
  workflow: loaded.workflow, source: loaded.source, stateDir: process.argv[2], cwd: process.cwd(),
  onOutput: (_step, text) => (printed += text),
}).result.then(({ status, state }) => console.log(JSON.stringify({ status, outputs: state.steps.map((s) => s.outputs), printed })));
`,
    join(root, 'state-cjs'),
  );
  assert.deepEqual(report, { status: 'completed', outputs: [{ doubled: 42 }, {}], printed: 'doubled: 42\n' });
});

test("tsc type-checks a TypeScript consumer (CommonJS and ES module, and the README's example) against the shipped types", () => {
  writeFileSync(
    join(consumer, 'consumer.ts'),
    `import { parseWorkflow, registerAction, startRun, type ActionHandler, type RunResult } from 'baton';

const double: ActionHandler = (params) => ({ doubled: Number(params.n) * 2 });
const unregister: () => void = registerAction('double', double);
const loaded = parseWorkflow('name: x', 'x.yaml');
if (loaded.workflow) {
  const result: Promise<RunResult> = startRun({ workflow: loaded.workflow, source: loaded.source, stateDir: '.baton', cwd: '.' }).result;
  void result;
  // @ts-expect-error a run needs a state folder: the types are real, not any
  startRun({ workflow: loaded.workflow, source: loaded.source, cwd: '.' });
}
unregister();
`,
  );
  writeFileSync(join(consumer, 'readme-example.mts'), readmeLibraryExample());
  // The strict defaults a new project gets; no "types": the package brings Node's types itself.
  writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'nodenext', target: 'es2022', strict: true, noEmit: true }, files: ['consumer.ts', 'readme-example.mts'] }));
  const tsc = createRequire(join(repoRoot, 'package.json')).resolve('typescript/bin/tsc');
  const result = node([tsc, '-p', '.']);
  assert.equal(result.code, 0, `tsc:\n${result.stdout}\n${result.stderr}`);
});

test("the README's library example runs as written against the installed package", () => {
  writeFileSync(join(consumer, 'readme-example.mjs'), readmeLibraryExample());
  // The example keeps its state in .baton/ of the working folder: give it a clean one.
  rmSync(join(consumer, '.baton'), { recursive: true, force: true });
  const result = node(['readme-example.mjs']);
  assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
  assert.equal(result.stdout, "announce: tests counted\ncompleted { passed: 71, suite: 'tests/' }\n");
  const events = readFileSync(join(consumer, '.baton', 'events.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string; data: unknown });
  assert.deepEqual(events.map((e) => [e.type, e.data]), [['test.completed', { tests_passed: 71 }]]);

  const status = node([join('node_modules', '.bin', 'baton'), 'status', 'last', '--json']);
  assert.equal(status.code, 0, status.stderr);
  const run = JSON.parse(status.stdout) as { status: string; steps: { id: string; status: string }[] };
  assert.equal(run.status, 'completed');
  assert.deepEqual(run.steps.map((s) => [s.id, s.status]), [['count', 'completed'], ['announce', 'completed']]);
});

/** The first ```ts block under "## Library" in README.md: the test runs what the reader sees. */
function readmeLibraryExample(): string {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Library\n'));
  const block = /```ts\n([\s\S]*?)```/.exec(section.slice(0, section.indexOf('\n## ', 1)));
  assert.ok(block, 'README.md has a ```ts block in its Library section');
  return block[1]!;
}

/** The one run in a state folder. */
function onlyRun(stateDir: string): string {
  const runs = readdirSync(join(stateDir, 'runs'));
  assert.equal(runs.length, 1, `runs in ${stateDir}: ${runs.join(', ')}`);
  return runs[0]!;
}
