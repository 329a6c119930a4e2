import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { renderShellCommand } from '../../src/core/shellTemplate';

const hostile = [
  '$(touch pwned1)',
  '`touch pwned2`',
  `'; touch pwned3; echo '`,
  `"; touch pwned4; echo "`,
  'x\nEOF\ntouch pwned5\n',
  '$HOME * ? [a] ~ & | ; < > ( ) { } ! \\',
  '',
  "it's",
];

/** Runs the rendered command in a fresh folder; returns what it printed and the files it created. */
function run(command: string, value: string): { out: string; files: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'baton-sh-'));
  try {
    const rendered = renderShellCommand(command, () => value);
    const out = execFileSync('/bin/sh', ['-c', rendered.command], { cwd: dir, env: { ...process.env, ...rendered.env }, encoding: 'utf8' });
    return { out, files: readdirSync(dir) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const contexts: Array<[string, string, (v: string) => string]> = [
  ['unquoted', `printf '%s' \${{ x }}`, (v) => v],
  ['double quotes', `printf '%s' "<\${{ x }}>"`, (v) => `<${v}>`],
  ['single quotes', `printf '%s' '<\${{ x }}>'`, (v) => `<${v}>`],
  ['here-document', `cat <<EOF\n<\${{ x }}>\nEOF`, (v) => `<${v}>\n`],
  ['$( ) inside double quotes', `printf '%s' "$(printf '%s' \${{ x }})"`, (v) => v.replace(/\n+$/, '')],
  ['backticks', 'printf \'%s\' "`printf \'%s\' ${{ x }}`"', (v) => v.replace(/\n+$/, '')],
  ['after a comment line', `# a comment with \${{ x }}\nprintf '%s' \${{ x }}`, (v) => v],
];

describe('shell templates never turn data into code', () => {
  for (const [label, command, expected] of contexts) {
    test(`${label}: every hostile value comes out literally and runs nothing`, () => {
      for (const value of hostile) {
        const { out, files } = run(command, value);
        assert.equal(out, expected(value), `${label} with ${JSON.stringify(value)}`);
        assert.deepEqual(files, [], `${label} with ${JSON.stringify(value)} created files`);
      }
    });
  }

  test("a quoted here-document gets the value itself, and refuses a multi-line one", () => {
    assert.equal(run(`cat <<'EOF'\n<\${{ x }}>\nEOF`, '$(touch nope) `x`').out, '<$(touch nope) `x`>\n');
    assert.throws(() => renderShellCommand(`cat <<'EOF'\n\${{ x }}\nEOF`, () => 'a\nEOF\ntouch pwned'), /quoted here-document/);
  });

  test('values travel as environment variables, one per template', () => {
    const rendered = renderShellCommand('echo ${{ a }} "${{ b }}"', (path) => path[0]);
    assert.equal(rendered.command, 'echo "${BATON_T1}" "${BATON_T2}"');
    assert.deepEqual(rendered.env, { BATON_T1: 'a', BATON_T2: 'b' });
  });
});
