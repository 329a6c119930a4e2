import * as assert from 'node:assert';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
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

  test('the contributed definition starts a server that answers as an assistant would use it', async function () {
    if (!hasMcpApi) return this.skip();
    const [server] = (await batonApi())._test.mcpServers.servers();
    assert.ok(server);
    const client = new Client({ name: 'vscode-test', version: '1' });
    await client.connect(new StdioClientTransport({ command: server.command, args: server.args, cwd: server.cwd, env: { ...(process.env as Record<string, string>), ...server.env }, stderr: 'pipe' }));
    try {
      const answer = await client.callTool({ name: 'list_workflows', arguments: {} });
      const ids = (answer.structuredContent as { workflows: Array<{ id?: string }> }).workflows.map((w) => w.id);
      assert.ok(ids.includes('quick'), `list_workflows lists the workspace's workflows: ${ids.join(', ')}`);
    } finally {
      await client.close();
    }
  });
});
