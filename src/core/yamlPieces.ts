import { isMap, isSeq, parseDocument, type DocumentOptions, type ParseOptions, type SchemaOptions } from 'yaml';
import { maxDepth } from './yamlPositions';

export interface PieceOptions {
  /** The options the whole document would be parsed with (each piece gets the same). */
  parse: ParseOptions & DocumentOptions & SchemaOptions;
  maxAliasCount: number;
  /** Deeper nesting gives up here, so the whole-document path reports it at its position. */
  maxDepth: number;
  /** Items of `steps` are parsed in groups of about this many characters: small enough that a group's tree dies young, before V8 moves it to the old generation. @default 1 KiB */
  pieceChars?: number;
}

/**
 * The data of a large workflow, parsed piece by piece: one `yaml` document per top-level key and
 * the items of a block `steps:` list in groups, so the parser's tree (about 65 bytes of heap per
 * byte of YAML, 80 MB for a 10,000-step file) never exists for the whole file at once.
 *
 * Returns undefined whenever a split might not mean what the whole file means: anything but plain
 * top-level keys at column 0, any piece with an error or a warning (an alias whose anchor is in
 * another piece is one), a repeated key, nesting beyond the limit. The caller then parses the file as
 * one document, which also reports every problem at its exact position.
 */
export function parseInPieces(text: string, options: PieceOptions): Record<string, unknown> | undefined {
  const entries = topLevelEntries(text);
  if (!entries) return undefined;
  const out: Record<string, unknown> = {};
  for (const [start, end] of entries) {
    const steps = stepsEntry(text, start, end, options);
    if (steps === null) return undefined;
    const entry = steps ?? mappingEntry(text.slice(start, end), options);
    if (!entry || entry[0] === '__proto__' || Object.hasOwn(out, entry[0])) return undefined;
    out[entry[0]] = entry[1];
  }
  return entries.length > 0 ? out : undefined;
}

/** Offsets of each top-level `key:` entry (a line at column 0 and what follows it); undefined if a line is anything else. */
function topLevelEntries(text: string): Array<[number, number]> | undefined {
  const starts: number[] = [];
  for (let at = 0; at < text.length; at = nextLine(text, at)) {
    const first = text[at]!;
    if (first === ' ' || first === '\t' || first === '\r' || first === '\n' || first === '#') {
      if (starts.length === 0 && !isBlankOrComment(text, at)) return undefined;
      continue;
    }
    if (first === '-') {
      // A compact list item (`steps:` then `- name: …` at column 0) continues the entry; `---` or `-x` does not.
      if (starts.length === 0 || !/^-(?:[ \t]|\r?$)/.test(lineAt(text, at))) return undefined;
      continue;
    }
    if (!/[A-Za-z0-9_"']/.test(first)) return undefined; // directives, `...`, `?`, anchors, tags, flow roots
    starts.push(at);
  }
  return starts.map((start, i) => [i === 0 ? 0 : start, starts[i + 1] ?? text.length]);
}

/** One top-level entry parsed alone: a mapping of exactly one key. */
function mappingEntry(source: string, options: PieceOptions): [string, unknown] | undefined {
  const value = parsePiece(source, options, 0);
  if (!value || typeof value.js !== 'object' || value.js === null || Array.isArray(value.js)) return undefined;
  const keys = Object.keys(value.js);
  if (keys.length !== 1 || !value.oneKey) return undefined;
  return [keys[0]!, (value.js as Record<string, unknown>)[keys[0]!]];
}

/**
 * `steps:` followed by a block list: its items parsed in groups of about `pieceChars`.
 * undefined: the entry is something else (parse it whole); null: give up on pieces.
 */
function stepsEntry(text: string, start: number, end: number, options: PieceOptions): [string, unknown] | null | undefined {
  let at = text.indexOf('\n', start) + 1;
  if (at === 0 || at >= end || !/^steps:(?:[ \t]+#.*)?[ \t]*\r?$/.test(lineAt(text, start))) return undefined;
  while (at < end && isBlankOrComment(text, at)) at = nextLine(text, at);
  const indent = /^( *)-(?:[ \t]|\r?$)/.exec(lineAt(text, at))?.[1]?.length;
  if (indent === undefined) return undefined;
  const pieceChars = options.pieceChars ?? 1024;
  const items: unknown[] = [];
  let groupStart = at;
  for (let line = at; line < end; line = nextLine(text, line)) {
    if (isBlankOrComment(text, line)) continue;
    const spaces = leadingSpaces(text, line);
    if (spaces > indent) continue;
    if (spaces < indent || !/^-(?:[ \t]|\r?$)/.test(lineAt(text, line + spaces))) return null;
    if (line - groupStart >= pieceChars) {
      if (!parseItems(text.slice(groupStart, line), options, items)) return null;
      groupStart = line;
    }
  }
  if (!parseItems(text.slice(groupStart, end), options, items)) return null;
  return ['steps', items];
}

function parseItems(source: string, options: PieceOptions, into: unknown[]): boolean {
  const value = parsePiece(source, options, 1);
  if (!value || !value.list || !Array.isArray(value.js)) return false;
  for (const item of value.js) into.push(item);
  return true;
}

/** `depth` is how deep the piece's root sits in the whole document (a group of steps sits one level down). */
function parsePiece(source: string, options: PieceOptions, depth: number): { js: unknown; oneKey: boolean; list: boolean } | undefined {
  const doc = parseDocument(source, options.parse);
  if (doc.errors.length > 0 || doc.warnings.length > 0) return undefined;
  if (maxDepth(doc, options.maxDepth - depth).depth + depth > options.maxDepth) return undefined;
  try {
    return { js: doc.toJS({ maxAliasCount: options.maxAliasCount }), oneKey: isMap(doc.contents) && doc.contents.items.length === 1, list: isSeq(doc.contents) };
  } catch {
    return undefined;
  }
}

function nextLine(text: string, at: number): number {
  const newline = text.indexOf('\n', at);
  return newline < 0 ? text.length : newline + 1;
}

function lineAt(text: string, at: number): string {
  const newline = text.indexOf('\n', at);
  return text.slice(at, newline < 0 ? text.length : newline);
}

function leadingSpaces(text: string, at: number): number {
  let n = 0;
  while (text[at + n] === ' ') n++;
  return n;
}

function isBlankOrComment(text: string, at: number): boolean {
  const first = text[at + leadingSpaces(text, at)];
  return first === undefined || first === '\n' || first === '\r' || first === '#';
}
