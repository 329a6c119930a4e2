/**
 * `${{ }}` expressions through their public API: GitHub's operators and functions, Baton's
 * contexts, the status functions, conversions both ways, `}}` inside strings, and errors (codes
 * and offsets, not wording).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BatonError } from '../../src/core/errors';
import { evaluateCondition, evaluateExpression, evaluateTemplate, renderText, scanCondition, scanExpressions, type ExpressionContext, type StatusFunctions } from '../../src/core/expressions';

const context: ExpressionContext = {
  steps: { build: { outputs: { url: 'https://x', count: 3, list: [1, 'two', null], nested: { k: [true] } }, status: 'completed' } },
  needs: { build: { outputs: { url: 'https://x' }, result: 'success' }, lint: { outputs: {}, result: 'failure' } },
  inputs: { target: 'production', n: '10' },
  env: { HOME: '/home/u' },
  event: { type: 'user.created', data: { name: 'Ann', tags: ['a', 'b'] } },
  run: { id: 'r-1', workflow_id: 'pipe', workflow_name: 'Pipeline' },
  matrix: { node: 20, os: 'linux' },
};

const statuses = (success: boolean, failure = !success, cancelled = false): StatusFunctions => ({ success: () => success, failure: () => failure, cancelled: () => cancelled, always: () => true });

/** The BatonError code of what `fn` throws. */
function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof BatonError, `not a BatonError: ${String(error)}`);
    return error.code;
  }
  assert.fail('did not throw');
}

describe('evaluating', () => {
  test('literals, operators and GitHub’s loose comparisons', () => {
    const cases: Array<[string, unknown]> = [
      ["'it''s'", "it's"],
      ['1 == 1.0', true],
      ["'10' == 10", true],
      ["'ABC' == 'abc'", true],
      ['null == 0', true],
      ['1 < 2 && 2 <= 2 && !(3 < 2)', true],
      ["'' || 'fallback'", 'fallback'],
      ["inputs.target == 'production' && 'yes' || 'no'", 'yes'],
      ['0x10', 16],
      ['!null', true],
    ];
    for (const [source, expected] of cases) assert.deepEqual(evaluateExpression(source, context), expected, source);
  });

  test('every context reads, case-insensitively, and a missing key is null', () => {
    assert.equal(evaluateExpression('steps.build.outputs.url', context), 'https://x');
    assert.equal(evaluateExpression('Steps.Build.Outputs.URL', context), 'https://x');
    assert.equal(evaluateExpression("steps['build'].status", context), 'completed');
    assert.equal(evaluateExpression('needs.lint.result', context), 'failure');
    assert.equal(evaluateExpression('inputs.target', context), 'production');
    assert.equal(evaluateExpression('env.HOME', context), '/home/u');
    assert.equal(evaluateExpression('event.data.tags[1]', context), 'b');
    assert.equal(evaluateExpression('run.workflow_name', context), 'Pipeline');
    assert.equal(evaluateExpression('matrix.node', context), 20);
    assert.equal(evaluateExpression('steps.nope.outputs.x', context), null);
    assert.deepEqual(evaluateExpression('needs.*.result', context), ['success', 'failure']);
  });

  test('functions: contains, startsWith, endsWith, format, join, toJSON, fromJSON', () => {
    assert.equal(evaluateExpression("contains(event.data.tags, 'a')", context), true);
    assert.equal(evaluateExpression("contains('Hello', 'ELL')", context), true);
    assert.equal(evaluateExpression("startsWith(run.id, 'r-') && endsWith(run.id, '1')", context), true);
    assert.equal(evaluateExpression("format('{0} on {1} {{x}}', matrix.node, matrix.os)", context), '20 on linux {x}');
    assert.equal(evaluateExpression("join(event.data.tags, '+')", context), 'a+b');
    assert.equal(evaluateExpression('toJSON(matrix)', context), '{\n  "node": 20,\n  "os": "linux"\n}');
    assert.deepEqual(evaluateExpression('fromJSON(\'{"a": [1, null, {"b": true}]}\')', context), { a: [1, null, { b: true }] });
  });

  test('conversions both ways keep types, nested objects and lists', () => {
    assert.deepEqual(evaluateExpression('steps.build.outputs', context), { url: 'https://x', count: 3, list: [1, 'two', null], nested: { k: [true] } });
    assert.deepEqual(evaluateExpression('fromJSON(toJSON(steps.build.outputs.nested))', context), { k: [true] });
  });

  test('evaluation errors are BatonError("expression"), not crashes', () => {
    assert.equal(codeOf(() => evaluateExpression("fromJSON('{')", context)), 'expression');
    assert.equal(codeOf(() => evaluateExpression("format('{1}', 'a')", context)), 'expression');
    assert.equal(codeOf(() => evaluateExpression('nope(1)', context)), 'expression');
    assert.equal(codeOf(() => evaluateExpression('1 ==', context)), 'expression');
    assert.equal(codeOf(() => evaluateExpression('success()', context)), 'expression');
  });

  test('a secret that is not set fails with its name; one that is set reads', () => {
    assert.throws(() => evaluateExpression('secrets.TOKEN', context), (e: unknown) => e instanceof BatonError && e.code === 'expression' && e.message.includes('TOKEN'));
    assert.equal(evaluateExpression('secrets.TOKEN', { ...context, secrets: { TOKEN: 's3cret' } }), 's3cret');
  });
});

describe('rendering text', () => {
  test('GitHub’s conversions: null → empty, booleans and numbers as text, objects and lists as JSON', () => {
    assert.equal(renderText('[${{ null }}|${{ true }}|${{ 1.50 }}|${{ steps.build.outputs.list }}|${{ matrix }}]', context), '[|true|1.5|[1,"two",null]|{"node":20,"os":"linux"}]');
    assert.equal(renderText('no expressions at all', context), 'no expressions at all');
  });

  test('}} inside a string literal does not end the expression', () => {
    assert.equal(renderText("a ${{ format('}}{0}', 'x') }} b ${{ '}}' }}", context), 'a }x b }}');
    assert.equal(renderText("${{ 'it''s }} here' }}", context), "it's }} here");
  });

  test('a whole-value expression keeps its type (evaluateTemplate); text around it makes a string', () => {
    assert.deepEqual(evaluateTemplate("${{ fromJSON('[20, 22]') }}", context), [20, 22]);
    assert.equal(evaluateTemplate('node ${{ matrix.node }}', context), 'node 20');
  });

  test('an unclosed ${{ fails to render', () => {
    assert.equal(codeOf(() => renderText('x ${{ inputs.target', context)), 'expression');
  });
});

describe('conditions', () => {
  test('absent, with and without ${{ }}', () => {
    assert.equal(evaluateCondition(undefined, context, statuses(true)), true);
    assert.equal(evaluateCondition(undefined, context, statuses(false)), false);
    assert.equal(evaluateCondition("${{ inputs.target == 'production' }}", context, statuses(true)), true);
    assert.equal(evaluateCondition("inputs.target == 'staging'", context, statuses(true)), false);
    assert.equal(evaluateCondition('  ${{ matrix.os }}  ', context, statuses(true)), true);
  });

  test('without a status function a condition means success() && (...)', () => {
    assert.equal(evaluateCondition("inputs.target == 'production'", context, statuses(false)), false);
    // Not evaluated at all once success() is false: a failed need's missing outputs cannot make it fail.
    assert.equal(evaluateCondition("fromJSON('{')", context, statuses(false)), false);
  });

  test('status functions decide when called: always(), failure(), cancelled()', () => {
    assert.equal(evaluateCondition('${{ always() }}', context, statuses(false)), true);
    assert.equal(evaluateCondition('failure()', context, statuses(false, true)), true);
    assert.equal(evaluateCondition('failure()', context, statuses(true)), false);
    assert.equal(evaluateCondition('cancelled()', context, statuses(false, false, true)), true);
    assert.equal(evaluateCondition("success() && inputs.target == 'production'", context, statuses(true)), true);
    assert.equal(evaluateCondition("!cancelled() && needs.lint.result == 'failure'", context, statuses(false, true)), true);
  });

  test('truthiness as GitHub: 0, empty string and null are false; objects are true', () => {
    assert.equal(evaluateCondition('0', context, statuses(true)), false);
    assert.equal(evaluateCondition("''", context, statuses(true)), false);
    assert.equal(evaluateCondition('steps.nope', context, statuses(true)), false);
    assert.equal(evaluateCondition('steps.build', context, statuses(true)), true);
  });

  test('text beside a ${{ }} is refused, not read as an always-true string', () => {
    assert.equal(codeOf(() => evaluateCondition("${{ inputs.target }} == 'x'", context, statuses(true))), 'expression');
  });
});

describe('scanning for validation', () => {
  test('offsets of each ${{ }}, what it reads and calls', () => {
    const text = "a ${{ steps.build.outputs['url'] }} b ${{ format('{0}', needs.lint.result) }}";
    const [first, second] = scanExpressions(text);
    assert.deepEqual([first!.start, first!.end], [2, text.indexOf('}}') + 2]);
    assert.deepEqual(first!.reads, [{ path: ['steps', 'build', 'outputs', 'url'], offset: 6 }]);
    assert.deepEqual(second!.reads.map((r) => r.path), [['needs', 'lint', 'result']]);
    assert.deepEqual(second!.calls, [{ name: 'format', offset: text.indexOf('format') }]);
  });

  test('computed and star indexes read as null and *', () => {
    const [scanned] = scanExpressions('${{ steps[inputs.which].outputs.*  }}');
    assert.deepEqual(scanned!.reads.map((r) => r.path), [['steps', null, 'outputs', '*'], ['inputs', 'which']]);
  });

  test('syntax errors at their offset in the text; unknown functions and contexts at their names, all in one pass', () => {
    const text = "x ${{ foo(1) && bar.baz || 1 == }}";
    const problems = scanExpressions(text)[0]!.problems.map((p) => [p.code, p.offset]);
    assert.deepEqual(problems, [
      ['unknown_function', text.indexOf('foo')],
      ['unknown_context', text.indexOf('bar')],
      ['syntax', text.indexOf('==')],
    ]);
  });

  test('lexer errors, unclosed strings, unclosed ${{, empty expressions', () => {
    const at = (text: string) => scanExpressions(text).map((s) => s.problems.map((p) => [p.code, p.offset]));
    assert.deepEqual(at('${{ a$b }}'), [[['syntax', 4]]]);
    assert.deepEqual(at("ok ${{ 'abc }}"), [[['syntax', 7]]]);
    assert.deepEqual(at('ok ${{ inputs.x'), [[['syntax', 3]]]);
    assert.deepEqual(at('${{   }}'), [[['syntax', 3]]]);
    assert.deepEqual(at('${{ inputs.target }}'), [[]]);
  });

  test('conditions: bare, wrapped, and text beside a ${{ }}', () => {
    assert.deepEqual(scanCondition("inputs.a == 'x'").expressions[0]!.reads.map((r) => r.path), [['inputs', 'a']]);
    assert.equal(scanCondition('${{ always() }}').textOutside, false);
    assert.equal(scanCondition('${{ inputs.a }} == b').textOutside, true);
  });
});
