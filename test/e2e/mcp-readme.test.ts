/**
 * The README's "Use Baton from an AI assistant", as written: its `.mcp.json` is what
 * `baton mcp --config claude` prints and starts the server (with `baton` on the PATH); its
 * hand-off workflow is workflows/assistant_handoff.yaml; and its two-assistant transcript runs
 * call by call through two SDK clients (A = claude-code, B = cursor), each answer checked.
 */
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { test } from 'node:test';
import { cliEnv, cliPath, describeResult, linesOf, repoRoot, runCli, tempDir, writeFile } from '../support/cli';
import { connectMcp, type McpSession } from '../support/mcp';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Use Baton from an AI assistant'), readme.indexOf('\n## ', readme.indexOf('## Use Baton from an AI assistant') + 5));

function block(lang: string, after = 0): string {
  const start = section.indexOf(`\`\`\`${lang}\n`, after);
  assert.ok(start >= 0, `the section has a ${lang} block`);
  return section.slice(start + lang.length + 4, section.indexOf('```', start + lang.length + 4));
}

test("the README's .mcp.json is what `baton mcp --config claude` prints, and the workflow is the shipped file", async (t) => {
  const printed = await runCli(t, ['mcp', '--config', 'claude'], { cwd: tempDir(t) });
  assert.equal(printed.code, 0, describeResult(printed));
  assert.equal(block('json'), printed.stdout);
  const shipped = readFileSync(join(repoRoot, 'workflows/assistant_handoff.yaml'), 'utf8').split('\n').filter((l) => !l.startsWith('#')).join('\n');
  assert.equal(block('yaml'), shipped);
  for (const kind of ['cursor', 'vscode']) assert.match((await runCli(t, ['mcp', '--config', kind], { cwd: tempDir(t) })).stdout, /"\$\{workspaceFolder\}"/);
  assert.equal((await runCli(t, ['mcp', '--config', 'emacs'], { cwd: tempDir(t) })).code, 2);
});

test('two assistants hand work to each other as the README shows', async (t) => {
  const cwd = tempDir(t);
  copyFileSync(join(repoRoot, 'workflows/assistant_handoff.yaml'), writeFile(cwd, 'workflows/assistant_handoff.yaml', ''));
  // `baton` on the PATH, as the .mcp.json expects it.
  const bin = join(tempDir(t), 'bin');
  chmodSync(writeFile(bin, 'baton', `#!/bin/sh\nexec "${process.execPath}" "${cliPath}" "$@"\n`), 0o755);
  const config = JSON.parse(block('json')) as { mcpServers: { baton: { command: string; args: string[] } } };
  const env = { ...cliEnv(cwd), PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` };
  const start = (name: string) => connectMcp(t, cwd, { name, env, command: config.mcpServers.baton.command, commandArgs: config.mcpServers.baton.args });
  const sessions: Record<string, McpSession> = { A: await start('claude-code'), B: await start('cursor') };

  const values: Record<string, string> = {};
  const fill = (text: string) => text.replace(/<run id>/g, values['run id'] ?? '<run id>').replace(/<started at>/g, values['started at'] ?? '<started at>');
  const pending: Record<string, Promise<Record<string, unknown>> | undefined> = {};
  for (const line of block('text').split('\n').filter(Boolean)) {
    const call = /^([AB]) → (\w+) (\{.*\})$/.exec(line);
    const reply = /^([AB]) ← (\{.*\})$/.exec(line);
    if (call) {
      const [, who, tool, args] = call as unknown as [string, string, string, string];
      pending[who] = sessions[who]!.value(tool, JSON.parse(fill(args)) as Record<string, unknown>);
      // A wait answers only once what it waits for happens: let it begin before the next call.
      if (tool === 'wait_for_event') await new Promise((r) => setTimeout(r, 500));
      continue;
    }
    assert.ok(reply, `every line is a call or an answer: ${line}`);
    const [, who, shown] = reply as unknown as [string, string, string];
    const answer = await pending[who]!;
    pending[who] = undefined;
    if (values['run id'] === undefined && typeof answer.run_id === 'string') {
      values['run id'] = answer.run_id;
      values['started at'] = String(answer.started_at);
    }
    assertShown(answer, JSON.parse(fill(shown).replace(/, \.\.\.\}/g, '}')) as Record<string, unknown>, `${who}'s answer`);
  }
  for (const [who, promise] of Object.entries(pending)) if (promise) await promise.then((v) => assert.ok(v, `${who}'s last call answered`));

  assert.equal(linesOf(join(cwd, 'build.txt')).at(-1), 'shipped after review by cursor');
  const status = await runCli(t, ['status', values['run id']!], { cwd });
  assert.match(status.stdout, /status: completed/, describeResult(status));
  assert.match(status.stdout, /started by mcp:claude-code/);
});

/** Every field the README shows is in the answer with that value ("..." stands for the rest; "status" may have moved on). */
function assertShown(actual: Record<string, unknown>, shown: Record<string, unknown>, what: string): void {
  for (const [key, value] of Object.entries(shown)) {
    if (key === 'status') continue;
    if (value && typeof value === 'object' && !Array.isArray(value)) assertShown(actual[key] as Record<string, unknown>, value as Record<string, unknown>, `${what}.${key}`);
    else assert.deepEqual(actual[key], value, `${what}.${key}`);
  }
}
