/**
 * The host layer's public entry: what every front end (CLI, VS Code, MCP) composes from the
 * layers below. No `vscode` here.
 */
export { batonSecretVariables, eventLogPathOf, stepEnvironment, type FrontEnd, type HostContext } from './hostContext';
export { eventBusStatus, hasTeamBus, openEventBus, type OpenEventBusOptions } from './eventBusOf';
export type { BusStatus } from '../bus/index';
export { prepareRun, rerunHostedRun, resumeHostedRun, startHostedRun, type HostedRunOptions, type RerunHostedOptions, type StartHostedOptions } from './hostedRun';
export { requestApproval, requestCancel, requestRemoteApproval, requestRemoteCancel, type ApprovalRequestOptions, type CancelRequest } from './requests';
export { connectRun, slackFlushMs, type RunConnections } from './runConnections';
export { loadWorkflowAt, loadWorkflowsIn, parseWorkflowText } from './workflowFiles';
export { hostSecretSource, readSecretsFile, secretsFileVariable, secretVariablePrefix } from './secretSource';
export { lastFiredTick, nextTicks, type ScheduledTick } from './scheduleTimes';
export { runInProcess, watchSchedules, watchTriggers, type InProcessTriggerOptions, type ScheduleWatchOptions, type WatchOptions } from './triggerWatcher';
/** Front ends reach Slack only through the host; the Set Slack Webhook URL command checks a URL before storing it. */
export { checkWebhookUrl } from '../slack/index';
export { followFile, type FollowOptions } from './fileFollower';
export { buildConsoleModel, RunConsoleBuilder, type ConsoleActions, type ConsoleApproval, type ConsoleAttempt, type ConsoleModel, type ConsoleNode, type ConsoleStep, type ConsoleTrigger, type ConsoleWait } from './runConsoleModel';
export { followRun, type RunFollowOptions } from './runFollower';
export { followRunOutput, type RunOutputOptions } from './runOutputFollower';
export { connectSlackButtons, slackDecider, type SlackButtonsOptions } from './slackButtons';
