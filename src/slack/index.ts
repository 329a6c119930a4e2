/**
 * The Slack notifier: the one entry the CLI and the extension import. Everything else in this
 * folder is an implementation detail.
 */
export { SlackNotifier } from './notifier';
export { slackRetryDefaults, type SlackFailure, type SlackFailureKind, type SlackLogger, type SlackNotifierOptions, type SlackNotifierStats } from './notifierOptions';
export { checkWebhookUrl } from './webhookUrl';
export { fromCloudEvent, fromLifecycleEvent } from './slackInput';
export type { CloudEventLike, SlackInput } from './slackInput';
export { defaultSlackTypes, compileTypeFilter } from './policy';
export { buildMessage } from './messages';
export { buildExplicitMessage, buildDroppedSummary, toMessageLevel } from './explicitMessage';
export type { ExplicitMessageOptions, MessageLevel } from './explicitMessage';
export type { SlackPayload, Block } from './blocks';
export { blockKitLimits, blockTextLength } from './blockKitLimits';
export { redactWebhook } from './redact';
export type { OutboxRecord } from './outbox';
export { SlackAppNotifier, type SlackAppNotifierOptions, type SlackThread } from './appNotifier';
export { slackAppSecretVariables, slackAppSettingsFrom, type SlackAppSettings } from './appSettings';
export { createTokenRedactor } from './redact';
export { approveActionId, rejectActionId, parseButtonValue, slackUserOf } from './liveMessage';
export { ApprovalSocket, type ApprovalClick, type ApprovalSocketOptions, type ClickVerdict } from './approvalSocket';
