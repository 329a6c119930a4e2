/**
 * Validation of the graph keys (`needs`, `strategy`, `max_parallel`, `if`) and of GitHub-style
 * keys: codes and exact positions (1-based line:col), never the wording.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatDiagnostic, parseWorkflow } from '../../src/core/index';
import { checkNeeds } from '../../src/core/validateGraph';
import { found, only } from '../support/diagnostics';

const step = (name: string, extra = '') => `  - name: ${name}\n    action: log\n${extra}`;

describe('needs', () => {
  test('the graph keys load into the model: needs (written or the step before), if, strategy, max_parallel', () => {
    const text = `name: G
max_parallel: 3
steps:
${step('a')}${step('b', '    needs: []\n')}${step('c', '    needs: a\n    if: ${{ always() }}\n')}${step('d', `    needs: [b, c]
    strategy:
      matrix: { node: [20, 22], include: [{ node: 24 }], exclude: [{ node: 22 }] }
      exclude: [{ node: 20 }]
      max_parallel: 2
      fail_fast: false
`)}${step('e')}`;
    const { workflow, diagnostics } = parseWorkflow(text, 'g.yaml');
    assert.deepEqual(diagnostics.map(formatDiagnostic), []);
    assert.equal(workflow!.maxParallel, 3);
    assert.deepEqual(workflow!.steps.map((s) => [s.id, s.needs, s.needsWritten]), [
      ['a', [], false],
      ['b', [], true],
      ['c', ['a'], true],
      ['d', ['b', 'c'], true],
      ['e', ['d'], false],
    ]);
    assert.equal(workflow!.steps[2]!.if, '${{ always() }}');
    assert.deepEqual(workflow!.steps[3]!.strategy, { matrix: { node: [20, 22] }, include: [{ node: 24 }], exclude: [{ node: 22 }, { node: 20 }], maxParallel: 2, failFast: false });
  });

  test('an unknown need is reported at its entry, with a suggestion', () => {
    const d = only(`name: G\nsteps:\n${step('build')}${step('test', '    needs: [build, buld]\n')}`);
    assert.equal(d.code, 'needs.unknown');
    assert.deepEqual([d.range.start, d.range.end], [{ line: 7, col: 20 }, { line: 7, col: 24 }]);
    assert.match(d.message, /'build'/);
  });

  test('a step that needs itself is reported at the entry (a lone string too)', () => {
    assert.deepEqual(found(`name: G\nsteps:\n${step('a')}${step('b', '    needs: b\n')}`), ['needs.self@7:12']);
  });

  test('a cycle is reported once, at the entry that closes it, naming the cycle', () => {
    const text = `name: G\nsteps:\n${step('a', '    needs: [c]\n')}${step('b', '    needs: [a]\n')}${step('c', '    needs: [b]\n')}`;
    const d = only(text);
    assert.equal(d.code, 'needs.cycle');
    // Walked in file order from a: a → c → b, and b's entry `a` closes it.
    assert.deepEqual(d.range.start, { line: 8, col: 13 });
    assert.match(d.message, /a → c → b → a/);
  });

  test('a cycle through a step without needs (which needs the one before it) is reported at the written entry', () => {
    const d = only(`name: G\nsteps:\n${step('a', '    needs: [b]\n')}${step('b')}`);
    assert.equal(d.code, 'needs.cycle');
    assert.deepEqual(d.range.start, { line: 5, col: 13 });
    assert.match(d.message, /a → b → a/);
  });

  test('a 50,000-step chain is walked without overflowing the stack, and its reads are judged quickly', () => {
    const steps = Array.from({ length: 50_000 }, (_, i) => ({ name: `s${i}`, action: 'log', ...(i % 2 ? {} : { needs: i > 0 ? [`s${i - 1}`] : [] }) }));
    const found: string[] = [];
    const started = performance.now();
    const graph = checkNeeds(steps, { at: () => ({ start: { line: 1, col: 1 }, end: { line: 1, col: 1 } }), push: (code) => found.push(code) });
    assert.deepEqual(found, []);
    assert.equal(graph.reaches(49_999, 's49998'), true);
    assert.equal(graph.reaches(10, 's11'), false);
    assert.ok(performance.now() - started < 2000, 'checking a 50,000-step chain took too long');
  });

  test('several graph errors are all reported in one pass', () => {
    const text = `name: G\nsteps:\n${step('a', '    needs: [a, x]\n')}${step('b', '    needs: [c]\n')}${step('c', '    needs: [b]\n')}`;
    assert.deepEqual(found(text).sort(), ['needs.cycle@11:13', 'needs.self@5:13', 'needs.unknown@5:16'].sort());
  });
});

describe('strategy and max_parallel', () => {
  test('include/exclude inside matrix (GitHub) and beside it (DESIGN) are both accepted', () => {
    assert.deepEqual(found(`name: G\nsteps:\n${step('a', '    strategy:\n      matrix: { os: [linux], include: [{ os: mac }] }\n      include: [{ os: win }]\n')}`), []);
  });

  test('malformed strategy values are schema errors at the value', () => {
    assert.deepEqual(found(`name: G\nmax_parallel: 0\nsteps:\n${step('a', '    strategy:\n      matrix: { os: [] }\n      fail_fast: maybe\n')}`), ['schema.minimum@2:15', 'schema.minItems@7:21', 'schema.type@8:18']);
  });
});

describe('GitHub Actions keys get Baton’s way to say them', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['timeout-minutes: 5', 'timeout-minutes', /timeout_seconds: 300/],
    ['continue-on-error: true', 'continue-on-error', /continue_on_failure/],
    ['runs-on: ubuntu-latest', 'runs-on', /this machine/],
    ['run: make', 'run', /action: shell/],
    ['uses: actions/checkout@v4', 'uses', /action/],
    ['with: { a: 1 }', 'with', /params/],
    ['env: { A: b }', 'env', /params: \{ env/],
  ];
  for (const [line, key, hint] of cases) {
    test(`${key} on a step`, () => {
      const d = only(`name: G\nsteps:\n${step('a', `    ${line}\n`)}`);
      assert.equal(d.code, 'github_key');
      assert.deepEqual([d.range.start, d.range.end], [{ line: 5, col: 5 }, { line: 5, col: 5 + key.length }]);
      assert.match(d.message, hint);
    });
  }

  test('strategy.max-parallel and the workflow’s jobs', () => {
    assert.deepEqual(found(`name: G\nsteps:\n${step('a', '    strategy:\n      matrix: { os: [linux] }\n      max-parallel: 2\n')}`), ['github_key@7:7']);
    assert.deepEqual(found(`name: G\njobs: {}\nsteps:\n${step('a')}`), ['github_key@2:1']);
  });

  test('other unknown keys are still schema errors', () => {
    assert.deepEqual(found(`name: G\nsteps:\n${step('a', '    retries: 2\n')}`), ['schema.additionalProperties@5:5']);
  });
});
