/**
 * The Slack notifier: the one entry the CLI and the extension import. Everything else in this
 * folder is an implementation detail.
 */
export { SlackNotifier, checkWebhookUrl, slackRetryDefaults } from './notifier';
export type { SlackFailure, SlackFailureKind, SlackLogger, SlackNotifierOptions, SlackNotifierStats } from './notifier';
export { fromCloudEvent, fromLifecycleEvent } from './slackInput';
export type { CloudEventLike, SlackInput } from './slackInput';
export { defaultSlackTypes, compileTypeFilter } from './policy';
export { buildMessage } from './messages';
export { buildExplicitMessage, buildDroppedSummary, toMessageLevel } from './explicitMessage';
export type { ExplicitMessageOptions, MessageLevel } from './explicitMessage';
export type { SlackPayload, Block } from './blocks';
export { slackLimits, blockTextLength } from './limits';
export { redactWebhook } from './redact';
export type { OutboxRecord } from './outbox';
