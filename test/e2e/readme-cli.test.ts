/**
 * Defect 12 of issue 8: after the README's first command (`npm ci && npm run demo`) a newcomer
 * can type the CLI the way the README says — `npx baton` in the repository, or `baton` after
 * `npm link` — and `npm run try` installs the VS Code server it needs by itself.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { test } from 'node:test';
import { cliEnv, repoRoot, tempDir } from '../support/cli';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv) {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, all: `exit ${String(result.status)}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}` };
}

test("the README's `npx baton --help` runs this repository's CLI from its root and from a subfolder, downloading nothing", (t) => {
  const documented = /`(npx baton --help)`/.exec(readme)?.[1];
  assert.ok(documented, 'README.md tells how to run the CLI with `npx baton --help`');
  const [command, ...args] = documented.split(' ');
  // npm_config_yes=false: were the local bin not found, npx would refuse instead of fetching a
  // package called "baton" from the registry.
  const env = { ...cliEnv(tempDir(t)), npm_config_yes: 'false', npm_config_update_notifier: 'false' };
  for (const cwd of [repoRoot, join(repoRoot, 'workflows')]) {
    const result = run(command!, args, cwd, env);
    assert.equal(result.code, 0, `${documented} in ${cwd}: ${result.all}`);
    assert.match(result.stdout, /^usage: baton <command>/m);
  }
  const versionResult = run('npx', ['baton', '--version'], repoRoot, env);
  assert.equal(versionResult.stdout.trim(), version, versionResult.all);
});

test('`npm link`, as the README says, puts `baton` on the PATH (here into a throwaway npm prefix)', (t) => {
  assert.match(readme, /run `npm link` once/);
  const prefix = tempDir(t, 'baton-prefix-');
  const env = { ...cliEnv(prefix), npm_config_prefix: prefix, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
  const link = run('npm', ['link'], repoRoot, env);
  assert.equal(link.code, 0, link.all);
  const result = run('baton', ['--version'], prefix, { ...env, PATH: `${join(prefix, 'bin')}${delimiter}${process.env.PATH ?? ''}` });
  assert.equal(result.code, 0, result.all);
  assert.equal(result.stdout.trim(), version);
});

/**
 * A `bash` first on the PATH that records calls of the VS Code setup script and fails them (so no
 * code-server is installed), and hands every other call to the real bash.
 */
function fakeSetupBash(dir: string): { bin: string; calls: () => string[] } {
  const realBash = (process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'bash')).find((p) => existsSync(p));
  assert.ok(realBash, 'bash is on the PATH');
  const bin = join(dir, 'bin');
  const record = join(dir, 'setup-calls');
  mkdirSync(bin, { recursive: true });
  writeFileSync(record, '');
  writeFileSync(join(bin, 'bash'), `#!/bin/sh\ncase "$1" in */vscode-test-setup.sh) echo "$*" >> '${record}'; echo 'fake setup: no network here' >&2; exit 7;; esac\nexec '${realBash}' "$@"\n`);
  chmodSync(join(bin, 'bash'), 0o755);
  return { bin, calls: () => readFileSync(record, 'utf8').split('\n').filter(Boolean) };
}

test('`npm run try` without a VS Code server runs scripts/vscode-test-setup.sh for it, and says in one line when that fails', (t) => {
  const dir = tempDir(t, 'baton-try-');
  const csHome = join(dir, 'code-server');
  const fake = fakeSetupBash(dir);
  const result = run(process.execPath, [join(repoRoot, 'scripts', 'try.mjs')], repoRoot, { ...cliEnv(dir), CS_HOME: csHome, PATH: `${fake.bin}${delimiter}${process.env.PATH ?? ''}` });
  assert.deepEqual(fake.calls(), [`${join(repoRoot, 'scripts', 'vscode-test-setup.sh')} ${csHome}`], result.all);
  assert.equal(result.code, 1, result.all);
  assert.match(result.stdout, /No VS Code server in .* installing it once/);
  assert.match(result.stderr, /^npm run try: installing the VS Code server failed \(see above\); fix that and run: bash scripts\/vscode-test-setup.sh /m);
  assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace');
});

test('`npm run try` with a VS Code server present does not run the setup again', (t) => {
  const dir = tempDir(t, 'baton-try-');
  const csHome = join(dir, 'code-server');
  // A stand-in server that refuses to install the extension, so `try` stops right after the check.
  const server = join(csHome, 'node_modules/code-server/lib/vscode/out/server-main.js');
  mkdirSync(join(server, '..'), { recursive: true });
  writeFileSync(server, "console.error('stand-in server: not installing ' + process.argv.slice(2).join(' ')); process.exit(1);\n");
  const fake = fakeSetupBash(dir);
  const result = run(process.execPath, [join(repoRoot, 'scripts', 'try.mjs')], repoRoot, { ...cliEnv(dir), CS_HOME: csHome, PATH: `${fake.bin}${delimiter}${process.env.PATH ?? ''}` });
  assert.deepEqual(fake.calls(), []);
  assert.equal(result.code, 1, result.all);
  assert.match(result.stderr, /^npm run try: installing .*baton\.vsix failed:\nstand-in server: not installing .*--install-extension/m);
  assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace');
});
