/**
 * `action: workflow` in the core: validation follows the calls into the files they name (cycle,
 * depth, unreadable or invalid files, inputs, the called file's declared outputs) and checks the
 * top-level `outputs:`, by code and position; a run evaluates its `outputs:` at the end, secrets
 * masked, into its completed record.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { loadWorkflowFile, parseWorkflow, readJournal, runPaths, startRun } from '../../src/core/index';

function folder(t: TestContext, files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'baton-calls-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** `code@line:col` of every error of the file. */
function errors(file: string): string[] {
  return loadWorkflowFile(file).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}@${d.range.start.line}:${d.range.start.col}`);
}

const caller = (path: string, extra = '') => `name: Caller\nsteps:\n  - name: Call\n    id: call\n    action: workflow\n    params:\n      path: ${path}\n${extra}`;
const called = 'name: Called\ninputs: { target: dev }\noutputs:\n  url: "${{ steps.push.outputs.url }}"\nsteps:\n  - name: Push\n    id: push\n    action: shell\n    params: { command: "echo url=x >> $BATON_OUTPUT" }\n';

test('a called file that is valid loads; its declared outputs and inputs are what callers may use', (t) => {
  const dir = folder(t, {
    'ci.yaml': `${caller('lib/deploy.yaml', '      inputs: { target: prod, region: eu }\n')}  - name: Use\n    action: log\n    params: { message: "\${{ steps.call.outputs.url }} \${{ steps.call.outputs.nope }}" }\n`,
    'lib/deploy.yaml': called,
  });
  assert.deepEqual(errors(join(dir, 'ci.yaml')), ['call.unknown_input@8:31', 'expression.unknown_output@11:55']);
  const loaded = loadWorkflowFile(join(dir, 'lib/deploy.yaml'));
  assert.deepEqual(loaded.workflow?.outputs, { url: '${{ steps.push.outputs.url }}' });
});

test('cycles (direct and through another file), missing and invalid files are errors at the path', (t) => {
  const dir = folder(t, {
    'self.yaml': caller('./self.yaml'),
    'a.yaml': caller('b.yaml'),
    'b.yaml': caller('a.yaml'),
    'gone.yaml': caller('nowhere.yaml'),
    'bad.yaml': caller('broken.yaml'),
    'broken.yaml': 'name: Broken\nsteps:\n  - name: X\n    action: nope\n',
  });
  assert.deepEqual(errors(join(dir, 'self.yaml')), ['call.cycle@7:13']);
  assert.deepEqual(errors(join(dir, 'a.yaml')), ['call.cycle@7:13']);
  assert.match(loadWorkflowFile(join(dir, 'a.yaml')).diagnostics[0]!.message, /a\.yaml → b\.yaml → a\.yaml/);
  assert.deepEqual(errors(join(dir, 'gone.yaml')), ['call.not_found@7:13']);
  assert.deepEqual(errors(join(dir, 'bad.yaml')), ['call.invalid@7:13']);
  // A run's snapshot is loaded without following calls (its relative paths point nowhere).
  assert.equal(loadWorkflowFile(join(dir, 'gone.yaml'), { followCalls: false }).workflow?.steps[0]?.action, 'workflow');
});

test('a chain of calls deeper than 5 is an error at the call that goes too deep', (t) => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 7; i++) files[`f${i}.yaml`] = i < 6 ? caller(`f${i + 1}.yaml`) : 'name: Leaf\nsteps:\n  - name: X\n    action: log\n';
  const dir = folder(t, files);
  assert.deepEqual(errors(join(dir, 'f1.yaml')), []);
  assert.deepEqual(errors(join(dir, 'f0.yaml')), ['call.depth@7:13']);
});

test('top-level outputs: the schema and what their expressions read, at their positions', () => {
  const errs = (text: string) => parseWorkflow(text, 'o.yaml').diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}@${d.range.start.line}:${d.range.start.col}`);
  const steps = 'steps:\n  - name: A\n    id: a\n    action: log\n';
  assert.deepEqual(errs(`name: O\noutputs: [a]\n${steps}`), ['schema.type@2:10']);
  assert.deepEqual(errs(`name: O\noutputs:\n  "bad key": x\n${steps}`), ['schema.pattern@3:3', 'schema.propertyNames@3:3']); // as env: keys reports both
  assert.deepEqual(errs(`name: O\noutputs:\n  x: "\${{ steps.b.outputs.y }}"\n  y: "\${{ needs.a.outputs.y }}"\n  z: "\${{ steps.a.outputs.z }}"\n${steps}`), ['expression.unknown_step@3:7', 'expression.not_allowed@4:7', 'expression.unknown_output@5:7']);
  assert.deepEqual(errs(`name: O\noutputs:\n  x: "\${{ steps.a.status }}-\${{ inputs.k }}"\ninputs: { k: v }\n${steps}`), []);
  // Secrets reach neither outputs nor a called workflow's inputs (both are journaled).
  assert.deepEqual(errs(`name: O\noutputs:\n  x: "\${{ secrets.TOKEN }}"\n${steps}`), ['expression.not_allowed@3:7']);
  const call = 'name: W\nsteps:\n  - name: C\n    action: workflow\n    params: { path: x.yaml, inputs: { t: "${{ secrets.TOKEN }}" } }\n';
  assert.deepEqual(parseWorkflow(call, 'w.yaml', { followCalls: false }).diagnostics.map((d) => `${d.code}@${d.range.start.line}:${d.range.start.col}`), ['expression.not_allowed@5:43']);
  // A workflow step without timeout_seconds is bounded by its child's own steps, not the 300 s default.
  assert.equal(parseWorkflow('name: W\nsteps:\n  - name: C\n    action: workflow\n    params: { path: x.yaml }\n', 'w.yaml', { followCalls: false }).workflow?.steps[0]?.timeoutSeconds, 86_400);
});

test("a run's outputs are evaluated at its end, secrets masked, into its completed record", async (t) => {
  const stateDir = mkdtempSync(join(tmpdir(), 'baton-outputs-'));
  t.after(() => rmSync(stateDir, { recursive: true, force: true }));
  const text = 'name: O\noutputs:\n  url: "https://${{ steps.a.outputs.host }}/${{ inputs.v }}"\n  n: "${{ steps.a.outputs.count }}"\ninputs: { v: "1" }\nsteps:\n  - name: A\n    id: a\n    action: emitless\n';
  const actions = (await import('../../src/core/index')).defaultActions.extend([{ name: 'emitless', outputs: 'any', run: () => ({ host: 'tok-SECRET-en.example', count: 3 }) }]);
  const { workflow, source } = parseWorkflow(text, 'o.yaml', { actions });
  const result = await startRun({ stateDir, cwd: stateDir, actions, workflow: workflow!, source, secrets: ['SECRET'] }).result;
  assert.equal(result.status, 'completed');
  assert.deepEqual(result.state.outputs, { url: 'https://tok-***-en.example/1', n: '3' });
  const completed = readJournal(runPaths(stateDir, result.runId).journal).events.find((e) => e.type === 'baton.workflow.completed');
  assert.deepEqual(completed?.type === 'baton.workflow.completed' ? completed.data.outputs : undefined, { url: 'https://tok-***-en.example/1', n: '3' });
});
