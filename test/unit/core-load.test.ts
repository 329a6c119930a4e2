import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatDiagnostic, parseWorkflow, type Diagnostic, type DiagnosticCode } from '../../src/core/index';

const valid = `name: Pipeline
workflow_id: pipe
steps:
  - name: Build it
    action: shell
    params: { command: "make" }
  - name: Tell
    action: log
    params:
      message: "built by \${{ steps.build_it.outputs.who }}"
`;

function errorsOf(text: string): Diagnostic[] {
  return parseWorkflow(text, 'w.yaml').diagnostics.filter((d) => d.severity === 'error');
}

function only(text: string): Diagnostic {
  const errors = errorsOf(text);
  assert.equal(errors.length, 1, `expected one error, got: ${errors.map(formatDiagnostic).join('\n')}`);
  return errors[0]!;
}

describe('loading a workflow', () => {
  test('a valid file builds the model with defaults and derived ids', () => {
    const { workflow, diagnostics } = parseWorkflow(valid, 'dir/pipe.yaml');
    assert.deepEqual(diagnostics, []);
    assert.ok(workflow);
    assert.equal(workflow.id, 'pipe');
    assert.deepEqual(workflow.steps.map((s) => s.id), ['build_it', 'tell']);
    assert.equal(workflow.notifySlack, true);
    assert.equal(workflow.saveState, true);
    const step = workflow.steps[0]!;
    assert.equal(step.timeoutSeconds, 300);
    assert.deepEqual(step.retry, { maxRetries: 0, initialDelayMs: 5000, backoff: 2, maxDelayMs: 300_000 });
  });

  test('the id defaults to the file name without .workflow.yaml', () => {
    const { workflow } = parseWorkflow('name: X\nsteps: [{ name: a, action: log }]\n', '/x/ci-check.workflow.yml');
    assert.equal(workflow?.id, 'ci-check');
  });

  test('WORKFLOW_DEFAULT_TIMEOUT and WORKFLOW_MAX_RETRIES apply through defaults', () => {
    const { workflow } = parseWorkflow('name: X\nsteps: [{ name: a, action: log, retry_count: 9 }]\n', 'x.yaml', { defaults: { timeoutSeconds: 42, maxRetries: 3 } });
    assert.equal(workflow?.steps[0]?.timeoutSeconds, 42);
    assert.equal(workflow?.steps[0]?.retry.maxRetries, 3);
  });

  test('original-system keys load unchanged', () => {
    const original = `workflow_id: testing
name: Automated testing pipeline
description: CI
source: claude_code
notify_slack: false
save_state: true
steps:
  - name: Run unit tests
    description: pytest
    action: shell
    params: { command: "true" }
    requires_approval: false
    continue_on_failure: true
    timeout_seconds: 600
    retry_count: 2
    retry_delay_seconds: 10
`;
    const { workflow, diagnostics } = parseWorkflow(original, 'o.yaml');
    assert.deepEqual(diagnostics, []);
    assert.equal(workflow?.source, 'claude_code');
    assert.equal(workflow?.notifySlack, false);
    assert.equal(workflow?.steps[0]?.continueOnFailure, true);
    assert.equal(workflow?.steps[0]?.retry.initialDelayMs, 10_000);
  });
});

describe('errors come back with exact positions', () => {
  test('unknown key, with a suggestion, at the key', () => {
    const d = only('name: X\nsteps:\n  - name: a\n    action: log\n    retry_cont: 2\n');
    assert.equal(formatDiagnostic(d).split(': error')[0], 'w.yaml:5:5');
    assert.equal(d.code, 'schema.additionalProperties');
    assert.match(d.message, /did you mean 'retry_count'/);
    assert.deepEqual(d.range.end, { line: 5, col: 15 });
  });

  test('wrong type at the value', () => {
    const d = only('name: X\nsteps:\n  - name: a\n    action: log\n    timeout_seconds: soon\n');
    assert.deepEqual(d.range.start, { line: 5, col: 22 });
    assert.equal(d.code, 'schema.type');
  });

  test('missing required key names the key', () => {
    const d = only('name: X\nsteps:\n  - action: log\n');
    assert.equal(d.code, 'schema.required');
    assert.equal(d.range.start.line, 3);
  });

  test('unknown action at the action value, with a suggestion', () => {
    const d = only('name: X\nsteps:\n  - name: a\n    action: shel\n');
    assert.deepEqual(d.range.start, { line: 4, col: 13 });
    assert.equal(d.code, 'unknown_action');
    assert.match(d.message, /did you mean 'shell'\?/);
  });

  test("wait_for_event's fail_on takes one filter or a list, checked like the filter itself, at its position", () => {
    const wait = (failOn: string) => `name: X\nsteps:\n  - name: w\n    action: wait_for_event\n    params:\n      type: process.completed\n      fail_on: ${failOn}\n`;
    assert.deepEqual(errorsOf(wait('{ type: process.failed, where: { "data.exit_code": 1 } }')), []);
    assert.deepEqual(errorsOf(wait('[{ type: process.failed }, { type: "test.*", source: "*pycharm*" }]')), []);
    const typo = errorsOf(wait('{ typ: process.failed }'));
    assert.deepEqual(typo.map((e) => e.code), ['params.required', 'params.additionalProperties']);
    assert.match(typo[1]!.message, /did you mean 'type'\?/);
    const unknown = errorsOf(wait('[{ type: process.failed, sorce: x }]'));
    assert.deepEqual(unknown.map((e) => e.code), ['params.additionalProperties']);
    assert.match(unknown[0]!.message, /did you mean 'source'\?/);
    assert.deepEqual(unknown[0]!.range.start, { line: 7, col: 41 });
    assert.equal(only(wait('process.failed')).code, 'params.type');
    assert.equal(only(wait('[]')).code, 'params.minItems');
  });

  test('templates in workflow env are checked too, at their column: no steps (none has run), only declared inputs', () => {
    const errors = errorsOf('name: X\ninputs: { target: a }\nenv:\n  A: "x-${{ steps.build.outputs.path }}"\n  B: "${{ inputs.nope }}"\n  C: "${{ inputs.target }} ${{ run.id }} ${{ env.HOME }}"\nsteps:\n  - name: build\n    action: log\n');
    errors.sort((a, b) => a.range.start.line - b.range.start.line);
    assert.deepEqual(errors.map((e) => [e.code, e.range.start]), [
      ['expression.not_allowed', { line: 4, col: 9 }],
      ['expression.unknown_input', { line: 5, col: 7 }],
    ]);
  });

  test('action params are checked against the action', () => {
    const errors = errorsOf('name: X\nsteps:\n  - name: a\n    action: shell\n    params:\n      comand: ls\n');
    assert.deepEqual(errors.map((e) => e.code), ['params.required', 'params.additionalProperties']);
    assert.match(errors[1]!.message, /did you mean 'command'\?/);
    assert.deepEqual(errors[1]!.range.start, { line: 6, col: 7 });
  });

  test('duplicate names and ids', () => {
    const errors = errorsOf('name: X\nsteps:\n  - name: a\n    action: log\n  - name: a\n    action: log\n  - name: b\n    id: a\n    action: log\n');
    assert.equal(errors.length, 2);
    assert.equal(errors[0]!.code, 'duplicate_name');
    assert.equal(errors[0]!.range.start.line, 5);
    assert.equal(errors[1]!.code, 'duplicate_id');
    assert.equal(errors[1]!.range.start.line, 8);
  });

  test('an expression reading a later step points at the ${{ }}', () => {
    const text = 'name: X\nsteps:\n  - name: a\n    action: log\n    params: { message: "x ${{ steps.b.outputs.y }}" }\n  - name: b\n    action: shell\n    params: { command: "true" }\n';
    const d = only(text);
    assert.equal(d.code, 'expression.not_needed');
    assert.deepEqual(d.range.start, { line: 5, col: 27 });
    assert.deepEqual(d.range.end, { line: 5, col: 27 + '${{ steps.b.outputs.y }}'.length });
  });

  test('expressions: unknown input, unknown context, unknown output of a fixed-output action, unknown function', () => {
    const code = (text: string) => only(text).code;
    assert.equal(code('name: X\nsteps:\n  - name: a\n    action: log\n    params: { message: "${{ inputs.nope }}" }\n'), 'expression.unknown_input');
    assert.equal(code('name: X\nsteps:\n  - name: a\n    action: log\n    params: { message: "${{ toJSON(github) }}" }\n'), 'expression.unknown_context');
    assert.equal(code('name: X\nsteps:\n  - name: a\n    action: log\n  - name: b\n    action: log\n    params: { message: "${{ steps.a.outputs.k }}" }\n'), 'expression.unknown_output');
    assert.equal(code('name: X\nsteps:\n  - name: a\n    action: log\n    params: { message: "${{ hashFiles(\'x\') }}" }\n'), 'expression.unknown_function');
  });

  test('YAML syntax: tabs, duplicate keys, bad indentation', () => {
    assert.equal(only('name: x\nsteps:\n\t- name: a\n').code, 'yaml.TAB_AS_INDENT');
    const dup = only('name: x\nname: y\nsteps: [{name: a, action: log}]\n');
    assert.equal(dup.code, 'yaml.DUPLICATE_KEY');
    assert.equal(dup.range.start.line, 2);
  });

  test('schema and semantic problems come in one pass, in file order, with no follow-on errors', () => {
    const typos = [
      'name: Typos', //                                                           1
      'inputs: { target: staging }', //                                           2
      'steps:', //                                                                3
      '  - name: Build', //                                                       4
      '    action: shell', //                                                     5
      '    params: { command: make }', //                                         6
      '    retry_cont: 2', //                                                     7  unknown key
      '  - name: Test', //                                                        8
      '    action: shel', //                                                      9  unknown action
      '    params: { command: "make test" }', //                                  10
      '    timeout_seconds: soon', //                                             11 wrong type
      '  - name: Build', //                                                       12 duplicate name
      '    action: log', //                                                       13
      '    params: { message: "${{ steps.deploy.outputs.url }} to ${{ inputs.targt }}" }', // 14 later step, unknown input
      '  - name: Deploy', //                                                      15
      '    action: delay', //                                                     16
      '    parms: { seconds: 1 }', //                                             17 unknown key: no "params missing seconds" after it
      '  - name: Report', //                                                      18
      '    action: log', //                                                       19
      '    params: { message: "after ${{ steps.deploy.status }}" }', //           20 refers to the malformed step: fine
      '',
    ].join('\n');
    const found = errorsOf(typos).map((d) => [d.code, d.range.start.line, d.range.start.col]);
    assert.deepEqual(found, [
      ['schema.additionalProperties', 7, 5],
      ['unknown_action', 9, 13],
      ['schema.type', 11, 22],
      ['duplicate_name', 12, 11],
      ['expression.not_needed', 14, 25],
      ['expression.unknown_input', 14, 60],
      ['schema.additionalProperties', 17, 5],
    ]);
  });

  test('malformed parts are skipped by the semantic checks, not crashed on', () => {
    const cases: Array<[string, DiagnosticCode[]]> = [
      ['name: x\nsteps: 5\n', ['schema.type']],
      ['name: x\nsteps: [5, { name: a, action: nope }]\n', ['schema.type', 'unknown_action']],
      ['name: x\ninputs: [a]\nsteps: [{ name: a, action: log, params: { message: "${{ inputs.a }}" } }]\n', ['schema.type']],
      ['name: x\non: { save: [3, "src/{a"] }\nsteps: [{ name: a, action: log }]\n', ['schema.type', 'bad_glob']],
      ['name: x\nsteps: [{ name: 7, action: log }, { action: 9 }, { name: a, action: log, params: 3 }]\n', ['schema.type', 'schema.required', 'schema.type', 'schema.type']],
    ];
    for (const [text, codes] of cases) assert.deepEqual(errorsOf(text).map((d) => d.code).sort(), [...codes].sort(), text);
  });

  test('an unclosed quote is reported at its opening quote, with nothing after it', () => {
    const cases: Array<[string, { line: number; col: number }]> = [
      ['name: "abc\nsteps:\n  - name: One\n    action: log\n', { line: 1, col: 7 }],
      ["name: Q\nsteps:\n  - name: 'One\n    action: log\n  - name: Two\n    action: log\n", { line: 3, col: 11 }],
      ['name: Q\nsteps:\n  - name: One\n    action: log\n    params: { message: "hi }\n', { line: 5, col: 24 }],
      ['name: Q\nsteps:\n  - name: One\n    action: log\n    params: { message: "a \\" b }\n', { line: 5, col: 24 }],
    ];
    for (const [text, start] of cases) {
      const d = only(text);
      assert.equal(d.code, 'yaml.MISSING_CHAR', text);
      assert.deepEqual(d.range.start, start, text);
    }
    // A closed quote with an escaped quote inside is fine; a missing `}` is not taken for a quote.
    assert.deepEqual(errorsOf('name: "a \\" b"\nsteps: [{ name: a, action: log }]\n'), []);
    assert.deepEqual(errorsOf('name: x\nsteps:\n  - name: a\n    action: log\n    params: { message: "hi"').map((d) => d.range.start), [{ line: 5, col: 28 }]);
  });

  test('hostile input is refused with a message, quickly, without a crash', () => {
    const cases: Array<[string, string | Uint8Array, DiagnosticCode[]]> = [
      ['empty', '', ['empty']],
      ['comments only', '# nothing\n', ['empty']],
      ['not a mapping', '- a\n- b\n', ['not_a_mapping']],
      ['deep flow', `name: x\nsteps: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`, ['yaml.RESOURCE_EXHAUSTION', 'too_deep']],
      ['deep block', `name: x\np:\n${Array.from({ length: 200 }, (_, i) => `${' '.repeat(i + 1)}- `).join('\n')}x\n`, ['yaml.RESOURCE_EXHAUSTION', 'too_deep']],
      ['non-utf8', Buffer.from('name: caf\xe9\n', 'latin1'), ['encoding']],
    ];
    let bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n';
    for (let i = 0; i < 9; i++) {
      const [p, c] = [String.fromCharCode(97 + i), String.fromCharCode(98 + i)];
      bomb += `${c}: &${c} [${Array(9).fill(`*${p}`).join(',')}]\n`;
    }
    cases.push(['alias bomb', `${bomb}name: x\nsteps: [{name: a, action: log}]\n`, ['yaml.ALIAS_BOMB']]);
    for (const [label, input, codes] of cases) {
      const result = parseWorkflow(input, 'h.yaml');
      assert.equal(result.workflow, undefined, label);
      const first = result.diagnostics.find((d) => d.severity === 'error');
      assert.ok(first, `${label}: no error`);
      assert.ok(codes.includes(first.code), `${label}: ${first.code}`);
      assert.ok(first.range.start.line >= 1, label);
    }
  });

  test('the non-UTF-8 byte is located', () => {
    const d = only(Buffer.concat([Buffer.from('name: x\nsteps: '), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]) as unknown as string);
    assert.deepEqual(d.range.start, { line: 2, col: 8 });
  });

  test('files over the size limit are refused before parsing', () => {
    const big = `name: x\nsteps:\n${'  - { name: s, action: log }\n'.repeat(100_000)}`;
    const d = only(big);
    assert.equal(d.code, 'too_large');
  });
});
