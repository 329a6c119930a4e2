import { CST, isMap, isPair, isScalar, isSeq, Parser, type Document, type LineCounter, type Node, type Pair } from 'yaml';
import type { Range } from './diagnostic';

/** Turns offsets into 1-based line/column ranges. */
export function offsetRange(lineCounter: LineCounter, start: number, end: number): Range {
  const a = lineCounter.linePos(start);
  const b = lineCounter.linePos(Math.max(start, end));
  return { start: { line: a.line, col: a.col }, end: { line: b.line, col: b.col } };
}

export type PathSegment = string | number;

/** The node at a JSON path, and the pair whose value it is (for pointing at a key). */
export function nodeAtPath(doc: Document, path: readonly PathSegment[]): { node: Node | null; pair: Pair | null; parent: Node | null } {
  let node: unknown = doc.contents;
  let pair: Pair | null = null;
  let parent: Node | null = null;
  for (const segment of path) {
    parent = node as Node;
    pair = null;
    if (isMap(node)) {
      const found = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (!found) return { node: null, pair: null, parent };
      pair = found;
      node = found.value;
    } else if (isSeq(node)) {
      node = node.items[Number(segment)];
    } else {
      return { node: null, pair: null, parent };
    }
    if (node === undefined) return { node: null, pair, parent };
  }
  return { node: (node as Node) ?? null, pair, parent };
}

/** The best range for a path: the value node, else its key, else the parent. */
export function rangeAtPath(doc: Document, lineCounter: LineCounter, path: readonly PathSegment[], pointAtKey = false): Range {
  const { node, pair, parent } = nodeAtPath(doc, path);
  const keyNode = pair && isScalar(pair.key) ? pair.key : null;
  const target = pointAtKey && keyNode ? keyNode : (node ?? keyNode ?? parent);
  const range = target?.range;
  if (!range) return offsetRange(lineCounter, 0, 0);
  return offsetRange(lineCounter, range[0], range[1]);
}

/** Key node range of `key` inside the map at `path`, for unknown-key errors. */
export function keyRange(doc: Document, lineCounter: LineCounter, path: readonly PathSegment[], key: string): Range {
  const { node } = nodeAtPath(doc, path);
  if (isMap(node)) {
    const found = node.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
    if (found && isPair(found) && isScalar(found.key) && found.key.range) {
      return offsetRange(lineCounter, found.key.range[0], found.key.range[1]);
    }
  }
  return rangeAtPath(doc, lineCounter, path);
}

/** Deepest nesting of collections, computed without recursion so hostile files cannot overflow the stack. */
export function maxDepth(doc: Document, limit: number): { depth: number; node: Node | null } {
  const stack: Array<[unknown, number]> = [[doc.contents, 1]];
  let deepest = { depth: 0, node: null as Node | null };
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth > deepest.depth) deepest = { depth, node };
    if (depth > limit) return deepest;
    for (const item of node.items) {
      if (isPair(item)) stack.push([item.value, depth + 1]);
      else stack.push([item, depth + 1]);
    }
  }
  return deepest;
}

/**
 * The offset of the opening quote of a quoted string that is never closed and so runs on to
 * `end`, where the yaml library reports the missing quote: usually the end of the file, far from
 * the mistake. Undefined when no such string ends there.
 */
export function unclosedQuoteStart(text: string, end: number): number | undefined {
  let found: number | undefined;
  const consider = (token: CST.Token | undefined) => {
    if (found !== undefined || !token || (token.type !== 'double-quoted-scalar' && token.type !== 'single-quoted-scalar')) return;
    if (token.offset + token.source.length === end && !isClosedQuote(token.source)) found = token.offset;
  };
  for (const token of new Parser().parse(text)) {
    if (token.type !== 'document') continue;
    consider(token.value);
    CST.visit(token, (item) => {
      consider(item.key ?? undefined);
      consider(item.value);
    });
  }
  return found;
}

/** `"a\"b"` and `'it''s'` are closed; `"abc`, `"abc\"` and `'it''` are not. */
function isClosedQuote(source: string): boolean {
  const quote = source[0];
  if (source.length < 2 || !source.endsWith(quote!)) return false;
  if (quote === '"') {
    let backslashes = 0;
    for (let i = source.length - 2; i > 0 && source[i] === '\\'; i--) backslashes++;
    return backslashes % 2 === 0;
  }
  // In single quotes a quote is written twice: the closing one is the odd one out of the last run.
  let run = 0;
  for (let i = source.length - 1; i > 0 && source[i] === "'"; i--) run++;
  return run % 2 === 1;
}
