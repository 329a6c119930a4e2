import type { Span } from './workflowOutline';

/** Where the cursor is, for completion: read from the lines above it, since the file being typed rarely parses. */
export type CursorContext =
  | { kind: 'expression'; /** The dotted read being typed: `steps.build.ou` → ['steps', 'build', 'ou']. */ parts: string[]; inIf: boolean; replace: Span }
  | { kind: 'key'; /** Keys from the top, `[]` for a list item: ['steps', '[]', 'params']. */ path: string[]; /** Keys already in this mapping. */ siblings: string[]; replace: Span }
  | { kind: 'value'; path: string[]; key: string; replace: Span };

interface Line {
  blank: boolean;
  /** Column of the first `- ` of a list item line. */
  dash?: number;
  keyCol: number;
  key?: string;
  /** The key's value starts on the next lines (`key:` alone, or a block scalar `key: |`). */
  opens: boolean;
  blockScalar: boolean;
}

const linePattern = /^( *)((?:- +)*)(.*)$/;
const keyPattern = /^([A-Za-z0-9_$.-]+|"[^"]*"|'[^']*')[ \t]*:(?:[ \t]+(.*)|$)/;

function readLine(text: string): Line {
  if (/^\s*(#.*)?$/.test(text)) return { blank: true, keyCol: 0, opens: false, blockScalar: false };
  const [, indent, dashes, rest] = linePattern.exec(text)!;
  const keyCol = indent!.length + dashes!.length;
  const key = keyPattern.exec(rest!);
  const value = (key?.[2] ?? '').replace(/\s+#.*$/, '').trim();
  return {
    blank: false,
    ...(dashes ? { dash: indent!.length } : {}),
    keyCol,
    ...(key ? { key: key[1]!.replace(/^["']|["']$/g, '') } : {}),
    opens: key !== null && (value === '' || /^[|>][-+0-9]*$/.test(value)),
    blockScalar: key !== null && /^[|>][-+0-9]*$/.test(value),
  };
}

/** The keys that contain a line at `col`, outermost first; undefined inside a block scalar (plain text, nothing to complete). */
function ancestors(lines: readonly string[], from: number, col: number, afterItem: boolean): string[] | undefined {
  const path: string[] = [];
  let limit = col;
  let item = afterItem;
  for (let i = from - 1; i >= 0; i--) {
    const line = readLine(lines[i]!);
    if (line.blank) continue;
    if (line.key !== undefined && line.opens && (line.keyCol < limit || (item && line.keyCol === limit))) {
      if (line.blockScalar) return undefined;
      path.push(line.key);
      limit = line.keyCol;
      item = false;
      if (line.dash !== undefined) {
        path.push('[]');
        limit = line.dash;
        item = true;
      }
    } else if (line.dash !== undefined && line.dash < limit) {
      path.push('[]');
      limit = line.dash;
      item = true;
    } else if (line.keyCol < limit) limit = line.keyCol;
    if (limit === 0 && !item) break;
  }
  return path.reverse();
}

/** Keys written at `col` in the same mapping as `line` (up to the item's `- ` line, down to the next line less indented). */
function siblingKeys(lines: readonly string[], line: number, col: number, startsItem: boolean): string[] {
  const keys: string[] = [];
  for (let i = line - 1; i >= 0 && !startsItem; i--) {
    const l = readLine(lines[i]!);
    if (l.blank || l.keyCol > col) continue;
    if (l.keyCol < col) break;
    if (l.key !== undefined) keys.push(l.key);
    if (l.dash !== undefined) break;
  }
  for (let i = line + 1; i < lines.length; i++) {
    const l = readLine(lines[i]!);
    if (l.blank || (l.keyCol > col && l.dash === undefined)) continue;
    if (l.keyCol !== col || l.dash !== undefined) break;
    if (l.key !== undefined) keys.push(l.key);
  }
  return keys;
}

/** Reads the completion context at a (0-based) line and character of the text. */
export function cursorContext(text: string, lineStarts: (line: number) => number, line: number, character: number): CursorContext | undefined {
  const lines = text.split('\n');
  const current = (lines[line] ?? '').replace(/\r$/, '');
  const before = current.slice(0, character);
  const lineStart = lineStarts(line);

  const open = before.lastIndexOf('${{');
  const ifValue = /^[ \t]*(?:- +)?if:[ \t]*(.*)$/.exec(before);
  if ((open >= 0 && !before.slice(open).includes('}}')) || (ifValue && !current.includes('${{'))) {
    const source = open >= 0 ? before.slice(open + 3) : ifValue![1]!;
    const dotted = /([A-Za-z_][A-Za-z0-9_-]*(?:\s*\.\s*[A-Za-z0-9_-]*)*)?$/.exec(source)![0] ?? '';
    const parts = dotted.split('.').map((p) => p.trim());
    const word = parts.at(-1) ?? '';
    return { kind: 'expression', parts, inIf: ifValue !== null, replace: { start: lineStart + character - word.length, end: lineStart + character } };
  }

  const keyLine = /^( *)((?:- +)*)([A-Za-z0-9_-]*)$/.exec(before);
  if (keyLine) {
    const [, indent, dashes, word] = keyLine;
    const replace = { start: lineStart + character - word!.length, end: lineStart + character + (/^[A-Za-z0-9_-]*/.exec(current.slice(character))?.[0].length ?? 0) };
    const path = dashes ? ancestors(lines, line, indent!.length, true)?.concat('[]') : ancestors(lines, line, indent!.length, false);
    if (!path) return undefined;
    // `- bu` under `needs:` is a value, not a key.
    if (dashes && path.length >= 2 && path.at(-2) === 'needs') return { kind: 'value', path: path.slice(0, -2), key: 'needs', replace };
    return { kind: 'key', path, siblings: siblingKeys(lines, line, indent!.length + dashes!.length, dashes !== ''), replace };
  }

  const valueLine = /^( *)((?:- +)*)([A-Za-z0-9_-]+)[ \t]*:[ \t]*(.*)$/.exec(before);
  if (valueLine) {
    const [, indent, dashes, key, value] = valueLine;
    if (/^[|>]/.test(value!) || /^["']/.test(value!)) return undefined;
    const path = dashes ? ancestors(lines, line, indent!.length, true)?.concat('[]') : ancestors(lines, line, indent!.length, false);
    if (!path) return undefined;
    const word = /[A-Za-z0-9_-]*$/.exec(value!)![0];
    const after = /^[A-Za-z0-9_-]*/.exec(current.slice(character))![0];
    return { kind: 'value', path, key: key!, replace: { start: lineStart + character - word.length, end: lineStart + character + after.length } };
  }
  return undefined;
}
