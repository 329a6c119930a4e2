/**
 * Data never becomes code: an `--input` holding shell syntax, substituted with `${{ }}` into a
 * shell command, is printed literally and runs nothing — whether it comes straight from the
 * input or travels through a step output. Each hostile value tries to create a file; the tests
 * check that the file does not exist and that the value came out unchanged.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { describeResult, runCli, tempDir, writeFile } from '../support/cli';

const hostile = [
  '$(touch pwned); echo x',
  "it's `touch pwned2` here",
  "'; touch pwned3; echo '",
  '"; touch pwned4; echo "',
  'a  b\\n$HOME * ; | & > pwned5',
];

/** The value, substituted as a bare word, comes back unchanged through printf and through a step output. */
const bareWorkflow = `name: Injection
inputs:
  name: nobody
steps:
  - name: Print the input
    id: print
    action: shell
    params:
      command: printf '%s\\n' \${{ inputs.name }} > printed.txt; printf 'echoed=%s\\n' \${{ inputs.name }} >> "$BATON_OUTPUT"
  - name: Print the output
    id: again
    action: shell
    params:
      command: printf '%s\\n' \${{ steps.print.outputs.echoed }} > again.txt
  - name: Log it
    id: log
    action: log
    params:
      message: "logged: \${{ inputs.name }}"
`;

function assertNothingCreated(cwd: string): void {
  const created = readdirSync(cwd).filter((name) => name.startsWith('pwned'));
  assert.deepEqual(created, [], 'a value was executed as shell code');
}

for (const value of hostile) {
  test(`--input name=${JSON.stringify(value)} in a shell command is data, not code`, async (t) => {
    const cwd = tempDir(t);
    writeFile(cwd, 'inject.yaml', bareWorkflow);
    const result = await runCli(t, ['run', 'inject.yaml', '--input', `name=${value}`], { cwd });
    assert.equal(result.code, 0, describeResult(result));
    assertNothingCreated(cwd);
    assert.equal(readFileSync(join(cwd, 'printed.txt'), 'utf8'), `${value}\n`);
    assert.equal(readFileSync(join(cwd, 'again.txt'), 'utf8'), `${value}\n`);
    assert.ok(result.stdout.includes(`logged: ${value}`), `the log step should print the value literally:\n${result.stdout}`);
  });
}

/**
 * Most commands put `${{ }}` inside quotes (the example pipeline does: `echo "- passed: ${{ ... }}"`).
 * There the value must also stay data, and come out exactly as given.
 */
const quotedWorkflow = `name: Quoted injection
inputs:
  name: nobody
steps:
  - name: Double quotes
    id: dq
    action: shell
    params:
      command: printf '%s\\n' "hello \${{ inputs.name }}!" > dq.txt
  - name: Single quotes
    id: sq
    action: shell
    params:
      command: printf '%s\\n' 'hello \${{ inputs.name }}!' > sq.txt
  - name: Here-document
    id: heredoc
    action: shell
    params:
      command: |
        cat > heredoc.txt <<EOF
        hello \${{ inputs.name }}!
        EOF
`;

for (const value of hostile) {
  test(
    `--input name=${JSON.stringify(value)} inside "double" quotes, 'single' quotes and a here-document is data, not code`,
    async (t) => {
      const cwd = tempDir(t);
      writeFile(cwd, 'quoted.yaml', quotedWorkflow);
      const result = await runCli(t, ['run', 'quoted.yaml', '--input', `name=${value}`], { cwd });
      assertNothingCreated(cwd);
      assert.equal(result.code, 0, describeResult(result));
      assert.equal(readFileSync(join(cwd, 'dq.txt'), 'utf8'), `hello ${value}!\n`);
      assert.equal(readFileSync(join(cwd, 'sq.txt'), 'utf8'), `hello ${value}!\n`);
      assert.equal(readFileSync(join(cwd, 'heredoc.txt'), 'utf8'), `hello ${value}!\n`);
    },
  );
}

test('an expression can only compute data: a function that would run or read something does not exist, and is refused before running', async (t) => {
  const cwd = tempDir(t);
  writeFile(
    cwd,
    'expr.yaml',
    `name: Expression
inputs: { a: '' }
steps:
  - name: Evil
    action: shell
    params:
      command: echo \${{ inputs.a || exec('touch pwned') }} \${{ hashFiles('**') }} > out.txt
`,
  );
  const result = await runCli(t, ['run', 'expr.yaml'], { cwd });
  assert.equal(result.code, 1, describeResult(result));
  assert.match(result.stderr, /^expr\.yaml:7:37: error: unknown function 'exec'/m);
  assert.match(result.stderr, /^expr\.yaml:7:64: error: unknown function 'hashFiles'/m);
  assert.equal(existsSync(join(cwd, 'out.txt')), false);
  assert.equal(existsSync(join(cwd, 'pwned')), false);
  assert.equal(existsSync(join(cwd, '.baton', 'runs')), false, 'an invalid workflow must not start a run');
});

/** Whatever an expression makes of hostile data (format, join, toJSON, a matrix value) reaches the shell as one value. */
test('expression results and matrix values holding shell syntax are data, not code', async (t) => {
  const cwd = tempDir(t);
  writeFile(
    cwd,
    'computed.yaml',
    `name: Computed
inputs:
  name: nobody
steps:
  - name: Fan out
    id: fan
    action: shell
    strategy:
      matrix:
        value: ['$(touch pwned)', '\`touch pwned2\`', "'; touch pwned3; echo '"]
    params:
      command: printf '%s|%s\\n' \${{ matrix.value }} "\${{ format('{0}-{1}', matrix.value, inputs.name) }}" >> matrix.txt
  - name: Computed
    id: computed
    action: shell
    params:
      command: printf '%s\\n' \${{ join(fromJSON(format('["{0}", "x"]', inputs.name)), ' && ') }} '\${{ toJSON(inputs) }}' > computed.txt
`,
  );
  const hostile = 'a; touch pwned4 #';
  const result = await runCli(t, ['run', 'computed.yaml', '--input', `name=${hostile}`], { cwd });
  assert.equal(result.code, 0, describeResult(result));
  assertNothingCreated(cwd);
  const lines = readFileSync(join(cwd, 'matrix.txt'), 'utf8').trim().split('\n').sort();
  assert.deepEqual(lines, ['$(touch pwned)', '`touch pwned2`', "'; touch pwned3; echo '"].map((v) => `${v}|${v}-${hostile}`).sort());
  assert.equal(readFileSync(join(cwd, 'computed.txt'), 'utf8'), `${hostile} && x\n${JSON.stringify({ name: hostile }, null, 2)}\n`);
});
