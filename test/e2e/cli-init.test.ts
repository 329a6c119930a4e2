/** `baton init jetbrains`: the files it writes (well-formed XML, the right paths), and that it never clobbers without --force. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliEnv, describeResult, repoRoot, runCli, tempDir, writeFile } from '../support/cli';

/** Parsed by Python's XML parser (not ours): each file's root tag, and every `option` name=value of the configurations. */
function parseXml(file: string): { root: string; configurations: Array<{ name: string; type: string; options: Record<string, string> }>; schema?: string; patterns: string[] } {
  const code = `
import json, sys, xml.etree.ElementTree as E
root = E.parse(sys.argv[1]).getroot()
configs = [{'name': c.get('name'), 'type': c.get('type'), 'options': {o.get('name'): o.get('value') for o in c.findall('option')}} for c in root.iter('configuration')]
schema = next((o.get('value') for o in root.iter('option') if o.get('name') == 'relativePathToSchema'), None)
patterns = [o.get('value') for o in root.iter('option') if o.get('name') == 'path']
print(json.dumps({'root': root.tag, 'configurations': configs, 'schema': schema, 'patterns': patterns}))`;
  const result = spawnSync('python3', ['-c', code, file], { encoding: 'utf8' });
  assert.equal(result.status, 0, `${file} is not well-formed XML: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

test('baton init jetbrains writes the schema mapping and a Run and a Validate configuration per workflow; keeps existing files unless --force', async (t) => {
  const root = tempDir(t);
  writeFile(root, 'workflows/nightly report.yaml', 'name: Nightly report\nsteps:\n  - name: One\n    action: log\n    params: { message: hi }\n');
  writeFile(root, 'deploy.workflow.yaml', 'name: Deploy\nsteps:\n  - name: One\n    action: log\n    params: { message: hi }\n');
  const first = await runCli(t, ['init', 'jetbrains'], { cwd: root, env: cliEnv(root) });
  assert.equal(first.code, 0, describeResult(first));
  assert.match(first.stdout, /wrote \.idea\/jsonSchemas\.xml/);

  const schemas = parseXml(join(root, '.idea/jsonSchemas.xml'));
  assert.equal(schemas.root, 'project');
  assert.equal(schemas.schema, join(repoRoot, 'schemas/workflow.schema.json'), 'the schema shipped beside the CLI');
  assert.deepEqual(schemas.patterns, ['workflows/**/*.yaml', 'workflows/**/*.yml', '*.workflow.yaml', '*.workflow.yml']);

  const nightly = parseXml(join(root, '.run/Baton_nightly_report.run.xml'));
  assert.deepEqual(nightly.configurations.map((c) => [c.name, c.type, c.options.SCRIPT_TEXT, c.options.SCRIPT_WORKING_DIRECTORY]), [
    ['Baton: Run Nightly report', 'ShConfigurationType', "baton run 'workflows/nightly report.yaml'", '$PROJECT_DIR$'],
    ['Baton: Validate Nightly report', 'ShConfigurationType', "baton validate 'workflows/nightly report.yaml'", '$PROJECT_DIR$'],
  ]);
  assert.equal(parseXml(join(root, '.run/Baton_deploy.run.xml')).configurations[0]!.options.SCRIPT_TEXT, "baton run 'deploy.workflow.yaml'");
  assert.equal(statSync(join(root, '.run/Baton_deploy.run.xml')).mode & 0o777, 0o600);

  // The configurations run: the Validate one's command, as the IDE would, in the project folder.
  const validate = await runCli(t, ['validate', 'workflows/nightly report.yaml'], { cwd: root, env: cliEnv(root) });
  assert.equal(validate.code, 0, describeResult(validate));

  writeFileSync(join(root, '.idea/jsonSchemas.xml'), '<project version="4"><!-- mine --></project>\n');
  const again = await runCli(t, ['init', 'jetbrains'], { cwd: root, env: cliEnv(root) });
  assert.equal(again.code, 0);
  assert.match(again.stdout, /kept \.idea\/jsonSchemas\.xml \(it exists; --force replaces it\)/);
  assert.match(readFileSync(join(root, '.idea/jsonSchemas.xml'), 'utf8'), /mine/);
  const forced = await runCli(t, ['init', 'jetbrains', '--force', '--bin', 'npx baton'], { cwd: root, env: cliEnv(root) });
  assert.equal(forced.code, 0);
  assert.doesNotMatch(readFileSync(join(root, '.idea/jsonSchemas.xml'), 'utf8'), /mine/);
  assert.equal(parseXml(join(root, '.run/Baton_deploy.run.xml')).configurations[1]!.options.SCRIPT_TEXT, "npx baton validate 'deploy.workflow.yaml'");

  const usage = await runCli(t, ['init', 'emacs'], { cwd: root, env: cliEnv(root) });
  assert.equal(usage.code, 2);
});
