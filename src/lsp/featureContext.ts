import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ActionDefinition, ActionRegistry, RunState } from '../core/index';
import type { StepDeclaration, WorkflowOutline } from './workflowOutline';

/** What every editor feature reads about one open workflow document. */
export interface FeatureContext {
  document: TextDocument;
  outline: WorkflowOutline;
  actions: ActionRegistry;
  /** Accepted by name without a definition (`vscode_task` outside VS Code). */
  extraActionNames: readonly string[];
  /** The newest run of this workflow, if any (read lazily). */
  lastRun(): RunState | undefined;
  /** Secret names the server can know (never values): `BATON_SECRET_*` of its environment. */
  secretNames: readonly string[];
}

/** The step whose item contains the offset (while typing, the last step that starts before it). */
export function stepAt(outline: WorkflowOutline, offset: number): StepDeclaration | undefined {
  let found: StepDeclaration | undefined;
  for (const step of outline.steps) if (step.span.start <= offset) found = step;
  return found && (found.span.end >= offset || found === outline.steps.at(-1)) ? found : undefined;
}

/** The steps a step may read (`steps.<id>`): those it needs, directly or through others; no `needs:` means the step before. */
export function readableSteps(outline: WorkflowOutline, step: StepDeclaration | undefined): StepDeclaration[] {
  if (!step) return outline.steps;
  const byId = new Map(outline.steps.map((s) => [s.id, s]));
  const direct = (s: StepDeclaration): string[] => (s.needsWritten ? s.needs.map((n) => n.id) : s.index > 0 && outline.steps[s.index - 1] ? [outline.steps[s.index - 1]!.id] : []);
  const seen = new Set<string>();
  const queue = direct(step);
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (seen.has(id) || id === step.id) continue;
    seen.add(id);
    const next = byId.get(id);
    if (next) queue.push(...direct(next));
  }
  return outline.steps.filter((s) => seen.has(s.id));
}

/** The output keys a step is known to set: what its action declares, else what its last run produced. */
export function outputKeys(ctx: FeatureContext, step: StepDeclaration): string[] {
  const declared = step.action ? ctx.actions.get(step.action)?.outputs : undefined;
  if (Array.isArray(declared)) return [...declared];
  const last = ctx.lastRun()?.steps.find((s) => s.id === step.id);
  return last ? Object.keys(last.outputs) : [];
}

/** Markdown describing an action: its description, params and outputs. */
export function actionMarkdown(definition: ActionDefinition | undefined, name: string): string {
  if (!definition) return `**${name}**: an action known only inside VS Code.`;
  const lines = [`**action \`${name}\`**`, ''];
  if (definition.description) lines.push(definition.description, '');
  const schema = definition.paramsSchema as { properties?: Record<string, { type?: unknown; description?: string }>; required?: string[] } | undefined;
  const params = Object.entries(schema?.properties ?? {});
  if (params.length > 0) {
    lines.push('Params:');
    for (const [key, p] of params) lines.push(`- \`${key}\`${schema?.required?.includes(key) ? ' (required)' : ''}${p.type ? `: ${JSON.stringify(p.type)}` : ''}${p.description ? ` — ${p.description}` : ''}`);
    lines.push('');
  }
  const outputs = definition.outputs;
  lines.push(Array.isArray(outputs) ? (outputs.length ? `Outputs: ${outputs.map((o) => `\`${o}\``).join(', ')}` : 'Sets no outputs.') : 'Outputs: whatever the run sets.');
  return lines.join('\n');
}
