import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import { expressionFunctions } from '../core/index';
import { actionMarkdown, outputKeys, type FeatureContext } from './featureContext';
import { describe, schemaAt, type SchemaNode } from './schemaLookup';
import type { Span, StepDeclaration } from './workflowOutline';

/** Hover: the schema's description of a key, an action's params and outputs, a step's last result, an input's default. */
export function hoverAt(ctx: FeatureContext, position: Position): Hover | null {
  const offset = ctx.document.offsetAt(position);
  const { outline } = ctx;
  const hover = (value: string, span?: Span): Hover => ({ contents: { kind: MarkupKind.Markdown, value }, ...(span ? { range: { start: ctx.document.positionAt(span.start), end: ctx.document.positionAt(span.end) } } : {}) });

  const reference = outline.references.find((r) => r.readStart <= offset && offset <= r.end);
  if (reference) {
    if (reference.context === 'steps' || reference.context === 'needs') {
      const step = outline.steps.find((s) => s.id.toLowerCase() === reference.name.toLowerCase());
      return step ? hover(stepMarkdown(ctx, step), reference) : null;
    }
    if (reference.context === 'inputs') {
      const input = outline.inputs.find((i) => i.name === reference.name);
      return input ? hover(`**input \`${input.name}\`**${input.default !== undefined ? `\n\ndefault: \`${String(input.default)}\`` : ''}`, reference) : null;
    }
    if (reference.context === 'secrets') return hover(`**secret \`${reference.name}\`**\n\nResolved when the step starts; its value is masked as \`***\` everywhere.`, reference);
    return null;
  }
  const fn = functionAt(ctx, offset);
  if (fn) return hover(fn.description, fn.span);

  const found = outline.pathAt(offset);
  if (!found || !found.node?.range) return null;
  const { path, node } = found;
  const span = { start: node.range![0], end: node.range![1] };
  const stepIndex = path[0] === 'steps' && typeof path[1] === 'number' ? path[1] : undefined;
  const step = stepIndex === undefined ? undefined : outline.steps.find((s) => s.index === stepIndex);
  if (found.onKey) {
    if (step && path[2] === 'params' && path.length === 4) {
      const schema = step.action ? (ctx.actions.get(step.action)?.paramsSchema as SchemaNode | undefined) : undefined;
      const text = describe(schemaAt([String(path[3])], schema ?? {})) ?? (step.action ? `a param of \`${step.action}\`` : undefined);
      return text ? hover(text, span) : null;
    }
    const text = describe(schemaAt(path.map((p) => (typeof p === 'number' ? '[]' : p))));
    return text ? hover(text, span) : null;
  }
  if (step && path.length === 3 && path[2] === 'action' && step.action) return hover(actionMarkdown(ctx.actions.get(step.action), step.action), span);
  if (step && path[2] === 'needs') {
    const target = outline.steps.find((s) => s.id === String((node as { value?: unknown }).value));
    return target ? hover(stepMarkdown(ctx, target), span) : null;
  }
  if (step && path.length === 3 && (path[2] === 'id' || path[2] === 'name')) return hover(stepMarkdown(ctx, step), span);
  return null;
}

/** A step in a few lines: id, action, what it needs, its outputs and its last run's result. */
export function stepMarkdown(ctx: FeatureContext, step: StepDeclaration): string {
  const lines = [`**step \`${step.id}\`**${step.name && step.name !== step.id ? ` — ${step.name}` : ''}`, ''];
  if (step.action) lines.push(`action \`${step.action}\``);
  if (step.needs.length > 0) lines.push(`needs ${step.needs.map((n) => `\`${n.id}\``).join(', ')}`);
  const keys = outputKeys(ctx, step);
  if (keys.length > 0) lines.push(`outputs ${keys.map((k) => `\`${k}\``).join(', ')}`);
  const run = ctx.lastRun();
  const last = run?.steps.find((s) => s.id === step.id);
  if (run && last) {
    lines.push('', `Last run \`${run.runId}\`: **${last.status}**${last.endedAt ? ` at ${last.endedAt}` : ''}`);
    const outputs = Object.entries(last.outputs);
    for (const [key, value] of outputs.slice(0, 10)) lines.push(`- \`${key}\` = \`${truncate(JSON.stringify(value))}\``);
    if (last.error) lines.push(`- error: ${truncate(last.error)}`);
  }
  return lines.join('\n\n').replace(/\n\n- /g, '\n- ');
}

function truncate(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** An expression function name under the cursor (`contains(`), inside `${{ }}` or `if:`. */
function functionAt(ctx: FeatureContext, offset: number): { description: string; span: Span } | undefined {
  if (!ctx.outline.expressions.some((r) => r.start <= offset && offset <= r.end)) return undefined;
  const text = ctx.document.getText();
  let start = offset;
  while (start > 0 && /[A-Za-z]/.test(text[start - 1]!)) start--;
  let end = offset;
  while (end < text.length && /[A-Za-z]/.test(text[end]!)) end++;
  if (text[end] !== '(' || start === end) return undefined;
  const word = text.slice(start, end).toLowerCase();
  const fn = expressionFunctions.find((f) => f.name.toLowerCase() === word);
  return fn ? { description: fn.description, span: { start, end } } : undefined;
}
