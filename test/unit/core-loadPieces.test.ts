import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseDocument } from 'yaml';
import { formatDiagnostic, parseWorkflow } from '../../src/core/index';
import { piecesAboveChars } from '../../src/core/loadWorkflow';
import { parseInPieces, type PieceOptions } from '../../src/core/yamlPieces';

const parse = { uniqueKeys: true, prettyErrors: false, strict: true } as const;
// One step per group: every boundary the splitter can make is exercised even in a small text.
const tiny: PieceOptions = { parse, maxAliasCount: 100, maxDepth: 64, pieceChars: 1 };

function whole(text: string): unknown {
  return parseDocument(text, parse).toJS({ maxAliasCount: 100 });
}

function bigWorkflow(steps: number, extra: (i: number) => string = () => ''): string {
  const lines = ['name: Big', 'steps:'];
  for (let i = 0; i < steps; i++) lines.push(`  - name: Step ${i}`, `    id: s${i}`, '    action: log', `    description: step number ${i} of a file large enough to be read in pieces`, `    params: { message: "hello ${i}" }${extra(i)}`);
  return `${lines.join('\n')}\n`;
}

describe('a large workflow is parsed in pieces', () => {
  test('the pieces mean exactly what the whole file means, or the parser gives up', () => {
    const examples = readdirSync('workflows').filter((f) => f.endsWith('.yaml')).map((f) => readFileSync(join('workflows', f), 'utf8'));
    const cases = [
      ...examples,
      'name: x\nsteps:\n- name: a\n  action: log\n- name: b\n  action: log\n', // list items at column 0
      'name: x\r\nsteps:\r\n  - name: a\r\n    action: log\r\n  - name: b\r\n    action: log\r\n',
      '# leading comment\nname: x\nsteps:   # the list\n  - name: a\n    action: log\n# between items, at column 0\n  - name: b\n    action: log\n',
      'name: x\nsteps:\n  - name: a\n    action: shell\n    params:\n      command: |+\n        echo one\n\n\n  - name: b\n    action: log\n',
      'name: x\nsteps:\n  - name: a\n    action: log\n    params: &p { message: hi }\n    env: *p\n',
      'name: x\nsteps: [{ name: a, action: log }, { name: b, action: log }]\nenv:\n  A: "1"\n',
      '"name": x\nsteps:\n  - name: a\n    action: log\n',
    ];
    for (const text of cases) {
      const pieces = parseInPieces(text, tiny);
      assert.ok(pieces, `gave up on:\n${text}`);
      assert.deepEqual(pieces, whole(text), text);
    }
  });

  test('it gives up where a split could change the meaning or hide a problem', () => {
    const cases = [
      'name: x\nsteps:\n  - name: a\n    params: &p { m: 1 }\n  - name: b\n    params: *p\n', // alias across pieces
      'name: x\nname: y\nsteps: []\n', // repeated key
      '%YAML 1.2\n---\nname: x\n',
      'name: x\n---\nname: y\n',
      '? name\n: x\n',
      '{ name: x }\n',
      '  name: x\n',
      'name: x\nsteps:\n  - name: a\n   - name: b\n',
      'name: x\nsteps:\n  - name: a\n    action: log\n  id: b\n',
      'name: "a\nb"\n',
      'name: x\nsteps:\n\t- name: a\n',
      'name: x\nsteps:\n  - name: a\n    action: log\n-x: 1\n',
      '__proto__: x\n',
      `name: x\np: ${'['.repeat(70)}${']'.repeat(70)}\n`,
    ];
    for (const text of cases) assert.equal(parseInPieces(text, tiny), undefined, text);
  });

  test('a file above the threshold loads to the same workflow, and its problems keep their exact positions', () => {
    const text = bigWorkflow(3000);
    assert.ok(text.length > piecesAboveChars);
    assert.ok(parseInPieces(text, { parse, maxAliasCount: 100, maxDepth: 64 }), 'the file is one the pieces path takes');
    const loaded = parseWorkflow(text, 'big.yaml');
    assert.deepEqual(loaded.diagnostics, []);
    const last = loaded.workflow?.steps[2999];
    assert.deepEqual([loaded.workflow?.steps.length, last?.id, last?.name, last?.params], [3000, 's2999', 'Step 2999', { message: 'hello 2999' }]);

    const broken = bigWorkflow(3000, (i) => (i === 2900 ? '\n    retry_cont: 2' : ''));
    const errors = parseWorkflow(broken, 'big.yaml').diagnostics;
    assert.deepEqual(errors.map(formatDiagnostic), [`big.yaml:${3 + 2900 * 5 + 5}:5: error: unknown key 'retry_cont' in step 'Step 2900'; did you mean 'retry_count'?${errors[0]!.message.split('?')[1]}`]);

    const warned = bigWorkflow(3000, (i) => (i === 10 ? '\n    approval_timeout_minutes: 5' : ''));
    const { workflow, diagnostics } = parseWorkflow(warned, 'big.yaml');
    assert.ok(workflow);
    assert.deepEqual(diagnostics.map((d) => [d.code, d.severity, d.range.start.line]), [['approval_timeout_unused', 'warning', 3 + 10 * 5 + 5]]);
  });
});
