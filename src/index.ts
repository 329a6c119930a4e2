/**
 * Baton as a library: the core (load, validate, run, resume, registerAction) and the shared
 * event log for programs (emitEvent, withProcessEvents, the original convenience emitters).
 */
// The shipped declarations use Node's types (Buffer, NodeJS.ProcessEnv): say so, so a consumer
// compiles without listing "node" in its own `types`.
/// <reference types="node" preserve="true" />
export * from './core/index';
export { emitEvent, emitMcpToolCompleted, emitSynthesisCompleted, emitTestCompleted, withProcessEvents, type EmitOptions } from './events/emitters';
export { createEvent, type BatonEvent } from './events/event';
export { tailEventLog, type EventLogTailer, type TailOptions } from './events/logTailer';
export { SharedLog } from './events/sharedLog';
export { SlackNotifier } from './slack/index';
