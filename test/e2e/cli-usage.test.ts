/**
 * How the CLI is called: usage mistakes exit 2 and print the command's usage line; `--help`
 * works on every command and exits 0.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cliEnv, describeResult, runCli, tempDir, writeFile } from '../support/cli';

const workflow = 'name: Usage\ninputs: { target: staging }\nsteps:\n  - name: Only\n    action: log\n    params: { message: "to ${{ inputs.target }}" }\n';

/** The commands DESIGN §5 promises in this version; later ones are picked up from `baton --help`. */
const required = ['run', 'validate', 'resume', 'cancel', 'status', 'runs', 'approve'];

describe('usage errors exit 2 with a usage line', { concurrency: 4 }, () => {
  const cases: Array<{ name: string; args: string[]; env?: NodeJS.ProcessEnv; stderr: RegExp }> = [
    { name: 'an unknown command', args: ['frobnicate'], stderr: /unknown command 'frobnicate'[\s\S]*usage: baton <command>/ },
    { name: 'run without a file', args: ['run'], stderr: /usage: baton run <file>/ },
    { name: 'run with a missing file', args: ['run', 'missing.yaml'], stderr: /^baton run: cannot read missing\.yaml: no such file\n$/ },
    { name: 'validate with a missing file', args: ['validate', 'workflow.yaml', 'missing.yaml'], stderr: /^baton validate: cannot read missing\.yaml: no such file\n$/ },
    { name: 'run with an undeclared --input', args: ['run', 'workflow.yaml', '--input', 'nope=1'], stderr: /unknown input 'nope'; the workflow declares target\nusage: baton run/ },
    { name: 'run with --input lacking =', args: ['run', 'workflow.yaml', '--input', 'target'], stderr: /--input takes key=value[\s\S]*usage: baton run/ },
    { name: 'run with an unknown flag', args: ['run', 'workflow.yaml', '--bogus'], stderr: /'--bogus'[\s\S]*usage: baton run/ },
    { name: 'status with an unknown flag', args: ['status', '--frob'], stderr: /usage: baton status/ },
    { name: 'runs with an extra argument', args: ['runs', 'extra'], stderr: /usage: baton runs/ },
    { name: 'resume without a run', args: ['resume'], stderr: /usage: baton resume <run>/ },
    { name: 'cancel with two runs', args: ['cancel', 'a', 'b'], stderr: /usage: baton cancel <run>/ },
    { name: 'approve without a run', args: ['approve'], stderr: /usage: baton approve <run>/ },
    { name: 'status of a run that does not exist', args: ['status', '2099'], stderr: /no run matches '2099'/ },
    // Numeric flags are checked by one parser: each says what it expects.
    { name: 'tail -n abc', args: ['tail', '-n', 'abc'], stderr: /--limit takes a whole number ≥ 0, got 'abc'\nusage: baton tail/ },
    { name: 'tail --limit 2.5', args: ['tail', '--limit', '2.5'], stderr: /--limit takes a whole number ≥ 0, got '2\.5'\nusage: baton tail/ },
    { name: 'runs -n 0', args: ['runs', '-n', '0'], stderr: /--limit takes a whole number ≥ 1, got '0'\nusage: baton runs/ },
    { name: 'runs --limit 1e3', args: ['runs', '--limit', '1e3'], stderr: /--limit takes a whole number ≥ 1, got '1e3'\nusage: baton runs/ },
    { name: 'watch --max-depth x', args: ['watch', '--max-depth', 'x'], stderr: /--max-depth takes a whole number ≥ 1, got 'x'\nusage: baton watch/ },
    { name: 'watch with BATON_TRIGGERS_MAX_DEPTH=0', args: ['watch'], env: { BATON_TRIGGERS_MAX_DEPTH: '0' }, stderr: /BATON_TRIGGERS_MAX_DEPTH takes a whole number ≥ 1, got '0'\nusage: baton watch/ },
    { name: 'watch --listen with a port out of range', args: ['watch', '--listen', '127.0.0.1:99999'], env: { BATON_INGRESS_TOKEN: 'x' }, stderr: /--listen port takes a whole number from 0 to 65535, got '99999'\nusage: baton watch/ },
  ];
  for (const c of cases) {
    test(c.name, async (t) => {
      const cwd = tempDir(t);
      writeFile(cwd, 'workflow.yaml', workflow);
      const result = await runCli(t, c.args, { cwd, ...(c.env ? { env: cliEnv(cwd, c.env) } : {}) });
      assert.equal(result.code, 2, describeResult(result));
      assert.match(result.stderr, c.stderr);
      assert.doesNotMatch(result.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
      assert.equal(result.stdout, '', 'a usage error prints nothing on stdout');
    });
  }

  test('no command at all prints the overview and exits 2', async (t) => {
    const result = await runCli(t, [], { cwd: tempDir(t) });
    assert.equal(result.code, 2, describeResult(result));
    assert.match(result.stdout, /usage: baton <command> \[options\]/);
  });
});

test('--help on every command exits 0 and shows its usage', async (t) => {
  const cwd = tempDir(t);
  const overview = await runCli(t, ['--help'], { cwd });
  assert.equal(overview.code, 0, describeResult(overview));
  const listed = [...overview.stdout.matchAll(/^ {2}([a-z][a-z-]*) {2,}\S/gm)].map((m) => m[1]!);
  for (const name of required) assert.ok(listed.includes(name), `baton --help does not list '${name}':\n${overview.stdout}`);
  assert.match(overview.stdout, /Exit codes: 0 success, 1 .*, 2 usage error, 130 cancelled/);

  await Promise.all(
    listed.map(async (name) => {
      for (const flag of ['--help', '-h']) {
        const result = await runCli(t, [name, flag], { cwd });
        assert.equal(result.code, 0, `baton ${name} ${flag}: ${describeResult(result)}`);
        assert.match(result.stdout, new RegExp(`^usage: baton ${name}\\b`, 'm'), `baton ${name} ${flag}`);
      }
    }),
  );
  // --help wins over anything else on the line, and never runs the command.
  const withArgs = await runCli(t, ['run', 'workflow.yaml', '--help'], { cwd });
  assert.equal(withArgs.code, 0, describeResult(withArgs));
  assert.match(withArgs.stdout, /^usage: baton run/m);
});
