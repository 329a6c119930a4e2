import { Evaluator, data } from '@actions/expressions';
import type { FunctionDefinition } from '@actions/expressions/funcs/info';
import { truthy } from '@actions/expressions/result';
import { BatonError, errorMessage, isBatonError } from './errors';
import { expressionDataToText, fromExpressionData, SecretsDictionary, toExpressionData, type ExpressionData } from './expressionData';
import { findExpressionSpans, parseDottedRead, parseExpression, statusFunctionNames, type ContextRead, type ExpressionProblem, type ExpressionSpan, type ParsedExpression } from './expressionSyntax';

/**
 * `${{ }}` expressions: GitHub Actions' language, parsed and evaluated by GitHub's own
 * `@actions/expressions`. Evaluation is pure: the language has literals, operators, property
 * reads and a fixed set of functions (contains, startsWith, format, join, toJSON, fromJSON, ...,
 * and the status functions given here), none of which can run a command, read a file or reach
 * the network. What an expression yields is data; where it goes into a shell command,
 * shellTemplate.ts makes sure it stays data.
 */

/** What expressions can read; the engine builds it for each step (instance) from the run. */
export interface ExpressionContext {
  /** The steps the reader may see (the ones it transitively needs). */
  steps: Record<string, { outputs: Record<string, unknown>; status: string }>;
  /** The same, by GitHub's name: `result` is success, failure, cancelled or skipped. */
  needs: Record<string, { outputs: Record<string, unknown>; result: string }>;
  inputs: Record<string, unknown>;
  env: Record<string, string>;
  /** The event that triggered the run (`event.data.*`); null when none did. */
  event: unknown;
  run: { id: string; workflow_id: string; workflow_name: string };
  /** The instance's values, for a matrix step; empty otherwise. */
  matrix: Record<string, unknown>;
  /** Resolved secrets by name; reading one that is absent fails with its name. @default {} */
  secrets?: Record<string, string>;
}

/** The status of the reader's needs, for `if:` (GitHub's status check functions). */
export interface StatusFunctions {
  success(): boolean;
  failure(): boolean;
  cancelled(): boolean;
  always(): boolean;
}

/** One `${{ }}` of a text, parsed, for validation: offsets are into the scanned text. */
export interface ScannedExpression extends ExpressionSpan {
  /** The text between `${{` and `}}`. */
  source: string;
  problems: ExpressionProblem[];
  reads: ContextRead[];
  calls: ParsedExpression['calls'];
}

/**
 * Renders a string with `${{ }}` parts (GitHub's conversions: null → '', objects/arrays → JSON).
 * Throws BatonError('expression', message) when an expression does not parse or evaluate.
 */
export function renderText(text: string, context: ExpressionContext, status?: StatusFunctions): string {
  if (!text.includes('${{')) return text;
  let out = '';
  let at = 0;
  for (const span of findExpressionSpans(text)) {
    out += text.slice(at, span.start) + renderSpan(text, span, context, status);
    at = span.end;
  }
  return out + text.slice(at);
}

function renderSpan(text: string, span: ExpressionSpan, context: ExpressionContext, status?: StatusFunctions): string {
  if (!span.closed) throw unclosed(text, span);
  return renderExpression(text.slice(span.sourceStart, span.sourceEnd), context, status);
}

/** The text one expression (without `${{ }}`) renders to, as in renderText (shellTemplate.ts puts it in a variable). */
export function renderExpression(source: string, context: ExpressionContext, status?: StatusFunctions): string {
  return expressionDataToText(evaluateSource(source, context, status));
}

/** The run-time error for a `${{` without `}}` (validation reports it at its position first). */
export function unclosed(text: string, span: ExpressionSpan): BatonError {
  return new BatonError('expression', `'${text.slice(span.start, span.start + 40)}' is not closed with }}`);
}

/**
 * A YAML value that may be an expression: exactly one `${{ }}` gives the expression's value with
 * its type (GitHub's rule: `${{ fromJSON(x) }}` can be a list); any other text renders to a string.
 */
export function evaluateTemplate(text: string, context: ExpressionContext): unknown {
  const trimmed = text.trim();
  const spans = findExpressionSpans(trimmed);
  const only = spans[0];
  if (spans.length === 1 && only && only.closed && only.start === 0 && only.end === trimmed.length) return evaluateExpression(trimmed.slice(only.sourceStart, only.sourceEnd), context);
  return renderText(text, context);
}

/** Evaluates one expression text (without `${{ }}`). Throws BatonError('expression', message) on evaluation errors. */
export function evaluateExpression(source: string, context: ExpressionContext, status?: StatusFunctions): unknown {
  return fromExpressionData(evaluateSource(source, context, status));
}

/**
 * `if:` with or without `${{ }}`; absent (or blank), it is `success()`. As in GitHub Actions, a
 * condition that calls none of the status functions means `success() && (condition)`, and the
 * result counts as true unless it is false, 0, '' or null.
 */
export function evaluateCondition(ifText: string | undefined, context: ExpressionContext, status: StatusFunctions): boolean {
  if (ifText === undefined || ifText.trim() === '') return status.success();
  const condition = conditionSource(ifText);
  if (condition === undefined) throw new BatonError('expression', `if: ${ifText} mixes text and \${{ }}; write the whole condition as one expression`);
  const parsed = parseOrThrow(condition);
  const usesStatus = parsed.calls.some((call) => (statusFunctionNames as readonly string[]).includes(call.name));
  // Short-circuit like GitHub's implicit `success() && (...)`: a failed need's outputs are not read.
  if (!usesStatus && !status.success()) return false;
  return truthy(evaluateParsed(condition, parsed, context, status));
}

/** For validation: every `${{ }}` in a string with its offsets, its problems and the context paths it reads. */
export function scanExpressions(text: string): ScannedExpression[] {
  return findExpressionSpans(text).map((span) => scanSpan(text, span));
}

/**
 * For validation of `if:`: its one expression (with or without `${{ }}`); `textOutside` when
 * text stands beside a `${{ }}` (`${{ a }} == b`), which GitHub would read as an always-true string.
 */
export function scanCondition(ifText: string): { expressions: ScannedExpression[]; textOutside: boolean } {
  const source = conditionSource(ifText);
  if (source === undefined) return { expressions: scanExpressions(ifText), textOutside: true };
  if (ifText.includes('${{')) return { expressions: scanExpressions(ifText), textOutside: false };
  return { expressions: [scanSpan(ifText, { start: 0, end: ifText.length, sourceStart: 0, sourceEnd: ifText.length, closed: true })], textOutside: false };
}

function scanSpan(text: string, span: ExpressionSpan): ScannedExpression {
  const source = text.slice(span.sourceStart, span.sourceEnd);
  if (!span.closed) {
    const problem: ExpressionProblem =
      span.openString !== undefined
        ? { code: 'syntax', message: "this string is not closed, so neither is the ${{ }} (a quote inside a string is written twice: '')", offset: span.openString }
        : { code: 'syntax', message: '${{ is not closed with }}', offset: span.start };
    return { ...span, source, problems: [problem], reads: [], calls: [] };
  }
  const parsed = parseDottedRead(source) ?? parseExpression(source);
  // Offsets into `text`: the parsed items are this call's own, so they are moved in place.
  for (const list of [parsed.problems, parsed.reads, parsed.calls]) for (const item of list) item.offset += span.sourceStart;
  return { ...span, source, problems: parsed.problems, reads: parsed.reads, calls: parsed.calls };
}

/** The expression of an `if:`: the inside of a lone `${{ }}`, the text itself without one, undefined when mixed. */
function conditionSource(ifText: string): string | undefined {
  if (!ifText.includes('${{')) return ifText;
  const trimmed = ifText.trim();
  const spans = findExpressionSpans(trimmed);
  const only = spans[0];
  if (spans.length === 1 && only && only.closed && only.start === 0 && only.end === trimmed.length) return trimmed.slice(only.sourceStart, only.sourceEnd);
  return undefined;
}

function evaluateSource(source: string, context: ExpressionContext, status?: StatusFunctions): ExpressionData {
  return evaluateParsed(source, parseOrThrow(source), context, status);
}

/** Parses for evaluation: a problem validation would have reported becomes the step's failure. */
function parseOrThrow(source: string): ParsedExpression {
  const parsed = parseExpression(source);
  const problem = parsed.problems[0];
  if (problem) throw new BatonError('expression', `\${{ ${source.trim()} }}: ${problem.message}`);
  return parsed;
}

function evaluateParsed(source: string, parsed: ParsedExpression, context: ExpressionContext, status?: StatusFunctions): ExpressionData {
  try {
    return new Evaluator(parsed.expr!, contextData(context), statusDefinitions(status)).evaluate();
  } catch (error) {
    if (isBatonError(error)) throw error;
    throw new BatonError('expression', `\${{ ${source.trim()} }}: ${errorMessage(error)}`);
  }
}

function contextData(context: ExpressionContext): data.Dictionary {
  const root = new data.Dictionary();
  root.add('steps', toExpressionData(context.steps));
  root.add('needs', toExpressionData(context.needs));
  root.add('inputs', toExpressionData(context.inputs));
  root.add('env', toExpressionData(context.env));
  root.add('event', toExpressionData(context.event));
  root.add('run', toExpressionData(context.run));
  root.add('matrix', toExpressionData(context.matrix));
  root.add('secrets', new SecretsDictionary(context.secrets ?? {}));
  return root;
}

function statusDefinitions(status: StatusFunctions | undefined): Map<string, FunctionDefinition> {
  const definitions = new Map<string, FunctionDefinition>();
  for (const name of statusFunctionNames) {
    definitions.set(name, {
      name,
      minArgs: 0,
      maxArgs: 0,
      call: () => {
        if (!status) throw new BatonError('expression', `${name}() can be used only in if:`);
        return new data.BooleanData(status[name]());
      },
    });
  }
  return definitions;
}
