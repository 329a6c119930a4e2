/**
 * The events layer's public entry: the shared event log (CloudEvents lines, append, rotate, tail),
 * event filters, triggers and claims. Other layers (host, the front ends, the library entry)
 * import from here, never from a file of this folder.
 */
export { claimScheduleTick, claimTrigger, lastClaimedTick, pruneClaims, type PruneClaimsOptions } from './claims';
export { emitEvent, emitMcpToolCompleted, emitSynthesisCompleted, emitTestCompleted, withProcessEvents, type EmitOptions } from './emitters';
export { createEvent, defaultSource, parseEventLine, validateEventObject, type BatonEvent, type CreateEventOptions, type EventLineError, type ParsedEventLine } from './event';
export { fileEventBus, FileEventBus, type EventBus, type FileEventBusOptions } from './eventBus';
export { appendEvent, EventLog, rotatedPath, type AppendResult, type EventLogOptions } from './eventLog';
export { tryLock, type FileLockOptions, type HeldLock } from './fileLock';
export { createIngressServer, type IngressOptions } from './httpIngress';
export { ensureEventLogFile, eventLogFileName, resolveEventLogPath, type EventLogPathOptions } from './logPath';
export { tailEventLog, type BadLine, type EventLogTailer, type LineLocation, type TailOptions, type TailPosition } from './logTailer';
export { compileFilter, matchesEvent, readPath, type EventFilter, type EventPredicate } from './match';
export { SharedLog, type CausalChain, type SharedLogOptions } from './sharedLog';
export { chainFrom, describeDecision, TriggerRunner, type TriggerDecision, type TriggeredRun, type TriggerRunnerOptions, type TriggerTarget } from './triggerRunner';
export { describeScheduleDecision, ScheduleRunner, scheduleFiredType, type ScheduleDecision, type ScheduleFiredData, type ScheduleRunnerOptions } from './scheduleRunner';
export { TriggeredRuns } from './triggeredRuns';
