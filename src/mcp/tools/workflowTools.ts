/** list_workflows, validate_workflow, run_workflow: the workflow files of the served folder. */
import { relative, sep } from 'node:path';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { formatDiagnostic, hasErrors, statUserFile, type Diagnostic, type LoadedWorkflow } from '../../core/index';
import { loadWorkflowAt, loadWorkflowsIn, parseWorkflowText, startHostedRun } from '../../host/index';
import { capText } from '../capText';
import { pathInRoot } from '../rootPath';
import { startAndWait } from '../runWait';
import type { Session } from '../session';
import { answer, ToolFailure } from '../toolResult';
import { inputsSchema, stringInputs, waitSchema } from './schemas';

/** Diagnostics listed per answer. @default 100 */
const maxDiagnostics = 100;

export function registerWorkflowTools(server: McpServer, session: Session): void {
  const shown = (file: string) => relative(session.root, file).split(sep).join('/');

  server.registerTool(
    'list_workflows',
    {
      title: 'List workflows',
      description:
        'The workflows of this folder (files matching workflows/**/*.{yaml,yml} and **/*.workflow.{yaml,yml}): id, name, description, file, steps, inputs with their defaults, triggers, and whether the file is valid. Pass an id or file to run_workflow.',
      inputSchema: {},
      annotations: { readOnlyHint: true },
    },
    () =>
      answer(() => ({
        workflows: loadWorkflowsIn(session.root, session.context.env).map((loaded) => {
          const w = loaded.workflow;
          const errors = loaded.diagnostics.filter((d) => d.severity === 'error').length;
          return w
            ? {
                id: w.id,
                name: w.name,
                ...(w.description ? { description: w.description } : {}),
                file: shown(loaded.file),
                valid: true,
                steps: w.steps.map((s) => ({ id: s.id, name: s.name, action: s.action, ...(s.requiresApproval ? { requires_approval: true } : {}) })),
                inputs: w.inputs,
                triggers: { events: w.on.events.map((e) => e.type), save: w.on.save },
              }
            : { file: shown(loaded.file), valid: false, errors, first_error: loaded.diagnostics[0] ? formatDiagnostic({ ...loaded.diagnostics[0], file: shown(loaded.file) }) : undefined };
        }),
      })),
  );

  server.registerTool(
    'validate_workflow',
    {
      title: 'Validate a workflow',
      description:
        'Checks a workflow file (path, inside this folder) or workflow YAML text you are about to write (text): syntax, schema and meaning, as `baton validate` does. Answers valid and each diagnostic with line:column, so you can fix the exact spot.',
      inputSchema: {
        path: z.string().min(1).optional().describe('A workflow file, relative to the served folder'),
        text: z.string().max(2 * 1024 * 1024).optional().describe('Workflow YAML text (instead of path)'),
      },
      annotations: { readOnlyHint: true },
    },
    ({ path, text }) =>
      answer(() => {
        if ((path === undefined) === (text === undefined)) throw new ToolFailure('usage', 'give either path or text');
        const loaded = path !== undefined ? loadFile(session, path) : parseWorkflowText(text!, 'workflow.yaml', session.context.env);
        const name = path ?? '<text>';
        return {
          valid: !hasErrors(loaded.diagnostics),
          ...(loaded.workflow ? { id: loaded.workflow.id, steps: loaded.workflow.steps.length } : {}),
          diagnostics: loaded.diagnostics.slice(0, maxDiagnostics).map((d) => diagnosticView(d, name)),
          ...(loaded.diagnostics.length > maxDiagnostics ? { diagnostics_omitted: loaded.diagnostics.length - maxDiagnostics } : {}),
        };
      }),
  );

  server.registerTool(
    'run_workflow',
    {
      title: 'Run a workflow',
      description:
        'Starts a workflow (by id from list_workflows, or a file inside this folder) with inputs, and waits up to wait_seconds: the answer comes when the run ends, pauses for an approval (then call approve_step: your user decides), or the wait is over (the run goes on; follow it with get_run). The answer is the run as get_run gives it, plus finished and waited_for.',
      inputSchema: {
        workflow: z.string().min(1).describe('A workflow id (see list_workflows) or a workflow file relative to the served folder'),
        inputs: inputsSchema,
        wait_seconds: waitSchema,
      },
    },
    ({ workflow, inputs, wait_seconds }, extra) =>
      answer(() => {
        const loaded = findWorkflow(session, workflow);
        if (!loaded.workflow || hasErrors(loaded.diagnostics)) {
          const lines = loaded.diagnostics.filter((d) => d.severity === 'error').slice(0, 20).map((d) => formatDiagnostic({ ...d, file: shown(loaded.file) }));
          throw new ToolFailure('invalid_workflow', capText(`${shown(loaded.file)} is not a valid workflow, nothing ran:\n${lines.join('\n')}`).text);
        }
        const runnable = loaded.workflow;
        const given = stringInputs(inputs, Object.keys(runnable.inputs));
        return startAndWait(
          session,
          (listeners) =>
            startHostedRun(session.context, {
              cwd: session.root,
              workflow: runnable,
              source: loaded.source,
              file: loaded.file,
              inputs: given,
              startedBy: session.requester,
              listeners,
              signal: session.signal,
            }),
          wait_seconds,
          extra.signal,
        );
      }),
  );
}

/** An id among the folder's workflows, else a file inside the folder. */
function findWorkflow(session: Session, workflow: string): LoadedWorkflow {
  const all = loadWorkflowsIn(session.root, session.context.env);
  const byId = all.find((w) => w.workflow?.id === workflow);
  if (byId) return byId;
  if (/\.ya?ml$/i.test(workflow) || workflow.includes('/')) return loadFile(session, workflow);
  const ids = all.flatMap((w) => (w.workflow ? [w.workflow.id] : []));
  throw new ToolFailure('not_found', `no workflow '${workflow}' in ${session.root}; workflows: ${ids.length ? ids.join(', ') : 'none (see list_workflows)'}`);
}

function loadFile(session: Session, path: string): LoadedWorkflow {
  const file = pathInRoot(session.root, path);
  statUserFile(file, path); // missing, a folder, no permission: one message
  return loadWorkflowAt(file, session.context.env);
}

function diagnosticView(d: Diagnostic, file: string) {
  return {
    severity: d.severity,
    code: d.code,
    message: d.message,
    line: d.range.start.line,
    column: d.range.start.col,
    end_line: d.range.end.line,
    end_column: d.range.end.col,
    text: formatDiagnostic({ ...d, file }),
  };
}
