/** get_run, list_runs, cancel_run, resume_run, rerun_run: a run by id (any unique prefix, or `last`). */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { findRun, isFinished, listRunIds, readRun, type RunSummary } from '../../core/index';
import { requestCancel, rerunHostedRun, resumeHostedRun } from '../../host/index';
import { runLine, runView } from '../runView';
import { startAndWait } from '../runWait';
import type { Session } from '../session';
import { answer, ToolFailure } from '../toolResult';
import { inputsSchema, runIdSchema, stringInputs, waitSchema } from './schemas';

export function registerRunTools(server: McpServer, session: Session): void {
  const stateDir = session.context.stateDir;

  server.registerTool(
    'get_run',
    {
      title: 'Get a run',
      description:
        "A run's state: status (running, paused = waiting for approval, completed, failed, cancelled), each step with status, attempts, duration and outputs, the approvals it waits for, and the last 8 KiB of the failed or current step's log. Use after run_workflow to follow a run; the full log is the resource in log_tail.resource.",
      inputSchema: { run_id: runIdSchema },
      annotations: { readOnlyHint: true },
    },
    ({ run_id }) => answer(() => runView(stateDir, readRun(stateDir, findRun(stateDir, run_id)), { logTail: true })),
  );

  server.registerTool(
    'list_runs',
    {
      title: 'List runs',
      description: 'Recent runs of this folder, newest first, started from anywhere (this assistant, the CLI, VS Code, a trigger). Filter by workflow id or status.',
      inputSchema: {
        limit: z.number().int().min(1).max(200).default(20).describe('How many runs, newest first'),
        workflow: z.string().optional().describe('Only runs of this workflow id'),
        status: z.enum(['running', 'paused', 'completed', 'failed', 'cancelled']).optional().describe('Only runs with this status'),
      },
      annotations: { readOnlyHint: true },
    },
    ({ limit, workflow, status }) =>
      answer(() => {
        const runs: RunSummary[] = [];
        for (const id of listRunIds(stateDir).reverse()) {
          if (runs.length >= limit) break;
          let run: RunSummary;
          try {
            run = readRun(stateDir, id);
          } catch {
            continue; // a run folder without readable records: not a run to show
          }
          if ((workflow === undefined || run.workflowId === workflow) && (status === undefined || run.status === status)) runs.push(run);
        }
        return { runs: runs.map(runLine) };
      }),
  );

  server.registerTool(
    'cancel_run',
    {
      title: 'Cancel a run',
      description: 'Cancels a running or paused run, wherever it runs: its process stops the current step within a second and skips the rest. A finished run cannot be cancelled (a tool error says so).',
      inputSchema: { run_id: runIdSchema, reason: z.string().max(500).optional().describe('Why, shown in the run and the log') },
      annotations: { destructiveHint: true },
    },
    ({ run_id, reason }) =>
      answer(async () => {
        const runId = findRun(stateDir, run_id);
        const outcome = requestCancel(session.context, { runId, ...(reason ? { reason } : {}) });
        if (outcome === 'already_finished') throw new ToolFailure('already_finished', `run ${runId} is already ${readRun(stateDir, runId).status}; there is nothing to cancel`);
        // A run of this process: answer once it has stopped, so the status is final.
        const own = session.runs.get(runId);
        if (own) await Promise.race([own.result, new Promise((r) => setTimeout(r, 5000).unref())]);
        const run = readRun(stateDir, runId);
        return { run_id: runId, outcome, status: run.status, stopped: isFinished(run.status) };
      }),
  );

  server.registerTool(
    'resume_run',
    {
      title: 'Resume a run',
      description:
        'Continues a failed, cancelled or interrupted run in this server: completed steps are never run again, a failed step runs again. Waits like run_workflow (until it ends, pauses for approval, or wait_seconds pass). A completed run, or one another process still runs, is refused.',
      inputSchema: { run_id: runIdSchema, wait_seconds: waitSchema },
    },
    ({ run_id, wait_seconds }, extra) =>
      answer(() => {
        const runId = findRun(stateDir, run_id);
        return startAndWait(session, (listeners) => resumeHostedRun(session.context, { runId, cwd: session.root, listeners, signal: session.signal }), wait_seconds, extra.signal);
      }),
  );

  server.registerTool(
    'rerun_run',
    {
      title: 'Re-run a run',
      description:
        "Starts a new run of an old run's workflow snapshot. failed=true re-runs only the failed, skipped and cancelled steps (and what needs them); from=<step id> re-runs that step and everything after it; neither re-runs all. Steps not re-run keep their results (reused_from). Waits like run_workflow.",
      inputSchema: {
        run_id: runIdSchema,
        failed: z.boolean().optional().describe('Re-run only the failed, skipped and cancelled steps'),
        from: z.string().optional().describe('Re-run this step and everything downstream of it'),
        inputs: inputsSchema,
        wait_seconds: waitSchema,
      },
    },
    ({ run_id, failed, from, inputs, wait_seconds }, extra) =>
      answer(() => {
        if (failed && from !== undefined) throw new ToolFailure('usage', 'give failed or from, not both');
        const of = findRun(stateDir, run_id);
        const old = readRun(stateDir, of);
        const given = stringInputs(inputs, Object.keys(old.inputs));
        const select = from !== undefined ? { kind: 'from' as const, stepId: from } : failed ? { kind: 'failed' as const } : { kind: 'all' as const };
        return startAndWait(
          session,
          (listeners) => rerunHostedRun(session.context, { of, select, inputs: given, cwd: session.root, listeners, signal: session.signal, startedBy: session.requester }),
          wait_seconds,
          extra.signal,
        );
      }),
  );
}

