import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { ExpressionContext } from '../../src/core/expressions';
import { renderParams } from '../../src/core/renderParams';
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
    const rendered = renderShellCommand('echo ${{ a }} "${{ b }}"', (source) => source.trim());
    assert.equal(rendered.command, 'echo "${BATON_T1}" "${BATON_T2}"');
    assert.deepEqual(rendered.env, { BATON_T1: 'a', BATON_T2: 'b' });
  });
});

/** The run's view for these tests: the hostile value is a matrix value and a step output. */
function contextWith(value: string): ExpressionContext {
  return {
    steps: { up: { outputs: { v: value }, status: 'completed' } },
    needs: { up: { outputs: { v: value }, result: 'success' } },
    inputs: {},
    env: {},
    event: { data: { v: value } },
    run: { id: 'r', workflow_id: 'w', workflow_name: 'W' },
    matrix: { x: value },
  };
}

/** Renders through renderParams (as a step does) and runs it; what it printed and the files it made. */
function runRendered(command: string, value: string): { out: string; files: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'baton-sh-'));
  try {
    const rendered = renderParams({ command }, ['command'], contextWith(value));
    const out = execFileSync('/bin/sh', ['-c', String(rendered.params.command)], { cwd: dir, env: { ...process.env, ...rendered.env }, encoding: 'utf8' });
    return { out, files: readdirSync(dir) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Expressions over hostile data, with what each makes of the value. `}}` inside strings included. */
const expressions: Array<[string, (v: string) => string]> = [
  ['matrix.x', (v) => v],
  ["format('{0}', matrix.x)", (v) => v],
  ["format('}}{0}{{', matrix.x)", (v) => `}${v}{`],
  ['toJSON(matrix.x)', (v) => JSON.stringify(v)],
  ["join(fromJSON(format('[{0}]', toJSON(steps.up.outputs.v))), '')", (v) => v],
  ["needs.up.outputs.v || 'none'", (v) => v || 'none'],
  ["format('{0}{1}', event.data.v, '$(touch pwned9)')", (v) => `${v}$(touch pwned9)`],
];

describe('expression results and matrix values in shell commands stay data', () => {
  for (const [label, command, expected] of contexts) {
    test(`${label}: every expression over every hostile value comes out literally and runs nothing`, () => {
      for (const [source, transform] of expressions) {
        const withExpression = command.replaceAll('${{ x }}', `\${{ ${source} }}`);
        for (const value of hostile) {
          const { out, files } = runRendered(withExpression, value);
          assert.equal(out, expected(transform(value)), `${label}, ${source} with ${JSON.stringify(value)}`);
          assert.deepEqual(files, [], `${label}, ${source} with ${JSON.stringify(value)} created files`);
        }
      }
    });
  }

  test('non-shell params get the plain text, and a failing expression fails the rendering', () => {
    const rendered = renderParams({ message: "${{ format('{0}!', matrix.x) }}", list: ['${{ matrix.x }}'] }, ['command'], contextWith('$(x)'));
    assert.deepEqual(rendered, { params: { message: '$(x)!', list: ['$(x)'] }, env: {} });
    assert.throws(() => renderParams({ command: "echo ${{ fromJSON('{') }}" }, ['command'], contextWith('')), /fromJSON/i);
  });
});

