/**
 * `baton mcp --config claude|cursor|vscode`: the exact snippet for `.mcp.json` (Claude Code),
 * `.cursor/mcp.json` (Cursor) and `.vscode/mcp.json` (VS Code). Each starts `baton mcp` in the
 * project folder: Claude Code starts servers there; Cursor and VS Code are told with their
 * `${workspaceFolder}` variable.
 */
export const configKinds = ['claude', 'cursor', 'vscode'] as const;
export type ConfigKind = (typeof configKinds)[number];

export function configSnippet(kind: ConfigKind): { file: string; text: string } {
  const snippet =
    kind === 'claude'
      ? { file: '.mcp.json', value: { mcpServers: { baton: { command: 'baton', args: ['mcp'] } } } }
      : kind === 'cursor'
        ? { file: '.cursor/mcp.json', value: { mcpServers: { baton: { command: 'baton', args: ['mcp', '--cwd', '${workspaceFolder}'] } } } }
        : { file: '.vscode/mcp.json', value: { servers: { baton: { type: 'stdio', command: 'baton', args: ['mcp', '--cwd', '${workspaceFolder}'] } } } };
  return { file: snippet.file, text: `${JSON.stringify(snippet.value, null, 2)}\n` };
}
