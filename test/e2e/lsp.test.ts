/**
 * `baton lsp --stdio` as a real process, driven by vscode-languageserver-protocol's client: every
 * feature of DESIGN §13 at exact positions, and bad input that must end in a diagnostic or an
 * error reply, never a crash.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import {
  CodeLensRequest,
  CompletionRequest,
  DefinitionRequest,
  DocumentSymbolRequest,
  ExecuteCommandRequest,
  HoverRequest,
  ReferencesRequest,
  type CompletionItem,
  type CompletionList,
  type DocumentSymbol,
  type Location,
  type MarkupContent,
} from 'vscode-languageserver-protocol/node';
import { cliEnv, describeResult, runCli, tempDir, writeFile } from '../support/cli';
import { startLsp, uriOf, type LspSession } from '../support/lspClient';
import { onCleanup } from '../support/cleanup';

const release = `name: Release
id: release
inputs:
  version: "1.0"
steps:
  - name: Build
    id: build
    action: shell
    params:
      command: echo artifact=app-\${{ inputs.version }}.tgz >> "$BATON_OUTPUT"
  - name: Test
    id: test
    action: shell
    needs: [build]
    strategy:
      matrix:
        node: [18, 20]
    params:
      command: echo \${{ matrix.node }} \${{ steps.build.outputs.artifact }}
  - name: Report
    action: log
    needs: [test]
    params:
      message: \${{ needs.test.result }}
`;

/** Splits `text` at the `|` marker: the text without it and the marker's 0-based position. */
function at(text: string): { text: string; position: { line: number; character: number } } {
  const offset = text.indexOf('|');
  const before = text.slice(0, offset).split('\n');
  return { text: text.slice(0, offset) + text.slice(offset + 1), position: { line: before.length - 1, character: before.at(-1)!.length } };
}

function labels(result: CompletionItem[] | CompletionList | null): string[] {
  return (Array.isArray(result) ? result : (result?.items ?? [])).map((i) => i.label);
}

async function session(t: TestContext, root: string, env: NodeJS.ProcessEnv = cliEnv(root)): Promise<LspSession> {
  const lsp = await startLsp(root, { debounceMs: 0 }, env);
  onCleanup(t, () => void lsp.stop());
  return lsp;
}

test('diagnostics are those of `baton validate`, at the same ranges; an incremental edit clears them', async (t) => {
  const root = tempDir(t);
  const broken = 'name: Broken\nsteps:\n  - name: First\n    action: teleport\n  - name: Second\n    action: log\n    needs: [frist]\n    params: { message: "${{ steps.first.status }}" }\n';
  const file = writeFile(root, 'workflows/broken.yaml', broken);
  const cli = await runCli(t, ['validate', '--json', file], { cwd: root, env: cliEnv(root) });
  const expected = (JSON.parse(cli.stdout) as Array<{ diagnostics: Array<{ code: string; message: string; range: { start: { line: number; col: number }; end: { line: number; col: number } } }> }>)[0]!.diagnostics;
  assert.ok(expected.length >= 2, describeResult(cli));

  const lsp = await session(t, root);
  const uri = lsp.open(file, broken);
  const got = await lsp.waitForDiagnostics(uri, (d) => d.length > 0, 'diagnostics of broken.yaml');
  assert.deepEqual(
    got.map((d) => [d.code, d.message, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character, d.source]),
    expected.map((d) => [d.code, d.message, d.range.start.line - 1, d.range.start.col - 1, d.range.end.line - 1, d.range.end.col - 1, 'baton']),
  );
  const teleport = got.find((d) => d.code === 'unknown_action')!;
  assert.deepEqual(teleport.range, { start: { line: 3, character: 12 }, end: { line: 3, character: 20 } });

  // One keystroke-sized edit at a time (incremental sync): teleport → log, frist → first.
  lsp.change(uri, 2, [{ range: teleport.range, text: 'log' }]);
  lsp.change(uri, 3, [{ range: { start: { line: 6, character: 12 }, end: { line: 6, character: 17 } }, text: 'first' }]);
  await lsp.waitForDiagnostics(uri, (d, version) => version === 3 && d.length === 0, 'no diagnostics after the fix');
  lsp.close(uri);
});

test('completion, hover, definition, references, symbols and the Run / Validate lenses at exact positions', async (t) => {
  const root = tempDir(t);
  const env = cliEnv(root, { BATON_SECRET_DEPLOY_TOKEN: 'never-shown' });
  const file = writeFile(root, 'workflows/release.yaml', release);
  // A finished run gives the outputs that `shell` (outputs: any) cannot declare.
  const run = await runCli(t, ['run', file, '--yes', '--quiet'], { cwd: root, env });
  assert.equal(run.code, 0, describeResult(run));
  const lsp = await session(t, root, env);

  let n = 0;
  const complete = async (marked: string) => {
    const { text, position } = at(marked);
    const uri = lsp.open(join(root, 'workflows', `c${n++}.yaml`), text);
    return labels(await lsp.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position }));
  };

  // Keys by position from the schema (not those already there), and a step's params from its action.
  const keys = await complete(`${release}    ti|`); // a new key in the last step
  assert.ok(keys.includes('timeout_seconds') && keys.includes('if') && keys.includes('approvers') && !keys.includes('action') && !keys.includes('params'), keys.join());
  const top = await complete(`${release}conc|`);
  assert.ok(top.includes('concurrency') && top.includes('on') && !top.includes('steps'), top.join());
  assert.deepEqual((await complete(release.replace('      command: echo artifact', '      cw|\n      command: echo artifact'))).sort(), ['cwd', 'env', 'shell']);
  // Action names, built-in and editor-only; values from the schema's enum.
  const actions = await complete(release.replace('action: log', 'action: |'));
  for (const name of ['shell', 'log', 'emit', 'wait_for_event', 'vscode_task']) assert.ok(actions.includes(name), actions.join());
  assert.deepEqual(await complete(`${release}concurrency: |`), ['queue', 'skip', 'cancel_previous', 'parallel']);
  // Step ids in needs (not itself, not those already listed).
  assert.deepEqual(await complete(release.replace('needs: [test]', 'needs: [test, |]')), ['build']);
  // Expressions: what each step may read.
  const expr = (inner: string) => complete(release.replace('${{ needs.test.result }}', `\${{ ${inner} }}`));
  assert.deepEqual(await expr('steps.|'), ['build', 'test']);
  assert.deepEqual(await expr('steps.build.outputs.|'), ['artifact'], 'from the last run');
  assert.deepEqual(await expr('needs.|'), ['test']);
  assert.deepEqual(await expr('needs.test.|'), ['outputs', 'result']);
  assert.deepEqual(await expr('inputs.|'), ['version']);
  assert.deepEqual(await expr('secrets.|'), ['DEPLOY_TOKEN']);
  assert.deepEqual(await complete(release.replace('${{ matrix.node }}', '${{ matrix.| }}')), ['node']);
  const functions = await expr('con|');
  assert.ok(functions.includes('contains') && functions.includes('steps') && !functions.includes('success'), functions.join());
  assert.ok((await complete(release.replace('    needs: [test]', '    needs: [test]\n    if: suc|'))).includes('success'));

  // The real file from here on.
  const uri = lsp.open(file, release);
  const hover = async (line: number, character: number) => ((await lsp.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character } }))?.contents as MarkupContent | undefined)?.value ?? '';
  assert.match(await hover(7, 14), /action `shell`[\s\S]*\$BATON_OUTPUT[\s\S]*`command` \(required\)/);
  assert.match(await hover(13, 5), /must end before this step starts/, 'the schema description of needs');
  const build = await hover(13, 13);
  assert.match(build, /step `build`/);
  assert.match(build, /Last run `\d{8}-\d{6}-\w+`: \*\*completed\*\*/);
  assert.match(build, /`artifact` = `"app-1.0.tgz"`/);
  assert.match(await hover(9, 40), /input `version`[\s\S]*default: `1.0`/);

  const definition = (await lsp.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: { line: 13, character: 13 } })) as Location;
  assert.deepEqual(definition.range, { start: { line: 6, character: 8 }, end: { line: 6, character: 13 } }, 'needs: [build] → id: build');
  const input = (await lsp.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: { line: 9, character: 40 } })) as Location;
  assert.deepEqual(input.range, { start: { line: 3, character: 2 }, end: { line: 3, character: 9 } });
  const refs = (await lsp.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri }, position: { line: 6, character: 9 }, context: { includeDeclaration: true } })) ?? [];
  assert.deepEqual(refs.map((r) => [r.range.start.line, r.range.start.character]), [[6, 8], [13, 12], [18, 49]]);

  const symbols = (await lsp.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as DocumentSymbol[];
  assert.deepEqual(symbols.map((s) => [s.name, s.detail, s.selectionRange.start.line]), [['version', 'input', 3], ['Build', 'build · shell', 6], ['Test', 'test · shell', 11], ['Report', 'report · log', 19]]);

  const lenses = (await lsp.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) ?? [];
  assert.deepEqual(lenses.map((l) => l.command?.title), ['▶ Run', '✓ Validate']);
  const validate = lenses[1]!.command!;
  assert.deepEqual(await lsp.connection.sendRequest(ExecuteCommandRequest.type, { command: validate.command, arguments: validate.arguments! }), { valid: true, diagnostics: 0 });
  await lsp.waitForMessage((m) => m.message === 'Baton: release.yaml is valid (3 steps)', 'the validate message');
  const runLens = lenses[0]!.command!;
  const started = (await lsp.connection.sendRequest(ExecuteCommandRequest.type, { command: runLens.command, arguments: runLens.arguments! })) as { started: boolean; runId: string };
  assert.equal(started.started, true);
  await lsp.waitForMessage((m) => m.message === `Baton: started run ${started.runId} of release.yaml`, 'the started message');
  await lsp.waitForMessage((m) => m.message === `Baton: run ${started.runId} of release.yaml completed`, 'the run to end');
  assert.ok(!JSON.stringify(lsp.messages).includes('never-shown'));
});

test('bad input ends in a diagnostic or an error reply, never a crash', async (t) => {
  const root = tempDir(t);
  const lsp = await session(t, root);
  const ping = async () => labels(await lsp.connection.sendRequest(CompletionRequest.type, { textDocument: { uri: okUri }, position: { line: 1, character: 0 } }));
  const okFile = writeFile(root, 'workflows/ok.yaml', 'name: Ok\nsteps:\n  - name: One\n    action: log\n    params: { message: hi }\n');
  const okUri = lsp.open(okFile, 'name: Ok\n\nsteps:\n  - name: One\n    action: log\n    params: { message: hi }\n');

  // 2 MiB and more: one diagnostic, and requests on it answer empty.
  const big = `name: Big\nsteps:\n${'  - name: x\n    action: log\n    params: { message: hi }\n'.repeat(50_000)}`;
  const bigUri = lsp.open(join(root, 'workflows/big.yaml'), big);
  const [tooLarge] = await lsp.waitForDiagnostics(bigUri, (d) => d.length > 0, 'the too-large diagnostic');
  assert.equal(tooLarge!.code, 'too_large');
  assert.deepEqual(labels(await lsp.connection.sendRequest(CompletionRequest.type, { textDocument: { uri: bigUri }, position: { line: 3, character: 4 } })), []);

  // Bytes that are not UTF-8: the client shows replacement characters; the diagnostic says where.
  const latin1 = writeFile(root, 'workflows/latin1.yaml', Buffer.concat([Buffer.from('name: Caf'), Buffer.from([0xe9]), Buffer.from('\nsteps:\n  - name: One\n    action: log\n')]));
  const latin1Uri = lsp.open(latin1, 'name: Caf\uFFFD\nsteps:\n  - name: One\n    action: log\n');
  const [encoding] = await lsp.waitForDiagnostics(latin1Uri, (d) => d.length > 0, 'the encoding diagnostic');
  assert.equal(encoding!.code, 'encoding');
  assert.deepEqual(encoding!.range.start, { line: 0, character: 9 });

  // A file deleted while open: still served from the editor's text; Run says why it cannot.
  const doomed = writeFile(root, 'workflows/doomed.yaml', 'name: Doomed\nsteps:\n  - name: One\n    action: log\n    params: { message: hi }\n');
  const doomedUri = lsp.open(doomed, 'name: Doomed\nsteps:\n  - name: One\n    action: log\n    params: { message: hi }\n');
  await lsp.waitForDiagnostics(doomedUri, (d) => d.length === 0, 'doomed.yaml validated');
  rmSync(doomed);
  lsp.change(doomedUri, 2, [{ range: { start: { line: 3, character: 12 }, end: { line: 3, character: 15 } }, text: 'nope' }]);
  await lsp.waitForDiagnostics(doomedUri, (d, v) => v === 2 && d[0]?.code === 'unknown_action', 'the deleted file still validated');
  assert.deepEqual(await lsp.connection.sendRequest(ExecuteCommandRequest.type, { command: 'baton.lsp.run', arguments: [doomedUri] }), { started: false });
  await lsp.waitForMessage((m) => /doomed\.yaml is not on disk/.test(m.message), 'the not-on-disk message');

  // Edits for a document never opened, unknown commands, missing arguments: ignored or an error reply.
  lsp.change(uriOf(join(root, 'workflows/ghost.yaml')), 7, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'x' }]);
  await assert.rejects(lsp.connection.sendRequest(ExecuteCommandRequest.type, { command: 'baton.lsp.nope', arguments: [okUri] }), /unknown command/);
  await assert.rejects(lsp.connection.sendRequest(ExecuteCommandRequest.type, { command: 'baton.lsp.validate', arguments: [] }), /give the URI/);
  writeFileSync(join(root, 'workflows/ok.yaml'), 'garbage');
  assert.ok((await ping()).includes('concurrency'), 'still serving');
  assert.equal(lsp.child.exitCode, null);
  assert.equal(await lsp.stop(), 0);
});
