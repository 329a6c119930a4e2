import { CompletionItemKind, MarkupKind, type CompletionItem, type Position } from 'vscode-languageserver';
import { expressionContexts, expressionFunctions } from '../core/index';
import { cursorContext, type CursorContext } from './cursorContext';
import { actionMarkdown, outputKeys, readableSteps, stepAt, type FeatureContext } from './featureContext';
import { describe, schemaAt, schemaKeys, schemaValues, type SchemaNode } from './schemaLookup';
import type { Span, StepDeclaration } from './workflowOutline';

const runFields = ['id', 'workflow_id', 'workflow_name'];

/** Completion at a position: keys from the schema, values, action names, step ids in `needs`, and everything an expression can read. */
export function completionsAt(ctx: FeatureContext, position: Position): CompletionItem[] {
  const text = ctx.document.getText();
  const offset = ctx.document.offsetAt(position);
  const at = cursorContext(text, (line) => ctx.document.offsetAt({ line, character: 0 }), position.line, position.character);
  if (!at) return [];
  const step = stepAt(ctx.outline, offset);
  const item = (label: string, kind: CompletionItemKind, detail?: string, doc?: string, insert = label): CompletionItem => ({
    label,
    kind,
    ...(detail ? { detail } : {}),
    ...(doc ? { documentation: { kind: MarkupKind.Markdown, value: doc } } : {}),
    textEdit: { range: rangeOf(ctx, at.replace), newText: insert },
  });
  switch (at.kind) {
    case 'expression':
      return expressionCompletions(ctx, at, step, item);
    case 'key':
      return keyCompletions(ctx, at, step, item);
    case 'value':
      return valueCompletions(ctx, at, step, item);
  }
}

type Item = (label: string, kind: CompletionItemKind, detail?: string, doc?: string, insert?: string) => CompletionItem;

function rangeOf(ctx: FeatureContext, span: Span) {
  return { start: ctx.document.positionAt(span.start), end: ctx.document.positionAt(span.end) };
}

function keyCompletions(ctx: FeatureContext, at: Extract<CursorContext, { kind: 'key' }>, step: StepDeclaration | undefined, item: Item): CompletionItem[] {
  const schema = paramsAware(ctx, at.path, step);
  const present = new Set(at.siblings);
  return schemaKeys(schema)
    .filter((k) => !present.has(k.name))
    .map((k) => item(k.name, CompletionItemKind.Property, typeLabel(k.schema), describe(k.schema), `${k.name}: `));
}

function valueCompletions(ctx: FeatureContext, at: Extract<CursorContext, { kind: 'value' }>, step: StepDeclaration | undefined, item: Item): CompletionItem[] {
  const inStep = at.path.length === 2 && at.path[0] === 'steps' && at.path[1] === '[]';
  if (inStep && at.key === 'action') {
    const names = [...new Set([...ctx.actions.names(), ...ctx.extraActionNames])].sort();
    return names.map((name) => item(name, CompletionItemKind.Function, ctx.actions.get(name)?.description, actionMarkdown(ctx.actions.get(name), name)));
  }
  if (inStep && at.key === 'needs') {
    const others = ctx.outline.steps.filter((s) => s.id !== step?.id && !step?.needs.some((n) => n.id === s.id));
    return others.map((s) => item(s.id, CompletionItemKind.Reference, s.name ? `step: ${s.name}` : 'step', s.action ? `action \`${s.action}\`` : undefined));
  }
  return schemaValues(paramsAware(ctx, [...at.path, at.key], step)).map((v) => item(v, CompletionItemKind.Value));
}

/** The schema at a path, where a step's `params` come from its action. */
function paramsAware(ctx: FeatureContext, path: readonly string[], step: StepDeclaration | undefined): SchemaNode | undefined {
  if (path[0] === 'steps' && path[1] === '[]' && path[2] === 'params') {
    const schema = step?.action ? (ctx.actions.get(step.action)?.paramsSchema as SchemaNode | undefined) : undefined;
    return schema ? schemaAt(path.slice(3), schema) : undefined;
  }
  return schemaAt(path);
}

function typeLabel(schema: SchemaNode): string | undefined {
  return Array.isArray(schema.type) ? schema.type.join(' | ') : schema.type;
}

function expressionCompletions(ctx: FeatureContext, at: Extract<CursorContext, { kind: 'expression' }>, step: StepDeclaration | undefined, item: Item): CompletionItem[] {
  const [root, name, member] = at.parts.map((p) => p.toLowerCase());
  const depth = at.parts.length;
  if (depth === 1) {
    return [
      ...expressionContexts.map((c) => item(c, CompletionItemKind.Module, 'context')),
      ...expressionFunctions.filter((f) => at.inIf || !f.statusOnly).map((f) => item(f.name, CompletionItemKind.Function, 'function', f.description, `${f.name}(`)),
    ];
  }
  const stepById = (id: string | undefined) => ctx.outline.steps.find((s) => s.id.toLowerCase() === id);
  switch (root) {
    case 'steps':
    case 'needs': {
      const readable = root === 'steps' ? readableSteps(ctx.outline, step) : ctx.outline.steps.filter((s) => step?.needs.some((n) => n.id === s.id) ?? false);
      if (depth === 2) return readable.map((s) => item(s.id, CompletionItemKind.Reference, s.name ? `step: ${s.name}` : 'step', s.action ? `action \`${s.action}\`` : undefined));
      const target = stepById(name);
      if (!target) return [];
      if (depth === 3) return ['outputs', root === 'steps' ? 'status' : 'result'].map((p) => item(p, CompletionItemKind.Property));
      if (depth === 4 && member === 'outputs') return outputKeys(ctx, target).map((k) => item(k, CompletionItemKind.Field, `output of ${target.id}`));
      return [];
    }
    case 'inputs':
      return depth === 2 ? ctx.outline.inputs.map((i) => item(i.name, CompletionItemKind.Variable, 'input', i.default !== undefined ? `default: \`${String(i.default)}\`` : undefined)) : [];
    case 'matrix':
      return depth === 2 && step ? step.matrixKeys.map((k) => item(k, CompletionItemKind.Variable, 'matrix key')) : [];
    case 'secrets': {
      if (depth !== 2 || at.inIf) return [];
      const names = new Set([...ctx.secretNames, ...ctx.outline.references.filter((r) => r.context === 'secrets').map((r) => r.name)]);
      return [...names].sort().map((n) => item(n, CompletionItemKind.Constant, 'secret'));
    }
    case 'env':
      return depth === 2 ? ctx.outline.envKeys.map((k) => item(k, CompletionItemKind.Variable, 'env')) : [];
    case 'run':
      return depth === 2 ? runFields.map((f) => item(f, CompletionItemKind.Property, 'run')) : [];
    default:
      return [];
  }
}
