import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import type { FeatureContext } from './featureContext';
import type { Span } from './workflowOutline';

/** The outline: the workflow's inputs, then its steps in file order (id, action). */
export function documentSymbols(ctx: FeatureContext): DocumentSymbol[] {
  const range = (s: Span) => ({ start: ctx.document.positionAt(s.start), end: ctx.document.positionAt(s.end) });
  const { outline } = ctx;
  const inputs: DocumentSymbol[] = outline.inputs.map((i) => ({ name: i.name, detail: 'input', kind: SymbolKind.Variable, range: range(i.span), selectionRange: range(i.span) }));
  const steps: DocumentSymbol[] = outline.steps.map((s) => ({
    name: s.name ?? s.id,
    detail: [s.id !== s.name ? s.id : undefined, s.action].filter(Boolean).join(' · '),
    kind: SymbolKind.Function,
    range: range(s.span),
    selectionRange: range(s.idSpan),
  }));
  return [...inputs, ...steps];
}
