/**
 * Validation of `${{ }}` and `if:` wherever they stand: codes and exact positions (1-based
 * line:col of the file), never the wording.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { errorsOf, found, only, pos } from '../support/diagnostics';

/** The text has exactly one error, with this code, starting at `needle`. */
function expectOne(text: string, code: string, needle: string): void {
  assert.deepEqual(found(text), [`${code}@${pos(text, needle)}`]);
}

/** A workflow whose steps are given as YAML lines (each step's lines indented by 4). */
const workflow = (...steps: string[]) => `name: E\ninputs: { target: staging }\nsteps:\n${steps.join('')}`;
const step = (name: string, ...lines: string[]) => `  - name: ${name}\n    action: log\n${lines.map((l) => `    ${l}\n`).join('')}`;

describe('expression syntax, at the column inside the ${{ }}', () => {
  test('in a plain, a double-quoted, a single-quoted and a block scalar', () => {
    // line 6 in each: `    params: { message: ... }` or the block's first line
    const cases = [
      workflow(step('a', 'params:', '  message: x ${{ 1 == }}')),
      workflow(step('a', 'params: { message: "x ${{ 1 == }}" }')),
      workflow(step('a', "params: { message: 'it''s ${{ format(''{0}'', 1) == }}' }")),
      workflow(step('a', 'params:', '  message: |', '    first line', '    ${{ inputs.target == }}')),
    ];
    for (const text of cases) assert.deepEqual(found(text), [`expression.syntax@${pos(text, '==')}`], text);
  });

  test('an unclosed string, an unclosed ${{, a bad symbol, an empty expression', () => {
    const quote = workflow(step('a', `params: { message: "\${{ 'abc }}" }`));
    assert.deepEqual(found(quote), [`expression.syntax@${pos(quote, "'abc")}`]);
    const open = workflow(step('a', 'params: { message: "x ${{ inputs.target" }'));
    assert.deepEqual(found(open), [`expression.syntax@${pos(open, '${{')}`]);
    const symbol = workflow(step('a', 'params: { message: "${{ a$b }}" }'));
    assert.deepEqual(found(symbol), [`expression.syntax@${pos(symbol, 'a$b')}`]);
    const empty = workflow(step('a', 'params: { message: "${{ }}" }'));
    assert.deepEqual(found(empty), [`expression.syntax@${pos(empty, ' }}')}`]);
  });

  test('}} inside a string does not end the expression (no error)', () => {
    assert.deepEqual(found(workflow(step('a', `params: { message: "\${{ format('}}{0}', inputs.target) }}" }`))), []);
  });

  test('unknown functions and contexts at their names, with the syntax error after them in the same pass', () => {
    const text = workflow(step('a', 'params: { message: "${{ hashFiles(github.sha) || 1 == }}" }'));
    const col = (needle: string) => Number(pos(text, needle).split(':')[1]);
    const d = errorsOf(text);
    assert.deepEqual(d.map((e) => `${e.code}@${e.range.start.col}-${e.range.end.col}`), [
      `expression.unknown_function@${col('hashFiles')}-${col('hashFiles') + 'hashFiles'.length}`,
      `expression.unknown_context@${col('github')}-${col('github') + 'github'.length}`,
      `expression.syntax@${col('==')}-${col('==') + 1}`,
    ]);
  });
});

describe('what an expression reads', () => {
  test('steps.* of a step the reader does not need, at the ${{ }}', () => {
    const text = workflow(step('a', 'needs: []'), step('b', 'needs: []', 'params: { message: "got ${{ steps.a.outputs.x }}" }'));
    const d = only(text);
    assert.equal(d.code, 'expression.not_needed');
    assert.equal(`${d.range.start.line}:${d.range.start.col}`, pos(text, '${{'));
    assert.equal(d.range.end.col - d.range.start.col, '${{ steps.a.outputs.x }}'.length);
  });

  test('steps and needs of steps needed transitively (written or the step before) are fine', () => {
    const text = workflow(step('a'), step('b', 'needs: a'), step('c'), step('d', 'needs: [c]', 'params: { message: "${{ steps.a.status }} ${{ needs.b.result }} ${{ needs.c.result }}" }'));
    assert.deepEqual(found(text), []);
  });

  test('an unknown step, a step reading itself, a need that is not needed', () => {
    expectOne(workflow(step('build'), step('b', 'params: { message: "${{ steps.biuld.status }}" }')), 'expression.unknown_step', '${{');
    expectOne(workflow(step('a', 'params: { message: "${{ steps.a.status }}" }')), 'expression.not_needed', '${{');
    expectOne(workflow(step('a', 'needs: [b]', 'if: needs.c.result == \'success\''), step('b', 'needs: []'), step('c', 'needs: []')), 'expression.not_needed', 'needs.c');
  });

  test('properties a step or need does not have, outputs an action never sets, undeclared inputs, run fields', () => {
    expectOne(workflow(step('a'), step('b', 'params: { message: "${{ steps.a.result }}" }')), 'expression.unknown_property', '${{');
    expectOne(workflow(step('a'), step('b', 'params: { message: "${{ needs.a.status }}" }')), 'expression.unknown_property', '${{');
    expectOne(workflow(step('a'), step('b', 'params: { message: "${{ steps.a.outputs.url }}" }')), 'expression.unknown_output', '${{');
    expectOne(workflow(step('a', 'params: { message: "${{ inputs.targt }}" }')), 'expression.unknown_input', '${{');
    expectOne(workflow(step('a', 'params: { message: "${{ run.url }}" }')), 'expression.unknown_property', '${{');
  });

  test('status functions only in if:', () => {
    expectOne(workflow(step('a', 'params: { message: "${{ success() }}" }')), 'expression.not_allowed', 'success');
  });

  test("the workflow's env cannot read steps, needs or matrix; it can read inputs, env, event, run", () => {
    const text = `name: E\ninputs: { target: staging }\nenv:\n  A: \${{ steps.a.status }}\n  B: \${{ matrix.x }}\n  C: \${{ inputs.target }}-\${{ env.HOME }}-\${{ event.data.x }}-\${{ run.id }}\nsteps:\n${step('a')}`;
    assert.deepEqual(found(text), [`expression.not_allowed@${pos(text, '${{ steps')}`, `expression.not_allowed@${pos(text, '${{ matrix')}`]);
  });
});

describe('if:', () => {
  test('a bad expression with or without ${{ }}, at its column', () => {
    expectOne(workflow(step('a', 'if: ${{ inputs.target == }}')), 'expression.syntax', '==');
    expectOne(workflow(step('a', 'if: inputs.target == ')), 'expression.syntax', '==');
    assert.deepEqual(found(workflow(step('a', "if: success() && inputs.target == 'production'"))), []);
  });

  test('secrets cannot be read in if:', () => {
    const d = only(workflow(step('a', "if: ${{ secrets.TOKEN != '' }}")));
    assert.equal(d.code, 'expression.secrets_in_if');
    assert.deepEqual(d.range.start, { line: 6, col: 9 });
  });

  test("a secret's name is upper case (BATON_SECRET_<NAME> can hold it); the workflow's env cannot read one", () => {
    expectOne(workflow(step('a', 'params: { message: "${{ secrets.api_token }}" }')), 'expression.secret_name', '${{');
    const env = `name: E\nenv: { TOKEN: "\${{ secrets.TOKEN }}" }\nsteps:\n${step('a', 'params: { message: hi }')}`;
    expectOne(env, 'expression.not_allowed', '${{');
    assert.deepEqual(found(workflow(step('a', 'params: { message: "${{ secrets.API_TOKEN }}" }'))), []);
  });

  test('text beside a ${{ }} (an always-true string in GitHub) is refused', () => {
    expectOne(workflow(step('a', "if: ${{ inputs.target }} == 'production'")), 'expression.condition_text', '${{');
  });
});

describe('matrix', () => {
  const matrixStep = (...lines: string[]) => step('m', 'strategy:', '  matrix: { node: [20, 22] }', '  include: [{ node: 24, os: linux }]', ...lines);

  test('matrix.<key> of the matrix or an include is fine; an unknown key is reported with a suggestion', () => {
    assert.deepEqual(found(workflow(matrixStep('params: { message: "${{ matrix.node }} ${{ matrix.os }}" }'))), []);
    const d = only(workflow(matrixStep('if: matrix.nod == 20')));
    assert.equal(d.code, 'matrix.unknown_key');
    assert.deepEqual(d.range.start, { line: 9, col: 9 });
  });

  test('matrix read by a step without a matrix, or inside the matrix itself', () => {
    expectOne(workflow(step('a', 'params: { message: "${{ matrix.node }}" }')), 'matrix.no_matrix', '${{');
    expectOne(workflow(step('m', 'strategy:', '  matrix: { node: ["${{ matrix.node }}"] }')), 'expression.not_allowed', '${{');
  });

  test('expressions in matrix values are checked like any other', () => {
    expectOne(workflow(step('plan'), step('m', 'needs: []', 'strategy:', '  matrix: "${{ fromJSON(needs.plan.outputs.list) }}"')), 'expression.not_needed', '${{ fromJSON');
  });

  test('more than 256 instances, counted after include and exclude, at the matrix key', () => {
    const values = (n: number) => `[${Array.from({ length: n }, (_, i) => i).join(', ')}]`;
    const d = only(workflow(step('m', 'strategy:', `  matrix: { a: ${values(16)}, b: ${values(17)} }`)));
    assert.equal(d.code, 'matrix.too_large');
    assert.deepEqual([d.range.start, d.range.end], [{ line: 7, col: 7 }, { line: 7, col: 13 }]);
    // 272 - 16 excluded = 256: allowed.
    assert.deepEqual(found(workflow(step('m', 'strategy:', `  matrix: { a: ${values(16)}, b: ${values(17)} }`, '  exclude: [{ b: 0 }]'))), []);
    // 256 + 1 new combination from include: too many again.
    expectOne(workflow(step('m', 'strategy:', `  matrix: { a: ${values(16)}, b: ${values(16)}, include: [{ a: 99 }] }`)), 'matrix.too_large', 'matrix:');
    // A product far too large is refused without expanding it.
    expectOne(workflow(step('m', 'strategy:', `  matrix: { a: ${values(100)}, b: ${values(100)}, c: ${values(100)} }`)), 'matrix.too_large', 'matrix:');
  });
});
