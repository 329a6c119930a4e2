import { Lexer, Parser, wellKnownFunctions, ExpressionError, type Expr } from '@actions/expressions';
import { ContextAccess, FunctionCall, Grouping, IndexAccess, Literal, Logical, Binary, Unary, Star } from '@actions/expressions/ast';
import { MAX_EXPRESSION_LENGTH } from '@actions/expressions/errors';
import { TokenType, type Token } from '@actions/expressions/lexer';

/**
 * Finding `${{ }}` in text and parsing what is inside with GitHub's own lexer and parser.
 * Parsing builds a tree of literals, operators, context reads and calls of a fixed set of pure
 * functions: there is no construct in the language that runs code, reads a file or the network.
 */

/** The contexts an expression may name. `secrets` is known so that misuse gets a clear message. */
export const expressionContexts = ['steps', 'needs', 'inputs', 'env', 'event', 'run', 'matrix', 'secrets'] as const;
export type ExpressionContextName = (typeof expressionContexts)[number];

/** GitHub's status functions, available in `if:` only. */
export const statusFunctionNames = ['success', 'failure', 'cancelled', 'always'] as const;

/** One `${{ ... }}` in a text. Offsets are UTF-16 indexes into that text. */
export interface ExpressionSpan {
  /** Offset of `${{`. */
  start: number;
  /** Offset just past `}}`; the text's length when the span is not closed. */
  end: number;
  /** Offset of the expression's first character (just past `${{`). */
  sourceStart: number;
  /** Offset just past the expression's last character (at `}}`). */
  sourceEnd: number;
  /** False when the text ends before `}}`; `openString` is then the offset of a `'` never closed. */
  closed: boolean;
  openString?: number;
}

/**
 * Every `${{ }}` in `text`, in order. `}}` inside a string literal (`${{ format('}}{0}', x) }}`)
 * does not end the expression: strings are skipped the way GitHub's lexer reads them (`''` is
 * a quote inside a string).
 */
export function findExpressionSpans(text: string): ExpressionSpan[] {
  const spans: ExpressionSpan[] = [];
  let at = text.indexOf('${{');
  while (at >= 0) {
    const span = expressionSpanAt(text, at);
    spans.push(span);
    if (!span.closed) break;
    at = text.indexOf('${{', span.end);
  }
  return spans;
}

/** The span of the `${{` at `start` (the caller checked it is there). */
export function expressionSpanAt(text: string, start: number): ExpressionSpan {
  let quote: number | undefined;
  for (let i = start + 3; i < text.length; i++) {
    const ch = text[i];
    if (quote !== undefined) {
      if (ch === "'") {
        if (text[i + 1] === "'") i++;
        else quote = undefined;
      }
    } else if (ch === "'") quote = i;
    else if (ch === '}' && text[i + 1] === '}') return { start, end: i + 2, sourceStart: start + 3, sourceEnd: i, closed: true };
  }
  return { start, end: text.length, sourceStart: start + 3, sourceEnd: text.length, closed: false, ...(quote !== undefined ? { openString: quote } : {}) };
}

export type ExpressionProblemCode = 'syntax' | 'unknown_function' | 'unknown_context';

export interface ExpressionProblem {
  code: ExpressionProblemCode;
  message: string;
  /** Offset in the parsed source (0 = its first character). */
  offset: number;
  /** The function or context name, for unknown ones. */
  name?: string;
}

/** A read of a context: `steps.build.outputs.url` → ['steps', 'build', 'outputs', 'url']. */
export interface ContextRead {
  /** The context (lower case) and then each index: a name, '*' for a star, null when computed. */
  path: [ExpressionContextName, ...Array<string | null>];
  /** Offset of the context name in the parsed source. */
  offset: number;
}

export interface ParsedExpression {
  /** Absent when the source does not parse (see `problems`). */
  expr?: Expr;
  problems: ExpressionProblem[];
  reads: ContextRead[];
  /** Functions called (lower case), with the offset of each name. */
  calls: Array<{ name: string; offset: number }>;
}

/** Every function an expression may call, as written in docs (`startsWith`), with its description; the status functions last. */
export const expressionFunctions: ReadonlyArray<{ name: string; description: string; statusOnly: boolean }> = [
  ...Object.values(wellKnownFunctions).map((f) => ({ name: /`(\w+)\(/.exec(f.description ?? '')?.[1] ?? f.name, description: f.description ?? '', statusOnly: false })),
  ...statusFunctionNames.map((name) => ({ name, description: `\`${name}()\`: a status check, in \`if:\` only (as in GitHub Actions).`, statusOnly: true })),
];
const knownFunctions = new Set([...Object.keys(wellKnownFunctions), ...statusFunctionNames]);
const contextSet = new Set<string>(expressionContexts);

/**
 * Parses one expression (the text between `${{` and `}}`, or an `if:` without them). Unknown
 * functions and contexts are reported each at its name; the parse still goes on, so a syntax
 * error later in the same expression is found in the same pass.
 */
export function parseExpression(source: string): ParsedExpression {
  const problems: ExpressionProblem[] = [];
  if (source.length > MAX_EXPRESSION_LENGTH) {
    return { problems: [{ code: 'syntax', message: `the expression is longer than ${MAX_EXPRESSION_LENGTH} characters`, offset: 0 }], reads: [], calls: [] };
  }
  const lexer = new Lexer(source);
  let tokens: Token[];
  try {
    tokens = lexer.lex().tokens;
  } catch {
    // The lexer throws a plain Error whose only position is in its text; its `start` field holds
    // the offset of the token it was reading (pinned by tests: the library version is fixed).
    const offset = lexerOffset(lexer);
    const message = source[offset] === "'" ? 'this string is not closed (a quote inside a string is written twice: \'\')' : `unexpected symbol '${/^\S+/.exec(source.slice(offset))?.[0] ?? ''}'`;
    return { problems: [{ code: 'syntax', message, offset }], reads: [], calls: [] };
  }
  const lines = lineStarts(source);
  const offsetOf = (token: Token) => (lines[token.range.start.line] ?? 0) + token.range.start.column;

  // Names used as functions or contexts, judged here so that each unknown one is reported at its
  // own name, and then declared to the parser so that it can go on to the rest of the expression.
  const extraFunctions = new Map<string, { name: string; minArgs: number; maxArgs: number }>();
  const extraContexts = new Set<string>();
  tokens.forEach((token, i) => {
    if (token.type !== TokenType.IDENTIFIER || tokens[i - 1]?.type === TokenType.DOT) return;
    const name = token.lexeme.toLowerCase();
    if (tokens[i + 1]?.type === TokenType.LEFT_PAREN) {
      if (knownFunctions.has(name)) return;
      problems.push({ code: 'unknown_function', message: unknownFunctionMessage(token.lexeme), offset: offsetOf(token), name: token.lexeme });
      extraFunctions.set(name, { name, minArgs: 0, maxArgs: Number.MAX_SAFE_INTEGER });
    } else if (!contextSet.has(name)) {
      problems.push({ code: 'unknown_context', message: unknownContextMessage(token.lexeme), offset: offsetOf(token), name: token.lexeme });
      extraContexts.add(name);
    }
  });
  const statusFunctions = statusFunctionNames.map((name) => ({ name, minArgs: 0, maxArgs: 0 }));
  let expr: Expr | undefined;
  try {
    expr = new Parser(tokens, [...expressionContexts, ...extraContexts], [...statusFunctions, ...extraFunctions.values()]).parse();
    if (!expr) problems.push({ code: 'syntax', message: 'empty expression', offset: 0 });
  } catch (error) {
    const offset = error instanceof ExpressionError ? (lines[error.pos.line] ?? 0) + error.pos.column : 0;
    problems.push({ code: 'syntax', message: syntaxMessage(error), offset });
    expr = undefined;
  }
  if (!expr) return { problems, reads: [], calls: [] };
  const { reads, calls } = analyse(expr, offsetOf);
  return { ...(problems.length === 0 ? { expr } : {}), problems, reads, calls };
}

const dottedPath = /^(\s*)([A-Za-z_][A-Za-z0-9_-]*)((?:\.[A-Za-z_][A-Za-z0-9_-]*)*)\s*$/;

/**
 * What parseExpression would find in a plain dotted read of a known context
 * (`steps.build.outputs.url`, by far the most common expression), without the parser: validation
 * looks at every `${{ }}` of a 1,000-step file on each keystroke. Undefined for anything else.
 */
export function parseDottedRead(source: string): Omit<ParsedExpression, 'expr'> | undefined {
  const match = dottedPath.exec(source);
  if (!match) return undefined;
  const root = match[2]!.toLowerCase();
  if (!contextSet.has(root)) return undefined;
  const rest = match[3] ? match[3].slice(1).split('.') : [];
  return { problems: [], reads: [{ path: [root as ExpressionContextName, ...rest], offset: match[1]!.length }], calls: [] };
}

/** The context reads and function calls of a parsed expression (iterative: depth is bounded anyway). */
function analyse(root: Expr, offsetOf: (token: Token) => number): Pick<ParsedExpression, 'reads' | 'calls'> {
  const reads: ContextRead[] = [];
  const calls: ParsedExpression['calls'] = [];
  const stack: Expr[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node instanceof IndexAccess || node instanceof ContextAccess) {
      // The longest chain of indexes over one base: `steps.a.outputs.b` is one read, not four.
      const indexes: Array<string | null> = [];
      let base: Expr = node;
      while (base instanceof IndexAccess) {
        const index = base.index;
        if (index instanceof Star) indexes.unshift('*');
        else if (index instanceof Literal && index.literal.primitive) indexes.unshift(index.literal.coerceString());
        else {
          indexes.unshift(null);
          stack.push(index);
        }
        base = base.expr;
      }
      if (base instanceof ContextAccess) {
        reads.push({ path: [base.name.lexeme.toLowerCase() as ExpressionContextName, ...indexes], offset: offsetOf(base.name) });
      } else stack.push(base);
    } else if (node instanceof FunctionCall) {
      calls.push({ name: node.functionName.lexeme.toLowerCase(), offset: offsetOf(node.functionName) });
      stack.push(...node.args);
    } else if (node instanceof Binary) stack.push(node.left, node.right);
    else if (node instanceof Logical) stack.push(...node.args);
    else if (node instanceof Unary) stack.push(node.expr);
    else if (node instanceof Grouping) stack.push(node.group);
  }
  reads.sort((a, b) => a.offset - b.offset);
  calls.sort((a, b) => a.offset - b.offset);
  return { reads, calls };
}

function lexerOffset(lexer: Lexer): number {
  const start = (lexer as unknown as { start?: unknown }).start;
  return typeof start === 'number' ? start : 0;
}

function lineStarts(source: string): number[] {
  const starts = [0];
  for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The library's messages name the problem and the token; ours say it in lower case, like the rest. */
function syntaxMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function unknownFunctionMessage(name: string): string {
  const lower = name.toLowerCase();
  if (lower === 'hashfiles') return `unknown function 'hashFiles': expressions in Baton never read files`;
  const all = [...Object.values(wellKnownFunctions).map((f) => f.name.replace(/Json$/, 'JSON')), ...statusFunctionNames];
  return `unknown function '${name}'; the functions are ${all.map((f) => `${f}()`).join(', ')}`;
}

function unknownContextMessage(name: string): string {
  const hints: Record<string, string> = {
    github: "; Baton's run is in `run` (run.id, run.workflow_id, run.workflow_name) and the triggering event in `event`",
    vars: '; use `inputs` (with defaults) or `env`',
    job: '', runner: '', strategy: '',
  };
  return `unknown context '${name}'; the contexts are ${expressionContexts.join(', ')}${hints[name.toLowerCase()] ?? ''}`;
}
