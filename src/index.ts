/**
 * Baton as a library: the core (load, validate, run, resume, registerAction) and the shared
 * event log for programs (emitEvent, withProcessEvents, the original convenience emitters).
 */
// The shipped declarations use Node's types (Buffer, NodeJS.ProcessEnv): say so, so a consumer
// compiles without listing "node" in its own `types`.
/// <reference types="node" preserve="true" />
export * from './core/index';
export { createEvent, emitEvent, emitMcpToolCompleted, emitSynthesisCompleted, emitTestCompleted, SharedLog, tailEventLog, withProcessEvents, type BatonEvent, type EmitOptions, type EventLogTailer, type TailOptions } from './events/index';
export { SlackNotifier } from './slack/index';
