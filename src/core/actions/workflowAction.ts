import { dirname, resolve } from 'node:path';
import { BatonError, CancelledError } from '../errors';
import { newRunId } from '../runId';
import type { ActionDefinition, ActionOutputs } from './action';

/** How deep `action: workflow` calls may nest (a top-level run's child is 1). @default 5 */
export const maxCallDepth = 5;

/**
 * `action: workflow`: runs another workflow file as a child run (its own id, journal and views,
 * through the host's composition) and waits for it; the called file's `outputs:` become this
 * step's outputs. The child's id is journaled on this step before the child starts, so resuming
 * this run resumes that child — its completed steps are never run again — rather than starting
 * another; cancelling this step cancels the child.
 */
export const workflowAction: ActionDefinition = {
  name: 'workflow',
  description: "Run another workflow file (path relative to this one) as a child run and wait for it; its top-level `outputs:` become this step's outputs.",
  outputs: 'any',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['path'],
    properties: {
      path: { type: 'string', minLength: 1 },
      inputs: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
    },
  },
  async run(params, ctx) {
    if (!ctx.host.runWorkflow) throw new BatonError('step_failed', 'workflow: this host cannot start child runs');
    const depth = (ctx.state.parent?.depth ?? 0) + 1;
    if (depth > maxCallDepth) {
      throw new BatonError('call_depth', `workflow: calls nest deeper than ${maxCallDepth} (this run is ${depth - 1} calls deep); does a file call itself through others?`);
    }
    const path = String(params.path);
    // Relative to the calling file, as an import is; a run started without a file (the library) resolves from its cwd.
    const file = resolve(ctx.state.file ? dirname(ctx.state.file) : ctx.cwd, path);
    const inputs = Object.fromEntries(Object.entries((params.inputs ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
    const earlier = ctx.state.steps.find((s) => s.id === ctx.step.id)?.childRunId;
    const runId = earlier ?? newRunId(ctx.clock.now());
    if (!earlier) await ctx.noteChildRun(runId, file);
    ctx.output(`${earlier ? 'continuing' : 'calling'} ${path} as run ${runId}\n`);
    const result = await ctx.host.runWorkflow({ file, inputs, runId, parent: { runId: ctx.runId, stepId: ctx.step.id, depth }, signal: ctx.signal });
    if (result.status === 'completed') {
      ctx.output(`run ${runId} completed\n`);
      return toOutputs(result.outputs);
    }
    if (ctx.signal.aborted) throw new CancelledError();
    // Retryable: a retry continues the same child at the step it failed (completed steps stay done).
    throw new BatonError('child_failed', `run ${runId} (${path}) ${result.status}${result.error ? `: ${result.error}` : ''}`, { retryable: true });
  },
};

function toOutputs(values: Record<string, unknown>): ActionOutputs {
  const out: ActionOutputs = {};
  for (const [key, value] of Object.entries(values)) out[key] = value === null || ['string', 'number', 'boolean'].includes(typeof value) ? (value as string) : JSON.stringify(value);
  return out;
}
