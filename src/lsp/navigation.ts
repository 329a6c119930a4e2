import type { Location, Position } from 'vscode-languageserver';
import type { FeatureContext } from './featureContext';
import type { Span, WorkflowOutline } from './workflowOutline';

/** What a name under the cursor stands for: a step (by id) or an input. */
type Symbol = { kind: 'step'; id: string } | { kind: 'input'; name: string };

function symbolAt(outline: WorkflowOutline, offset: number): Symbol | undefined {
  const inside = (s: Span) => s.start <= offset && offset <= s.end;
  const reference = outline.references.find((r) => r.readStart <= offset && offset <= r.end);
  if (reference?.context === 'steps' || reference?.context === 'needs') return { kind: 'step', id: reference.name };
  if (reference?.context === 'inputs') return { kind: 'input', name: reference.name };
  for (const step of outline.steps) {
    if (inside(step.idSpan)) return { kind: 'step', id: step.id };
    const need = step.needs.find(inside);
    if (need) return { kind: 'step', id: need.id };
  }
  const input = outline.inputs.find((i) => inside(i.span));
  return input ? { kind: 'input', name: input.name } : undefined;
}

function declaration(outline: WorkflowOutline, symbol: Symbol): Span | undefined {
  if (symbol.kind === 'step') return outline.steps.find((s) => s.id.toLowerCase() === symbol.id.toLowerCase())?.idSpan;
  return outline.inputs.find((i) => i.name === symbol.name)?.span;
}

/** Go to definition: a step id (in `needs`, `steps.<id>`, `needs.<id>`) jumps to the step's `id:` (or `name:`); `inputs.<name>` to its key under `inputs:`. */
export function definitionAt(ctx: FeatureContext, position: Position): Location | null {
  const symbol = symbolAt(ctx.outline, ctx.document.offsetAt(position));
  const span = symbol && declaration(ctx.outline, symbol);
  return span ? location(ctx, span) : null;
}

/** Find references: every `needs` entry and expression that names the step, or every `inputs.<name>`. */
export function referencesAt(ctx: FeatureContext, position: Position, includeDeclaration: boolean): Location[] {
  const { outline } = ctx;
  const symbol = symbolAt(outline, ctx.document.offsetAt(position));
  if (!symbol) return [];
  const spans: Span[] = [];
  const decl = declaration(outline, symbol);
  if (includeDeclaration && decl) spans.push(decl);
  if (symbol.kind === 'step') {
    const id = symbol.id.toLowerCase();
    for (const step of outline.steps) spans.push(...step.needs.filter((n) => n.id.toLowerCase() === id));
    spans.push(...outline.references.filter((r) => (r.context === 'steps' || r.context === 'needs') && r.name.toLowerCase() === id));
  } else spans.push(...outline.references.filter((r) => r.context === 'inputs' && r.name === symbol.name));
  return spans.sort((a, b) => a.start - b.start).map((s) => location(ctx, s));
}

function location(ctx: FeatureContext, span: Span): Location {
  return { uri: ctx.document.uri, range: { start: ctx.document.positionAt(span.start), end: ctx.document.positionAt(span.end) } };
}
