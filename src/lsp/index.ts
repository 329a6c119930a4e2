/** The language server's public entry: what `baton lsp` and the VS Code client use. */
export { runServer } from './main';
export { serveWorkflows, toLsp, type WorkflowServerOptions } from './workflowServer';
export { actionsNotification, lspCommands, type ActionDeclaration, type ActionsParams, type InitializationOptions } from './protocol';
