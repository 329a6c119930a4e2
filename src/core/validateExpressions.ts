import { secretNamePattern } from './secrets';
import { isScalar, type Document, type LineCounter } from 'yaml';
import type { ActionRegistry } from './actions/actionRegistry';
import type { DiagnosticCode, Range } from './diagnostic';
import { didYouMean } from './didYouMean';
import { scanCondition, scanExpressions, type ScannedExpression } from './expressions';
import { statusFunctionNames, type ContextRead, type ExpressionProblemCode } from './expressionSyntax';
import type { NeedsGraph, Reporter } from './validateGraph';
import { nodeAtPath, offsetRange, rangeAtPath, type PathSegment } from './yamlPositions';

/**
 * Checks every `${{ }}` wherever it stands — params, `if:`, matrix values, the workflow's `env` —
 * with GitHub's own parser: syntax (at the column inside the expression), unknown functions and
 * contexts (at the name), and what it reads (at the `${{ }}`): steps the reader does not need,
 * unknown steps, inputs, outputs and matrix keys, secrets in `if:`.
 */
export interface ExpressionCheckInput {
  doc: Document;
  lineCounter: LineCounter;
  text: string;
  workflow: Raw;
  steps: readonly unknown[];
  graph: NeedsGraph;
  actions: ActionRegistry;
  /** Undefined when `inputs` itself is malformed: reads of inputs are then not judged. */
  declaredInputs: ReadonlySet<string> | undefined;
  /** Per `action: workflow` step index: the called file's declared outputs. */
  calledOutputs?: ReadonlyMap<number, ReadonlySet<string>>;
  report: Reporter;
}

type Raw = Record<string, unknown>;

/** Where an expression stands, which decides what it may read. */
interface Reader {
  place: 'params' | 'if' | 'matrix' | 'env' | 'outputs';
  /** The step's index; undefined for the workflow's env. */
  index?: number;
  /** Present for a matrix step; `keys` undefined when the matrix is one expression (known at run time only). */
  matrix?: { keys?: ReadonlySet<string> };
  /** Why `secrets` cannot be read here, if they cannot. */
  noSecrets?: string;
}

const problemCodes: Record<ExpressionProblemCode, DiagnosticCode> = {
  syntax: 'expression.syntax',
  unknown_function: 'expression.unknown_function',
  unknown_context: 'expression.unknown_context',
};
const runFields = ['id', 'workflow_id', 'workflow_name'];

export function checkExpressions(input: ExpressionCheckInput): void {
  const env = input.workflow.env;
  if (isRecord(env)) {
    for (const [key, value] of Object.entries(env)) if (typeof value === 'string') checkText(input, value, ['env', key], { place: 'env' });
  }
  const outputs = input.workflow.outputs;
  if (isRecord(outputs)) {
    const noSecrets = "outputs land in the journal and the caller's outputs; a secret would only show as ***";
    for (const [key, value] of Object.entries(outputs)) if (typeof value === 'string') checkText(input, value, ['outputs', key], { place: 'outputs', noSecrets });
  }
  input.steps.forEach((step, index) => {
    if (!isRecord(step)) return;
    const at = (...rest: PathSegment[]): PathSegment[] => ['steps', index, ...rest];
    const matrix = matrixOf(step.strategy);
    // A called workflow's inputs are journaled in its started record: it reads the secret itself (same sources).
    const callInputs = step.action === 'workflow' ? { noSecrets: "a called workflow's inputs are journaled; let it read the secret itself with ${{ secrets.NAME }}" } : {};
    walkStrings(step.params, at('params'), (value, path) => checkText(input, value, path, { place: 'params', index, ...(matrix ? { matrix } : {}), ...(path[3] === 'inputs' ? callInputs : {}) }));
    if (typeof step.if === 'string') checkCondition(input, step.if, at('if'), { place: 'if', index, ...(matrix ? { matrix } : {}) });
    if (isRecord(step.strategy)) {
      const reader: Reader = { place: 'matrix', index };
      for (const key of ['matrix', 'include', 'exclude']) walkStrings(step.strategy[key], at('strategy', key), (value, path) => checkText(input, value, path, reader));
    }
  });
}

function checkText(input: ExpressionCheckInput, value: string, path: PathSegment[], reader: Reader): void {
  if (!value.includes('${{')) return;
  const locate = locator(input, path, value);
  for (const scanned of scanExpressions(value)) judge(input, scanned, locate(scanned), reader);
}

function checkCondition(input: ExpressionCheckInput, value: string, path: PathSegment[], reader: Reader): void {
  const { expressions, textOutside } = scanCondition(value);
  if (textOutside) {
    input.report.push('expression.condition_text', "this if: has text beside its ${{ }}, so it is a string and always true; write the whole condition as one expression, with or without ${{ }}", input.report.at(path));
  }
  const locate = locator(input, path, value);
  for (const scanned of expressions) judge(input, scanned, locate(scanned), reader);
}

/** Maps offsets of one expression in the value to ranges in the file. */
type SpanRange = (start: number, end: number) => Range;

function judge(input: ExpressionCheckInput, scanned: ScannedExpression, range: SpanRange, reader: Reader): void {
  const { report } = input;
  for (const problem of scanned.problems) {
    const length = problem.name?.length ?? 1;
    report.push(problemCodes[problem.code], problem.message, range(problem.offset, Math.min(problem.offset + length, Math.max(scanned.end, problem.offset + 1))));
  }
  for (const read of scanned.reads) {
    const found = judgeRead(input, read, reader);
    if (found) report.push(found[0], found[1], range(scanned.start, scanned.end));
  }
  for (const call of scanned.calls) {
    if (reader.place !== 'if' && (statusFunctionNames as readonly string[]).includes(call.name)) {
      report.push('expression.not_allowed', `${call.name}() can be used only in if:`, range(call.offset, call.offset + call.name.length));
    }
  }
}

function judgeRead(input: ExpressionCheckInput, read: ContextRead, reader: Reader): [DiagnosticCode, string] | undefined {
  const [root, name, property, key] = read.path;
  // Only a problem is written out: most reads have none.
  const written = () => read.path.map((p) => p ?? '[...]').join('.');
  switch (root) {
    case 'steps':
    case 'needs': {
      if (reader.place === 'outputs') {
        // Evaluated once every step has ended: any step may be read, by its id.
        if (root === 'needs') return ['expression.not_allowed', `${written()}: outputs read steps.<id>.outputs; needs is for a step's own needs`];
        if (typeof name !== 'string' || name === '*') return undefined;
        if (!input.graph.indexOf.has(name)) return ['expression.unknown_step', `${written()}: no step has the id '${name}'${didYouMean(name, input.graph.indexOf.keys())}`];
        return judgeStepProperty(input, root, name, property, key, written);
      }
      if (reader.index === undefined) return ['expression.not_allowed', `${written()}: the workflow's env is set before any step runs; it can read inputs, env, event and run`];
      if (typeof name !== 'string' || name === '*') return undefined;
      const { graph } = input;
      const own = graph.ids[reader.index];
      if (!graph.indexOf.has(name)) return ['expression.unknown_step', `${written()}: no step has the id '${name}'${didYouMean(name, graph.indexOf.keys())}`];
      if (name === own) return ['expression.not_needed', `${written()}: a step cannot read its own ${root}; it can read the steps it needs`];
      if (!graph.reaches(reader.index, name)) {
        const needs = graph.needs[reader.index] ?? [];
        const now = needs.length ? `it needs ${needs.map((n) => `'${n}'`).join(', ')}` : 'it needs no step';
        return ['expression.not_needed', `step '${own}' reads ${written()}, but does not need '${name}' (${now}); a step can read only the steps it needs, directly or through others: add '${name}' to its needs`];
      }
      return judgeStepProperty(input, root, name, property, key, written);
    }
    case 'inputs':
      if (typeof name === 'string' && input.declaredInputs && !input.declaredInputs.has(name)) {
        return ['expression.unknown_input', `unknown input '${name}'${didYouMean(name, input.declaredInputs)}; declare it under \`inputs:\` with a default`];
      }
      return undefined;
    case 'run':
      if (typeof name === 'string' && name !== '*' && !runFields.includes(name)) return ['expression.unknown_property', `${written()}: run has ${runFields.join(', ')}`];
      return undefined;
    case 'matrix':
      if (reader.place === 'matrix' || reader.place === 'env' || reader.place === 'outputs') return ['expression.not_allowed', `${written()}: matrix values are known only inside a matrix step's params, env and if`];
      if (!reader.matrix) return ['matrix.no_matrix', `${written()}: this step has no strategy.matrix, so matrix is empty here`];
      if (typeof name === 'string' && name !== '*' && reader.matrix.keys && !reader.matrix.keys.has(name)) {
        return ['matrix.unknown_key', `${written()}: the matrix has no key '${name}'${didYouMean(name, reader.matrix.keys)}; its keys are ${[...reader.matrix.keys].join(', ')}`];
      }
      return undefined;
    case 'secrets':
      if (reader.noSecrets) return ['expression.not_allowed', `${written()}: ${reader.noSecrets}`];
      if (reader.place === 'env' || reader.place === 'matrix') return ['expression.not_allowed', `${written()}: a secret is read in a step's params (resolved when that step starts), not in ${reader.place === 'env' ? 'the workflow\'s env' : 'strategy.matrix'}`];
      if (reader.place === 'if') return ['expression.secrets_in_if', `${written()}: secrets cannot be read in if: (as in GitHub Actions); compare them in the step instead`];
      if (typeof name === 'string' && name !== '*' && !secretNamePattern.test(name)) {
        return ['expression.secret_name', `${written()}: a secret's name is upper case letters, digits and _ (like ${name.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}), so BATON_SECRET_<NAME> can hold it`];
      }
      return undefined;
    default:
      return undefined;
  }
}

function judgeStepProperty(input: ExpressionCheckInput, root: 'steps' | 'needs', name: string, property: string | null | undefined, key: string | null | undefined, written: () => string): [DiagnosticCode, string] | undefined {
  if (property === undefined || property === null || property === '*') return undefined;
  const status = root === 'steps' ? 'status' : 'result';
  if (property !== 'outputs' && property !== status) {
    const other = root === 'steps' ? `needs.${name}.result is GitHub's name for its result` : `steps.${name}.status is Baton's name for its status`;
    return ['expression.unknown_property', `${written()}: ${root}.${name} has outputs and ${status}${property === 'status' || property === 'result' ? `; ${other}` : ''}`];
  }
  if (property !== 'outputs' || typeof key !== 'string' || key === '*') return undefined;
  const index = input.graph.indexOf.get(name)!;
  const step = input.steps[index] as Raw;
  const called = input.calledOutputs?.get(index);
  if (called && !called.has(key)) {
    return ['expression.unknown_output', `step '${name}' calls ${String((step.params as Raw).path)}, which declares no output '${key}'${called.size ? `; its outputs: ${[...called].join(', ')}` : '; it declares no `outputs:`'}`];
  }
  const definition = typeof step.action === 'string' ? input.actions.get(step.action) : undefined;
  const outputs = definition?.outputs;
  if (Array.isArray(outputs) && !outputs.includes(key)) {
    return ['expression.unknown_output', `step '${name}' (action ${definition!.name}) has no output '${key}'${outputs.length ? `; it has ${outputs.join(', ')}` : '; it sets no outputs'}`];
  }
  return undefined;
}

/** A matrix step's keys (in `matrix` and in include entries); undefined keys when the matrix is an expression. */
function matrixOf(strategy: unknown): Reader['matrix'] {
  if (!isRecord(strategy)) return undefined;
  const { matrix } = strategy;
  if (!isRecord(matrix)) return {};
  const keys = new Set(Object.keys(matrix).filter((k) => k !== 'include' && k !== 'exclude'));
  for (const list of [matrix.include, strategy.include]) {
    if (!Array.isArray(list)) continue;
    for (const entry of list) if (isRecord(entry)) for (const k of Object.keys(entry)) keys.add(k);
  }
  return { keys };
}

/**
 * Ranges inside a scalar: the `${{ }}` is found in the scalar's source text (after the previous
 * one, and with `''` for `'` in a single-quoted scalar), so a column inside the expression is
 * exact. Where the source says it differently (escapes in a double-quoted scalar, a folded
 * block), the whole scalar is the range.
 */
function locator(input: ExpressionCheckInput, path: PathSegment[], value: string): (scanned: ScannedExpression) => SpanRange {
  const { node } = nodeAtPath(input.doc, path);
  // Only a problem needs a range: most expressions have none.
  const whole = () => rangeAtPath(input.doc, input.lineCounter, path);
  if (!isScalar(node) || !node.range) return () => whole;
  const [start, end] = node.range;
  const source = input.text.slice(start, end);
  const singleQuoted = node.type === 'QUOTE_SINGLE';
  let cursor = 0;
  return (scanned) => {
    const raw = value.slice(scanned.start, scanned.end);
    const found = source.indexOf(singleQuoted ? raw.replaceAll("'", "''") : raw, cursor);
    if (found < 0) return whole;
    cursor = found + raw.length;
    const toFile = (offset: number) => {
      const inRaw = offset - scanned.start;
      const doubled = singleQuoted ? raw.slice(0, inRaw).split("'").length - 1 : 0;
      return start + found + inRaw + doubled;
    };
    return (from, to) => offsetRange(input.lineCounter, toFile(from), toFile(to));
  };
}

/** Calls `visit` for every string under `value` (iterative: hostile depth was refused earlier, but stay safe). */
function walkStrings(value: unknown, path: PathSegment[], visit: (value: string, path: PathSegment[]) => void): void {
  const stack: Array<[unknown, PathSegment[]]> = [[value, path]];
  while (stack.length > 0) {
    const [current, currentPath] = stack.pop()!;
    if (typeof current === 'string') visit(current, currentPath);
    else if (Array.isArray(current)) current.forEach((item, i) => stack.push([item, [...currentPath, i]]));
    else if (isRecord(current)) for (const [key, item] of Object.entries(current)) stack.push([item, [...currentPath, key]]);
  }
}

function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
