import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { Document, LineCounter } from 'yaml';
import workflowSchema from '../../schemas/workflow.schema.json';
import type { ActionRegistry } from './actions/actionRegistry';
import { didYouMean } from './didYouMean';
import { schemaKeyword, type Diagnostic, type DiagnosticCode, type Range } from './diagnostic';
import { githubKeyHint } from './githubKeys';
import { cronProblem, isTimeZone } from './cronSchedule';
import { checkCalls, type CallFollower } from './validateCalls';
import { checkExpressions } from './validateExpressions';
import { checkNeeds, type Reporter } from './validateGraph';
import { checkMatrixSizes } from './validateMatrix';
import { slugify } from './workflowModel';
import { keyRange, nodeAtPath, offsetRange, rangeAtPath, type PathSegment } from './yamlPositions';

export interface ValidationInput {
  doc: Document;
  data: unknown;
  lineCounter: LineCounter;
  file: string;
  /** The source text, to find a template's exact column inside a scalar. */
  text: string;
  actions: ActionRegistry;
  extraActionNames: readonly string[];
  /** Follows `action: workflow` calls into their files; without it they are not judged. */
  calls?: CallFollower;
}

/**
 * Compiled schemas are kept per process: compiling costs far more than validating, and the
 * validator runs on every keystroke in VS Code. The cache holds pure functions only.
 */
const compiled = new WeakMap<object, ValidateFunction>();
const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });

function validatorFor(schema: object): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    fn = ajv.compile(schema);
    compiled.set(schema, fn);
  }
  return fn;
}

type Raw = Record<string, unknown>;

function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function validateWorkflowDocument(input: ValidationInput): Diagnostic[] {
  const { doc, data, lineCounter, file } = input;
  const out: Diagnostic[] = [];
  const at = (path: PathSegment[], pointAtKey = false) => rangeAtPath(doc, lineCounter, path, pointAtKey);
  const push = (code: DiagnosticCode, message: string, range: Range, severity: Diagnostic['severity'] = 'error') =>
    out.push({ file, severity, code, message, range });

  // Schema and meaning in one pass: a file with a typo must not hide its other problems until the
  // typo is fixed. The semantic checks below look only at the parts that are well-formed, so a
  // broken part yields its schema error and no follow-on errors.
  const validate = validatorFor(workflowSchema);
  const brokenSteps = new Set<number>();
  if (!validate(data)) {
    for (const e of relevantErrors(validate.errors ?? [])) {
      const path = pointerToPath(e.instancePath);
      const github = e.keyword === 'additionalProperties' ? githubKeyHint(path, String(e.params.additionalProperty), (valueAt(data, path) as Raw | undefined)?.[String(e.params.additionalProperty)]) : undefined;
      if (github) push('github_key', github, schemaRange(e, path, input));
      else push(`schema.${schemaKeyword(e.keyword)}`, schemaMessage(e, path, data), schemaRange(e, path, input));
      if (path[0] === 'steps' && typeof path[1] === 'number' && path.length === 2) brokenSteps.add(path[1]);
    }
  }

  const workflow = data as Raw;
  if (workflow.id !== undefined && workflow.workflow_id !== undefined) {
    push('duplicate_id_key', '`id` and `workflow_id` are the same key; keep one', at(['workflow_id'], true));
  }
  checkGlobs(workflow, at, push);
  checkSchedules(workflow, input, at, push);

  const steps = Array.isArray(workflow.steps) ? (workflow.steps as unknown[]) : [];
  // Inputs that are not a mapping were reported by the schema; then no input reference is judged.
  const declaredInputs = isRecord(workflow.inputs) || workflow.inputs === undefined ? new Set(Object.keys(workflow.inputs ?? {})) : undefined;
  const seenNames = new Map<string, number>();
  const seenIds = new Map<string, number>();
  const lineOf = (path: PathSegment[]) => at(path).start.line;

  steps.forEach((item, index) => {
    if (!isRecord(item)) return; // reported by the schema
    const step = item;
    const name = typeof step.name === 'string' ? step.name : undefined;
    const id = typeof step.id === 'string' ? step.id : name !== undefined ? slugify(name) : undefined;
    const firstName = name === undefined ? undefined : seenNames.get(name);
    if (name !== undefined && firstName !== undefined) {
      push('duplicate_name', `duplicate step name '${name}' (first used at line ${lineOf(['steps', firstName, 'name'])}); step names must be unique`, at(['steps', index, 'name']));
    } else if (name !== undefined) seenNames.set(name, index);
    const firstId = id === undefined ? undefined : seenIds.get(id);
    if (id !== undefined && firstId !== undefined && firstName === undefined) {
      const where = typeof step.id === 'string' ? ['steps', index, 'id'] : ['steps', index, 'name'];
      push('duplicate_id', `duplicate step id '${id}' (also step ${firstId + 1}, line ${lineOf(['steps', firstId])}); give one of them another \`id\``, at(where));
    } else if (id !== undefined && firstId === undefined) seenIds.set(id, index);

    const actionName = typeof step.action === 'string' ? step.action : undefined;
    const definition = actionName === undefined ? undefined : input.actions.get(actionName);
    if (actionName !== undefined && !definition && !input.extraActionNames.includes(actionName)) {
      const known = [...input.actions.names(), ...input.extraActionNames];
      push('unknown_action', `unknown action '${actionName}'${didYouMean(actionName, known)}; known actions: ${known.join(', ')} (more can be added with registerAction)`, at(['steps', index, 'action']));
    }
    // Absent params next to an unknown key of the step (`parms:`) are the typo's doing, not a second problem.
    const paramsJudged = isRecord(step.params) || (step.params === undefined && !brokenSteps.has(index));
    if (definition?.paramsSchema && paramsJudged) {
      const check = validatorFor(definition.paramsSchema);
      if (!check(step.params ?? {})) {
        for (const e of relevantErrors(check.errors ?? [])) {
          const path: PathSegment[] = ['steps', index, 'params', ...pointerToPath(e.instancePath)];
          const message = schemaMessage(e, path, data, `(action '${definition.name}')`);
          push(`params.${schemaKeyword(e.keyword)}`, message, step.params === undefined ? at(['steps', index, 'action']) : schemaRange(e, path, input));
        }
      }
    }
    if (step.approval_timeout_minutes !== undefined && step.requires_approval !== true) {
      push('approval_timeout_unused', 'approval_timeout_minutes has no effect without requires_approval: true', at(['steps', index, 'approval_timeout_minutes'], true), 'warning');
    }
    if (step.approvers !== undefined && step.requires_approval !== true) {
      push('approvers_unused', 'approvers has no effect without requires_approval: true', at(['steps', index, 'approvers'], true), 'warning');
    }
  });
  const reporter: Reporter = { at, push: (code, message, range) => push(code, message, range) };
  const graph = checkNeeds(steps, reporter);
  const calledOutputs = input.calls ? checkCalls(steps, file, input.calls, reporter) : new Map<number, ReadonlySet<string>>();
  checkExpressions({ doc, lineCounter, text: input.text, workflow, steps, graph, actions: input.actions, declaredInputs, calledOutputs, report: reporter });
  checkMatrixSizes(steps, reporter);
  // In file order, as a compiler prints them (the schema's and the semantic checks' interleaved).
  return out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.col - b.range.start.col);
}

function checkGlobs(workflow: Raw, at: (p: PathSegment[]) => Range, push: (c: DiagnosticCode, m: string, r: Range) => void): void {
  const save = isRecord(workflow.on) && Array.isArray(workflow.on.save) ? (workflow.on.save as unknown[]) : [];
  save.forEach((glob, i) => {
    if (typeof glob !== 'string') return; // reported by the schema
    let braces = 0;
    let brackets = 0;
    for (const ch of glob) {
      if (ch === '{') braces++;
      if (ch === '}') braces--;
      if (ch === '[') brackets++;
      if (ch === ']') brackets--;
      if (braces < 0 || brackets < 0) break;
    }
    if (braces !== 0 || brackets !== 0) push('bad_glob', `bad glob '${glob}': unbalanced ${braces !== 0 ? 'braces' : 'brackets'}`, at(['on', 'save', i]));
  });
}

function checkSchedules(workflow: Raw, input: ValidationInput, at: (p: PathSegment[]) => Range, push: (c: DiagnosticCode, m: string, r: Range) => void): void {
  const entries = isRecord(workflow.on) && Array.isArray(workflow.on.schedule) ? (workflow.on.schedule as unknown[]) : [];
  entries.forEach((entry, i) => {
    if (!isRecord(entry)) return; // reported by the schema
    if (typeof entry.cron === 'string' && entry.cron.trim() !== '') {
      const problem = cronProblem(entry.cron);
      if (problem) push('schedule.bad_cron', problem.message, (problem.field !== undefined && fieldRange(input, ['on', 'schedule', i, 'cron'], entry.cron, problem.field)) || at(['on', 'schedule', i, 'cron']));
    }
    if (typeof entry.timezone === 'string' && !isTimeZone(entry.timezone)) {
      const hint = didYouMean(entry.timezone, Intl.supportedValuesOf('timeZone')) || "; use an IANA name such as 'Europe/Berlin' or 'UTC'";
      push('schedule.bad_timezone', `unknown time zone '${entry.timezone}'${hint}`, at(['on', 'schedule', i, 'timezone']));
    }
  });
}

/** The range of one whitespace-separated field of a scalar, when the source spells the value as is (no escapes). */
function fieldRange(input: ValidationInput, path: PathSegment[], value: string, field: number): Range | undefined {
  const node = nodeAtPath(input.doc, path).node;
  const start = node?.range?.[0];
  if (start === undefined) return undefined;
  const quote = input.text[start] === '"' || input.text[start] === "'" ? 1 : 0;
  if (input.text.slice(start + quote, start + quote + value.length) !== value) return undefined;
  const fields = [...value.matchAll(/\S+/g)];
  const found = fields[field];
  if (!found || found.index === undefined) return undefined;
  return offsetRange(input.lineCounter, start + quote + found.index, start + quote + found.index + found[0].length);
}

/** Ajv reports an `if`/`anyOf` wrapper and its causes; keep the causes. */
function relevantErrors(errors: ErrorObject[]): ErrorObject[] {
  return errors.filter((e) => !['if', 'anyOf', 'oneOf'].includes(e.keyword));
}

function pointerToPath(pointer: string): PathSegment[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function schemaRange(e: ErrorObject, path: PathSegment[], input: ValidationInput): Range {
  const { doc, lineCounter } = input;
  if (e.keyword === 'additionalProperties') return keyRange(doc, lineCounter, path, String(e.params.additionalProperty));
  if (e.keyword === 'propertyNames') return keyRange(doc, lineCounter, path, String(e.params.propertyName));
  if (e.keyword === 'required' && path.length > 0) {
    // Underline the key that holds the incomplete mapping (e.g. `- name:` of the step), not the whole block.
    const { node } = nodeAtPath(doc, path);
    const r = node?.range;
    if (r) {
      const start = lineCounter.linePos(r[0]);
      return { start, end: { line: start.line, col: start.col + 1 } };
    }
  }
  return rangeAtPath(doc, lineCounter, path, false);
}

function describePath(path: PathSegment[], data: unknown): string {
  let label = '';
  let current: unknown = data;
  for (const segment of path) {
    if (typeof segment === 'number') {
      const item = Array.isArray(current) ? (current[segment] as Raw | undefined) : undefined;
      label += typeof item?.name === 'string' && label === 'steps' ? ` step '${item.name}'` : `[${segment}]`;
    } else label += label === '' ? segment : label.endsWith("'") ? ` ${segment}` : `.${segment}`;
    current = (current as Raw | undefined)?.[segment as string];
  }
  return label.replace(/^steps /, '');
}

function schemaMessage(e: ErrorObject, path: PathSegment[], data: unknown, context?: string): string {
  const where = describePath(path, data);
  const prefix = [where || 'workflow', context].filter(Boolean).join(' ');
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(e.params.additionalProperty);
      const allowed = Object.keys(((e.parentSchema as Raw | undefined)?.properties ?? {}) as Raw);
      return `unknown key '${key}' in ${prefix}${didYouMean(key, allowed)}${allowed.length ? `; allowed keys: ${allowed.join(', ')}` : ''}`;
    }
    case 'required':
      return `${prefix} is missing the required key '${String(e.params.missingProperty)}'`;
    case 'type':
      return `${prefix} must be ${article(String(e.params.type).replace(',', ' or '))}, not ${typeName(valueAt(data, path))}`;
    case 'enum':
      return `${prefix} must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'minItems':
      return `${prefix} must have at least ${String(e.params.limit)} item${e.params.limit === 1 ? '' : 's'}`;
    case 'pattern':
      if (path[2] === 'strategy' && path[3] === 'matrix') return `${prefix} must be a list of values, or one \${{ }} expression that gives one`;
      return `${prefix} ${e.message ?? 'is invalid'}`;
    case 'propertyNames':
      return `'${String(e.params.propertyName)}' is not a valid name in ${prefix}`;
    default:
      return `${prefix} ${e.message ?? 'is invalid'}`;
  }
}

function valueAt(data: unknown, path: PathSegment[]): unknown {
  return path.reduce<unknown>((v, s) => (v as Raw | undefined)?.[s as string], data);
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

function article(type: string): string {
  const words: Record<string, string> = { object: 'a mapping', array: 'a list', integer: 'an integer', number: 'a number', string: 'a string', boolean: 'true or false' };
  return type
    .split(' or ')
    .map((t) => words[t] ?? t)
    .join(' or ');
}
