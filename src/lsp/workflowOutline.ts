import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import { slugify } from '../core/index';

/** A span of the document's text, as UTF-16 offsets (what TextDocument.positionAt takes). */
export interface Span {
  start: number;
  end: number;
}

export interface StepDeclaration {
  index: number;
  /** `id:`, else the slug of `name:` (what the engine uses). */
  id: string;
  name?: string;
  action?: string;
  /** Where the id is written: the `id:` value, else the `name:` value. */
  idSpan: Span;
  actionSpan?: Span;
  /** The whole step item. */
  span: Span;
  needs: Array<{ id: string } & Span>;
  /** False when the step has no `needs:` (it then needs the step before it). */
  needsWritten: boolean;
  matrixKeys: string[];
}

export interface InputDeclaration {
  name: string;
  /** The key under `inputs:`. */
  span: Span;
  default: unknown;
}

export type ReferenceContext = 'steps' | 'needs' | 'inputs' | 'matrix' | 'secrets' | 'env';

/** A `<context>.<name>` read inside `${{ }}` or an `if:`, at the name. */
export interface Reference extends Span {
  context: ReferenceContext;
  name: string;
  /** Where the read starts (`steps` in `steps.build`): hover and navigation answer there too. */
  readStart: number;
  /** The member read after the name (`outputs` in `steps.build.outputs.url`) and the key after it. */
  member?: string;
  key?: string;
}

/** What the editor features need to know about a workflow file, read from a tolerant parse (a file being typed is rarely valid). */
export interface WorkflowOutline {
  name?: string;
  /** `id:` / `workflow_id:` when written. */
  id?: string;
  steps: StepDeclaration[];
  inputs: InputDeclaration[];
  envKeys: string[];
  references: Reference[];
  /** Where the text is an expression (inside `${{ }}`, an `if:` value). */
  expressions: Span[];
  /** The node at an offset, innermost first, with the key path to it (`['steps', 0, 'needs', 1]`). */
  pathAt(offset: number): { path: Array<string | number>; node: Node | null; onKey: boolean } | undefined;
}

/** Reads the outline of a workflow text; never throws (a broken part is simply missing). */
export function outlineWorkflow(text: string): WorkflowOutline {
  const doc = parseDocument(text, { lineCounter: new LineCounter(), uniqueKeys: false, prettyErrors: false });
  const root = isMap(doc.contents) ? doc.contents : undefined;
  const steps: StepDeclaration[] = [];
  const inputs: InputDeclaration[] = [];
  const envKeys: string[] = [];
  const stepsNode = root?.get('steps', true);
  if (isSeq(stepsNode)) {
    stepsNode.items.forEach((item, index) => {
      if (!isMap(item) || !item.range) return;
      const step = stepDeclaration(item, index);
      if (step) steps.push(step);
    });
  }
  const inputsNode = root?.get('inputs', true);
  if (isMap(inputsNode)) {
    for (const pair of inputsNode.items) {
      if (isScalar(pair.key) && pair.key.range) inputs.push({ name: String(pair.key.value), span: span(pair.key.range), default: isScalar(pair.value) ? pair.value.value : undefined });
    }
  }
  const envNode = root?.get('env', true);
  if (isMap(envNode)) for (const pair of envNode.items) if (isScalar(pair.key)) envKeys.push(String(pair.key.value));
  const name = root?.get('name');
  const id = root?.get('id') ?? root?.get('workflow_id');
  return {
    ...(typeof name === 'string' ? { name } : {}),
    ...(typeof id === 'string' ? { id } : {}),
    steps,
    inputs,
    envKeys,
    references: findReferences(text),
    expressions: expressionRegions(text),
    pathAt: (offset) => (root ? pathAt(root, offset) : undefined),
  };
}

function stepDeclaration(item: YAMLMap, index: number): StepDeclaration | undefined {
  const idNode = item.get('id', true);
  const nameNode = item.get('name', true);
  const written = isScalar(idNode) && idNode.range ? idNode : isScalar(nameNode) && nameNode.range ? nameNode : undefined;
  if (!written) return undefined;
  const actionNode = item.get('action', true);
  const needsNode = item.get('needs', true);
  const needs = (isSeq(needsNode) ? needsNode.items : needsNode ? [needsNode] : []).flatMap((n) => (isScalar(n) && n.range && typeof n.value === 'string' && n.value !== '' ? [{ id: n.value, ...span(n.range) }] : []));
  const strategy = item.get('strategy', true);
  const matrix = isMap(strategy) ? strategy.get('matrix', true) : undefined;
  const matrixKeys = isMap(matrix) ? matrix.items.flatMap((p) => (isScalar(p.key) ? [String(p.key.value)] : [])).filter((k) => k !== 'include' && k !== 'exclude') : [];
  if (isMap(matrix)) {
    // Keys that only `include` adds are matrix keys too.
    const include = matrix.get('include', true);
    if (isSeq(include)) for (const entry of include.items) if (isMap(entry)) for (const p of entry.items) if (isScalar(p.key) && !matrixKeys.includes(String(p.key.value))) matrixKeys.push(String(p.key.value));
  }
  return {
    index,
    id: written === idNode ? String(written.value) : slugify(String(written.value)),
    ...(isScalar(nameNode) ? { name: String(nameNode.value) } : {}),
    ...(isScalar(actionNode) && actionNode.range ? { action: String(actionNode.value), actionSpan: span(actionNode.range) } : {}),
    idSpan: span(written.range!),
    span: span(item.range!),
    needs,
    needsWritten: needsNode !== undefined,
    matrixKeys,
  };
}

function span(range: readonly [number, number, number?]): Span {
  return { start: range[0], end: range[1] };
}

function pathAt(root: YAMLMap, offset: number): { path: Array<string | number>; node: Node | null; onKey: boolean } | undefined {
  const path: Array<string | number> = [];
  let node: Node = root;
  for (;;) {
    if (isMap(node)) {
      const pair: Pair | undefined = node.items.find((p) => within(p.key as Node | null, offset) || within(p.value as Node | null, offset, true));
      if (!pair || !isScalar(pair.key)) return { path, node, onKey: false };
      path.push(String(pair.key.value));
      if (within(pair.key as Node, offset)) return { path, node: pair.key as Node, onKey: true };
      node = pair.value as Node;
    } else if (isSeq(node)) {
      const index = node.items.findIndex((n) => within(n as Node, offset, true));
      if (index < 0) return { path, node, onKey: false };
      path.push(index);
      node = node.items[index] as Node;
    } else return { path, node, onKey: false };
  }
}

function within(node: Node | null | undefined, offset: number, inclusiveEnd = false): boolean {
  const range = node?.range;
  if (!range) return false;
  return offset >= range[0] && (inclusiveEnd ? offset <= range[1] : offset < range[1] || (offset === range[1] && isScalar(node)));
}

const contextRead = /(?<![\w.-])(steps|needs|inputs|matrix|secrets|env)\s*\.\s*([A-Za-z_][A-Za-z0-9_-]*)(?:\s*\.\s*([A-Za-z_][A-Za-z0-9_-]*))?(?:\s*\.\s*([A-Za-z_][A-Za-z0-9_-]*))?/gi;

/** Every context read in the text's expressions (`${{ }}` anywhere, the whole value of `if:`), found in the raw text so offsets are exact. */
export function findReferences(text: string): Reference[] {
  const out: Reference[] = [];
  for (const region of expressionRegions(text)) {
    const source = text.slice(region.start, region.end);
    for (const m of source.matchAll(contextRead)) {
      const nameStart = region.start + m.index + m[0].indexOf(m[2]!, m[1]!.length);
      out.push({
        context: m[1]!.toLowerCase() as ReferenceContext,
        name: m[2]!,
        readStart: region.start + m.index,
        start: nameStart,
        end: nameStart + m[2]!.length,
        ...(m[3] ? { member: m[3] } : {}),
        ...(m[4] ? { key: m[4] } : {}),
      });
    }
  }
  return out;
}

/** The parts of the text that are expressions: inside `${{ … }}` (to the end of the line when unclosed) and `if:` values. */
export function expressionRegions(text: string): Span[] {
  const regions: Span[] = [];
  let at = text.indexOf('${{');
  while (at >= 0) {
    const close = text.indexOf('}}', at + 3);
    const eol = text.indexOf('\n', at);
    const end = close >= 0 && (eol < 0 || close < eol) ? close : eol < 0 ? text.length : eol;
    regions.push({ start: at + 3, end });
    at = text.indexOf('${{', end);
  }
  for (const m of text.matchAll(/^[ \t]*(?:- +)?if:[ \t]*(.*)$/gm)) {
    if (m[1]!.includes('${{')) continue;
    const start = m.index + m[0].length - m[1]!.length;
    regions.push({ start, end: start + m[1]!.length });
  }
  return regions;
}
