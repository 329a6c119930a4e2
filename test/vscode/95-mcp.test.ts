import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { batonApi, extensionId, waitFor, workspacePath } from './helpers';

/** VS Code's MCP API (vscode.lm.registerMcpServerDefinitionProvider) came with 1.101. */
const hasMcpApi = (() => {
  const [major = 0, minor = 0] = vscode.version.split('.').map(Number);
  return major > 1 || minor >= 101;
})();

suite('MCP server registration', () => {
  test('the manifest contributes the Baton MCP server definition provider', () => {
    const manifest = vscode.extensions.getExtension(extensionId)!.packageJSON as { contributes: { mcpServerDefinitionProviders?: Array<{ id: string; label: string }> } };
    assert.deepStrictEqual(manifest.contributes.mcpServerDefinitionProviders, [{ id: 'baton.mcp', label: 'Baton' }]);
  });

  test(`${hasMcpApi ? 'is registered and listed' : 'is skipped on an engine without the API, and Baton still works'} (VS Code ${vscode.version})`, async () => {
    // Activation runs by itself (workspaceContains); wait for it rather than racing it.
    await waitFor('the extension to activate', () => vscode.extensions.getExtension(extensionId)?.isActive, 20_000);
    const api = await batonApi();
    const provider = api._test.mcpServers;
    assert.strictEqual(provider.registered, hasMcpApi);
    if (!hasMcpApi) {
      await waitFor('the workflows to load', () => api._test.loadedMs !== undefined, 20_000);
      assert.ok(api._test.baton.workflows.list().length > 0, 'Baton works as before');
      return;
    }
    const servers = provider.servers();
    assert.deepStrictEqual(servers.map((s) => [s.label, s.args[1], s.cwd]), [['Baton', 'mcp', workspacePath()]]);
    assert.match(servers[0]!.args[0]!, /dist[/\\]cli\.js$/);
  });

  test('VS Code lists it: started through its own MCP command, the tools appear to chat as mcp_baton_*', async function () {
    if (!hasMcpApi) return this.skip();
    this.timeout(60_000);
    const lm = vscode.lm as unknown as { tools: ReadonlyArray<{ name: string }>; invokeTool(name: string, options: { input: object; toolInvocationToken: undefined }): Thenable<{ content: Array<{ value?: string }> }> };
    const tools = await waitFor(
      "Baton's tools among VS Code's language-model tools",
      async () => {
        // The collection resolves lazily; starting '*' starts what VS Code knows by then.
        await vscode.commands.executeCommand('workbench.mcp.startServer', '*', { waitForLiveTools: true, autoTrustChanges: true }).then(undefined, () => undefined);
        const names = lm.tools.map((t) => t.name).filter((n) => n.startsWith('mcp_baton_'));
        return names.length > 0 ? names : undefined;
      },
      45_000,
    );
    for (const name of ['list_workflows', 'run_workflow', 'get_run', 'approve_step', 'wait_for_event']) assert.ok(tools.includes(`mcp_baton_${name}`), `${name} in ${tools.join(', ')}`);
    // And a chat calling one goes through VS Code's own MCP client to `baton mcp` in this workspace.
    const answer = await lm.invokeTool('mcp_baton_list_workflows', { input: {}, toolInvocationToken: undefined });
    const text = answer.content.map((c) => c.value ?? '').join('');
    const ids = (JSON.parse(text) as { workflows: Array<{ id?: string }> }).workflows.map((w) => w.id);
    assert.ok(ids.includes('quick'), `list_workflows through VS Code lists the workspace's workflows: ${ids.join(', ')}`);
  });
});
