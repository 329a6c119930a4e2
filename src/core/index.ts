/**
 * Baton's library entry: load and validate workflows, run and resume them, register actions.
 * Everything here runs under plain Node; the VS Code extension and the CLI are built on it.
 */
export type { ActionContext, ActionDefinition, ActionHandler, ActionHost, ActionOutputs, ChildRunRequest, ChildRunResult } from './actions/action';
export { maxCallDepth } from './actions/workflowAction';
export { ActionRegistry, builtinActions, createActionRegistry, editorOnlyActionNames } from './actions/actionRegistry';
export { defaultActions, registerAction } from './actions/defaultActions';
export { prestartSpawner } from './actions/shellSpawner';
export type { ApprovalDecision, ApprovalRequest, Approver } from './approvalGate';
export { backgroundSleep, systemClock, type Clock } from './clock';
export { formatDiagnostic, hasErrors, schemaKeywords, type Diagnostic, type DiagnosticCode, type Position, type Range, type SchemaKeyword } from './diagnostic';
export { resumeRun, startRun, type RunHandle, type RunOptions, type RunResult, type StartOptions } from './engine';
export { decisionText } from './decisionText';
export { BatonError, CancelledError, StepTimeoutError, errorMessage, isBatonError, type BatonErrorCode } from './errors';
export { fileError, isDiskFull, readUserFile, statUserFile } from './fileErrors';
export { isLifecycleType, LifecycleHub, lifecycleTypes, type ApprovalInfo, type DecisionInfo, type LifecycleEvent, type LifecycleListener, type LifecyclePayloads, type LifecycleRecord, type LifecycleType, type ParentRef, type RunEndSummary, type InstancePlan, type StepPlan, type StepResult } from './lifecycle';
export { ListenerSet } from './listenerSet';
export { defaultsFromEnv, type WorkflowDefaults } from './buildWorkflow';
export { defaultIdFor, loadWorkflowFile, maxWorkflowBytes, parseWorkflow, type LoadOptions, type LoadedWorkflow } from './loadWorkflow';
export { ensurePrivateDir, ensureStateDir } from './privateFiles';
export { appendControl, type ControlRecord } from './runControl';
export { readJournal } from './runJournal';
export { newRunId, runIdPattern } from './runId';
export { cancelRun, decideApproval, requesterName, type ApprovalOutcome, type CancelOutcome } from './runRequests';
export { foldRun, isFinished, RunStateBuilder, type RunState, type RunStatus, type StepState, type StepStatus } from './runState';
export { instanceCounts, runsInOrder, stepGroups, type StepGroup } from './stepGroups';
export { findRun, isOwnerAlive, listRunIds, readOwner, readRun, resolveStateDir, runPaths, type OwnerInfo, type RunSummary } from './runStore';
export { canRetry, maxAttempts, retryDefaults, retryDelayMs, retryPolicy, type RetryPolicy } from './retryPolicy';
export { slugify, type EventFilter, type Schedule, type Step, type Workflow } from './workflowModel';
export { cronProblem, isTimeZone, nextScheduledTime, nextScheduledTimes, previousScheduledTime, type CronProblem } from './cronSchedule';

export { expressionContexts, expressionFunctions, statusFunctionNames } from './expressionSyntax';
export { formatDuration, type DurationFormat } from './formatDuration';
export { globToRegExp, type GlobOptions } from './glob';
export { defaultWorkflowGlobs, findWorkflowFiles } from './workflowFiles';
export { expandMatrix, matrixInstances, maxMatrixInstances, type Combination, type MatrixInstance, type MatrixSpec } from './matrix';
export { rerunRun, selectSteps, type RerunOptions, type RerunSelection } from './rerun';
export { resolveSecrets, secretNamePattern, secretNamesRead, type SecretSource } from './secrets';
