/**
 * `baton validate` end to end: every bad file — hostile or merely wrong — is refused with
 * compiler-style `file:line:col: error: message` lines and exit 1, never a stack trace, a crash
 * or a hang (each call is bounded by the helper's exit guard); good files pass with exit 0.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { describeResult, repoRoot, runCli, tempDir, writeFile, type CliResult } from '../support/cli';

const oneStep = '  - name: Only\n    action: log\n    params: { message: hi }\n';

/** Nine levels of nine aliases: 9^9 (387 million) strings if expanded. */
function billionLaughs(): string {
  const lines = ['name: Bomb', 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  const names = 'abcdefghi';
  for (let i = 1; i < names.length; i++) {
    const prev = names[i - 1]!;
    lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  return `${lines.join('\n')}\nsteps:\n${oneStep}`;
}

interface Case {
  name: string;
  content: string | Uint8Array;
  /** Expected position of the first diagnostic, when it is worth pinning down. */
  at?: [number, number];
  message: RegExp;
}

const cases: Case[] = [
  { name: 'alias bomb (billion laughs)', content: billionLaughs(), message: /alias bomb/ },
  // Where the parser runs out of stack depends on the stack it has, so these positions are not pinned.
  { name: '20,000-deep flow nesting [[[[…]]]]', content: `name: Deep\nsteps: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`, message: /nested too deeply/ },
  { name: '20,000 unclosed [ on one line', content: `name: Deep\nsteps: ${'['.repeat(20_000)}\n`, message: /nested too deeply/ },
  { name: '20,000-deep flow mappings {a: {a: …}}', content: `name: Deep\nsteps: ${'{a: '.repeat(20_000)}1${'}'.repeat(20_000)}\n`, message: /nested too deeply/ },
  { name: '20,000-deep block nesting (- - - …)', content: `name: Deep\nsteps:\n  ${'- '.repeat(20_000)}x\n`, message: /nested too deeply/ },
  {
    name: 'block mappings nested deeper than the limit',
    content: `name: Deep\nsteps:\n  - name: a\n    action: log\n    params:\n${Array.from({ length: 200 }, (_, i) => `${'  '.repeat(i + 3)}k:`).join('\n')}\n`,
    message: /nesting deeper than \d+ levels/,
  },
  { name: 'a 5 MB file', content: `name: Big\nsteps:\n${oneStep.repeat(Math.ceil((5 * 1024 * 1024) / oneStep.length))}`, at: [1, 1], message: /the file is 5\.\d MiB; workflow files are limited to/ },
  { name: 'a non-UTF-8 byte (0xff)', content: Buffer.concat([Buffer.from('name: caf'), Buffer.from([0xff]), Buffer.from(`\nsteps:\n${oneStep}`)]), at: [1, 10], message: /byte 0xff is not valid UTF-8/ },
  { name: 'an empty file', content: '', at: [1, 1], message: /the file is empty/ },
  { name: 'only comments', content: '# nothing here\n# at all\n', message: /the file is empty/ },
  { name: 'tab indentation', content: 'name: Tabs\nsteps:\n\t- name: a\n\t  action: log\n', at: [3, 1], message: /tabs are not allowed as indentation/ },
  { name: 'a duplicate key', content: `name: One\nname: Two\nsteps:\n${oneStep}`, at: [2, 1], message: /unique/ },
  { name: 'an unknown key with a near miss', content: 'name: Typo\nsteps:\n  - name: a\n    action: log\n    retry_cout: 2\n', at: [5, 5], message: /unknown key 'retry_cout' in step 'a'; did you mean 'retry_count'\?/ },
  { name: 'an unknown top-level key', content: `name: Typo\ndescripton: x\nsteps:\n${oneStep}`, at: [2, 1], message: /unknown key 'descripton'.*did you mean 'description'\?/ },
  { name: 'an unknown action', content: 'name: Act\nsteps:\n  - name: a\n    action: shel\n    params: { command: ls }\n', at: [4, 13], message: /unknown action 'shel'; did you mean 'shell'\?/ },
  { name: 'duplicate step names', content: `name: Dup\nsteps:\n${oneStep}${oneStep}`, at: [6, 11], message: /duplicate step name 'Only' \(first used at line 3\)/ },
  {
    name: 'duplicate step ids',
    content: 'name: Dup\nsteps:\n  - name: a\n    id: same\n    action: log\n  - name: b\n    id: same\n    action: log\n',
    at: [7, 9],
    message: /duplicate step id 'same'/,
  },
  {
    name: 'a reference to a later step',
    content: 'name: Ref\nsteps:\n  - name: a\n    action: shell\n    params:\n      command: echo ${{ steps.b.outputs.x }}\n  - name: b\n    action: shell\n    params: { command: ls }\n',
    at: [6, 21],
    message: /step 'a' reads steps\.b\.outputs\.x, but does not need 'b'/,
  },
  {
    name: 'a reference to an unknown step',
    content: 'name: Ref\nsteps:\n  - name: a\n    action: shell\n    params:\n      command: echo first; echo ${{ steps.nope.outputs.x }}\n',
    at: [6, 33],
    message: /no step has the id 'nope'/,
  },
  {
    name: 'an output a built-in action never sets',
    content: 'name: Ref\nsteps:\n  - name: a\n    action: log\n    params: { message: hi }\n  - name: b\n    action: shell\n    params:\n      command: echo ${{ steps.a.outputs.text }}\n',
    at: [9, 21],
    message: /step 'a' \(action log\) has no output 'text'/,
  },
  { name: 'an undeclared input', content: 'name: In\nsteps:\n  - name: a\n    action: log\n    params:\n      message: "${{ inputs.who }}"\n', at: [6, 17], message: /unknown input 'who'/ },
  { name: 'a missing name', content: `steps:\n${oneStep}`, message: /missing the required key 'name'/ },
  { name: 'a wrong type', content: 'name: Types\nsteps:\n  - name: a\n    action: log\n    retry_count: lots\n', at: [5, 18], message: /retry_count must be an integer, not string "lots"/ },
  { name: 'steps that are not a list', content: 'name: Types\nsteps: 3\n', at: [2, 8], message: /must be a list/ },
  { name: 'a YAML syntax error', content: 'name: "unclosed\nsteps: []\n', message: /./ },
  { name: 'a top-level list', content: '- name: a\n- name: b\n', at: [1, 1], message: /a workflow is a mapping/ },
];

const diagnosticLine = /^(?<file>[^:\n]+):(?<line>\d+):(?<col>\d+): (?<severity>error|warning): (?<message>.+)$/;

function assertRefusedCleanly(result: CliResult, file: string, c: Case): void {
  assert.equal(result.code, 1, `${c.name}: expected exit 1\n${describeResult(result)}`);
  const output = `${result.stdout}${result.stderr}`;
  assert.doesNotMatch(output, /\n\s+at .+:\d+:\d+\)?\n|RangeError|TypeError|Maximum call stack|heap out of memory/, `${c.name}: looks like a crash\n${describeResult(result)}`);
  const lines = result.stdout.trim().split('\n');
  for (const line of lines) assert.match(line, diagnosticLine, `${c.name}: not a compiler-style line: ${line.slice(0, 200)}`);
  const errors = lines.map((l) => diagnosticLine.exec(l)!.groups!).filter((g) => g.severity === 'error');
  assert.ok(errors.length >= 1, `${c.name}: no error line`);
  assert.ok(errors.every((g) => g.file === file), `${c.name}: every line names ${file}`);
  assert.ok(errors.some((g) => c.message.test(g.message ?? '')), `${c.name}: no error matches ${c.message}\n${result.stdout.slice(0, 2000)}`);
  // A hostile file gets a message, not a flood: a handful of lines at most.
  assert.ok(lines.length <= 10, `${c.name}: ${lines.length} lines of output for one problem\n${lines.slice(0, 5).join('\n')}`);
  if (c.at) {
    const first = errors[0]!;
    assert.deepEqual([Number(first.line), Number(first.col)], c.at, `${c.name}: position of ${lines[0]}`);
  }
}

// Independent processes on independent files: run a few at a time to keep the suite short.
describe('baton validate on bad files', { concurrency: 4 }, () => {
  for (const c of cases) {
    test(`refuses ${c.name} with file:line:col and exit 1`, async (t) => {
      const cwd = tempDir(t);
      writeFile(cwd, 'bad.yaml', c.content);
      const result = await runCli(t, ['validate', 'bad.yaml'], { cwd });
      assertRefusedCleanly(result, 'bad.yaml', c);
    });
  }
});

test('`baton run` refuses an invalid file the same way, and starts nothing', async (t) => {
  const cwd = tempDir(t);
  writeFile(cwd, 'bad.yaml', billionLaughs());
  const result = await runCli(t, ['run', 'bad.yaml'], { cwd });
  assert.equal(result.code, 1, describeResult(result));
  assert.match(result.stderr, /^bad\.yaml:\d+:\d+: error: .*alias bomb/m);
  assert.deepEqual(readdirSync(cwd), ['bad.yaml']);
});

test('a valid file passes with exit 0; several files are checked together', async (t) => {
  const cwd = tempDir(t);
  writeFile(
    cwd,
    'good.yaml',
    `name: Good
workflow_id: good-one
inputs: { target: staging }
steps:
  - name: First
    id: first
    action: shell
    params:
      command: echo "x=1" >> "$BATON_OUTPUT"
    timeout_seconds: 5
    retry_count: 2
    retry_delay_seconds: 1
  - name: Second
    action: log
    params: { message: "\${{ steps.first.outputs.x }} to \${{ inputs.target }} in \${{ run.id }}" }
    requires_approval: true
`,
  );
  const ok = await runCli(t, ['validate', 'good.yaml'], { cwd });
  assert.equal(ok.code, 0, describeResult(ok));
  assert.match(ok.stdout, /^good\.yaml: ok \(2 steps\)$/m);

  writeFile(cwd, 'bad.yaml', '');
  const mixed = await runCli(t, ['validate', 'good.yaml', 'bad.yaml'], { cwd });
  assert.equal(mixed.code, 1, describeResult(mixed));
  assert.match(mixed.stdout, /^good\.yaml: ok/m);
  assert.match(mixed.stdout, /^bad\.yaml:1:1: error: /m);

  const json = await runCli(t, ['validate', 'good.yaml', 'bad.yaml', '--json'], { cwd });
  assert.equal(json.code, 1, describeResult(json));
  const parsed = JSON.parse(json.stdout) as Array<{ file: string; valid: boolean; diagnostics: Array<{ range: { start: { line: number; col: number } } }> }>;
  assert.deepEqual(parsed.map((r) => [r.file, r.valid]), [['good.yaml', true], ['bad.yaml', false]]);
  assert.deepEqual(parsed[1]!.diagnostics[0]!.range.start, { line: 1, col: 1 });
});

test("every workflow in the repository's workflows/ folder validates", async (t) => {
  const dir = join(repoRoot, 'workflows');
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
  assert.ok(files.includes('automated_testing_pipeline.yaml'), `workflows/ holds ${files.join(', ')}`);
  const result = await runCli(t, ['validate', ...files], { cwd: dir });
  assert.equal(result.code, 0, describeResult(result));
  for (const file of files) assert.match(result.stdout, new RegExp(`^${file.replace('.', '\\.')}: ok \\(\\d+ steps\\)$`, 'm'));
});

test('a file with several typos shows every problem in one pass, in file order, at exact positions', async (t) => {
  const cwd = tempDir(t);
  writeFile(
    cwd,
    'typos.yaml',
    [
      'name: Typos',
      'inputs: { target: staging }',
      'steps:',
      '  - name: Build',
      '    action: shell',
      '    params: { command: make }',
      '    retry_cont: 2',
      '  - name: Test',
      '    action: shel',
      '    timeout_seconds: soon',
      '  - name: Build',
      '    action: log',
      '    params: { message: "${{ steps.deploy.outputs.url }} to ${{ inputs.targt }}" }',
      '  - name: Deploy',
      '    action: delay',
      '    parms: { seconds: 1 }',
      '',
    ].join('\n'),
  );
  const result = await runCli(t, ['validate', 'typos.yaml'], { cwd });
  assert.equal(result.code, 1, describeResult(result));
  const positions = result.stdout.trim().split('\n').map((line) => /^typos\.yaml:(\d+:\d+): error: /.exec(line)?.[1]);
  assert.deepEqual(positions, ['7:5', '9:13', '10:22', '11:11', '13:25', '13:60', '16:5'], result.stdout);
  const json = await runCli(t, ['validate', 'typos.yaml', '--json'], { cwd });
  const [report] = JSON.parse(json.stdout) as Array<{ diagnostics: Array<{ code: string }> }>;
  assert.deepEqual(report!.diagnostics.map((d) => d.code), ['schema.additionalProperties', 'unknown_action', 'schema.type', 'duplicate_name', 'expression.not_needed', 'expression.unknown_input', 'schema.additionalProperties']);
});

test('a file with several graph and expression errors shows them all in one pass, at exact positions', async (t) => {
  const cwd = tempDir(t);
  writeFile(
    cwd,
    'graph.yaml',
    [
      'name: Graph', //                                                       1
      'steps:', //                                                            2
      '  - name: Unit', //                                                    3
      '    action: shell', //                                                 4
      '    needs: [deploy]', //                                               5  cycle unit → deploy → report → unit, closed at 14
      '    params: { command: "npm test" }', //                               6
      '  - name: Lint', //                                                    7
      '    action: shell', //                                                 8
      '    needs: [lint, unti]', //                                           9  self, unknown
      '    timeout-minutes: 5', //                                            10 GitHub key
      '    params: { command: "echo ${{ steps.report.outputs.x }}" }', //     11 not needed
      '  - name: Report', //                                                  12
      '    action: log', //                                                   13
      '    needs: unit', //                                                   14
      "    if: ${{ secrets.TOKEN == 'x' }}", //                               15 secrets in if
      '    params: { message: "${{ matrix.os }} ${{ nope(1) }} ${{ 1 == }}" }', // 16 no matrix, unknown function, syntax
      '  - name: Deploy', //                                                  17
      '    action: shell', //                                                 18
      '    needs: [report]', //                                               19
      '    strategy:', //                                                     20
      '      matrix: { a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17], b: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16] }', // 21 272 instances
      '    params: { command: "make ${{ matrix.c }}" }', //                   22 unknown matrix key
      '',
    ].join('\n'),
  );
  const result = await runCli(t, ['validate', 'graph.yaml', '--json'], { cwd });
  assert.equal(result.code, 1, describeResult(result));
  const [report] = JSON.parse(result.stdout) as Array<{ diagnostics: Array<{ code: string; range: { start: { line: number; col: number } } }> }>;
  const found = report!.diagnostics.map((d) => `${d.code}@${d.range.start.line}:${d.range.start.col}`);
  assert.deepEqual(found, [
    'needs.self@9:13',
    'needs.unknown@9:19',
    'github_key@10:5',
    'expression.not_needed@11:30',
    'needs.cycle@14:12',
    'expression.secrets_in_if@15:9',
    'matrix.no_matrix@16:25',
    'expression.unknown_function@16:46',
    'expression.syntax@16:63',
    'matrix.too_large@21:7',
    'matrix.unknown_key@22:30',
  ]);
  const plain = await runCli(t, ['validate', 'graph.yaml'], { cwd });
  assert.match(plain.stdout, /^graph\.yaml:14:12: error: .*unit → deploy → report → unit/m);
});

test('an unclosed quote is reported at the opening quote, not at the end of the file', async (t) => {
  const cwd = tempDir(t);
  writeFile(cwd, 'quote.yaml', 'name: "Deploy\nsteps:\n  - name: One\n    action: log\n    params: { message: hi }\n');
  const result = await runCli(t, ['validate', 'quote.yaml'], { cwd });
  assert.equal(result.code, 1, describeResult(result));
  assert.match(result.stdout, /^quote\.yaml:1:7: error: this double-quoted string is never closed: add the closing "\n$/);
});
