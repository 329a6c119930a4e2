/**
 * approve_step: a human decides. The question goes to the user through MCP elicitation and only
 * their answer is acted on; the assistant's own opinion (`decision`) counts only when the server
 * was started with --allow-assistant-approvals and the client cannot ask. Who decided is journaled
 * as `mcp:<client name>` (with "(assistant)" when it was the assistant).
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { findRun, readRun } from '../../core/index';
import { requestApproval } from '../../host/index';
import type { Session } from '../session';
import { answer, ToolFailure } from '../toolResult';
import { runIdSchema } from './schemas';

export function registerApproveTool(server: McpServer, session: Session): void {
  const stateDir = session.context.stateDir;
  server.registerTool(
    'approve_step',
    {
      title: 'Ask the user to approve a step',
      description:
        "A step that waits for approval (get_run's waiting_approvals) is decided by your user, not by you: this asks them (approve or reject, with a reason) through the client and applies their answer to the run. Put what they should know in note. If the client cannot ask its user, this is refused unless the server was started with --allow-assistant-approvals (then decision is used).",
      inputSchema: {
        run_id: runIdSchema,
        step_id: z.string().optional().describe('The waiting step (default: the one step that waits)'),
        note: z.string().max(2000).optional().describe('What the user should know before deciding (shown in the question)'),
        decision: z.enum(['approve', 'reject']).optional().describe('Only with --allow-assistant-approvals and a client that cannot ask its user: your decision'),
      },
    },
    ({ run_id, step_id, note, decision }) =>
      answer(async () => {
        const runId = findRun(stateDir, run_id);
        const run = readRun(stateDir, runId);
        const step = step_id === undefined ? run.steps.find((s) => s.status === 'waiting_approval') : run.steps.find((s) => s.id === step_id);
        if (!step) {
          throw new ToolFailure(step_id === undefined ? 'not_waiting' : 'not_found', step_id === undefined ? `run ${runId} has no step waiting for approval (it is ${run.status})` : `run ${runId} has no step '${step_id}'; steps: ${run.steps.map((s) => s.id).join(', ')}`);
        }
        if (step.status !== 'waiting_approval') throw new ToolFailure('not_waiting', `step ${step.id} of run ${runId} is not waiting for approval (it is ${step.status})`);

        const canElicit = server.server.getClientCapabilities()?.elicitation !== undefined;
        let granted: boolean;
        let reason: string | undefined;
        let by = session.requester;
        if (canElicit) {
          const asked = await server.server.elicitInput({
            message: [`Baton: approve step '${step.name}' of workflow '${run.workflowName}' (run ${runId})?`, note ? `The assistant says: ${note}` : ''].filter(Boolean).join('\n\n'),
            requestedSchema: {
              type: 'object',
              properties: {
                decision: { type: 'string', title: 'Decision', enum: ['approve', 'reject'], enumNames: ['Approve', 'Reject'] },
                reason: { type: 'string', title: 'Reason (optional)' },
              },
              required: ['decision'],
            },
          });
          if (asked.action === 'cancel') throw new ToolFailure('no_decision', `your user dismissed the question without deciding; step ${step.id} still waits for approval`);
          // Declining the question is saying no.
          granted = asked.action === 'accept' && asked.content?.decision === 'approve';
          const said = typeof asked.content?.reason === 'string' && asked.content.reason.trim() !== '' ? asked.content.reason.trim() : undefined;
          reason = said ?? (asked.action === 'decline' ? 'declined in the assistant' : undefined);
        } else if (session.allowAssistantApprovals) {
          if (!decision) throw new ToolFailure('usage', 'this client cannot ask its user; give decision (approve or reject): the server allows assistant approvals');
          granted = decision === 'approve';
          reason = note;
          by = `${session.requester} (assistant)`;
        } else {
          throw new ToolFailure(
            'elicitation_unsupported',
            `this client cannot ask its user (no MCP elicitation), and approvals are for a human: approve in VS Code, with \`baton approve ${runId} --step ${step.id}\`, or start the server with --allow-assistant-approvals to let the assistant decide`,
          );
        }
        const outcome = requestApproval(session.context, { runId, stepId: step.id, granted, by, ...(reason ? { reason } : {}) });
        return { run_id: runId, step_id: outcome.stepId, decision: granted ? 'approved' : 'rejected', by, ...(reason ? { reason } : {}), applied_now: outcome.ownerAlive };
      }),
  );
}
