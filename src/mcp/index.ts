/**
 * The MCP server's public entry (`baton mcp`), built into its own bundle (dist/mcp.js) so the SDK
 * is loaded only by `baton mcp`, not by every `baton` command.
 */
export { configKinds, configSnippet, type ConfigKind } from './configSnippet';
export { serveMcp, type ServeOptions } from './serveMcp';
