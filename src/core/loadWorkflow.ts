import { basename } from 'node:path';
import { Document, isMap, LineCounter, parseDocument } from 'yaml';
import type { ActionRegistry } from './actions/actionRegistry';
import { defaultActions } from './actions/defaultActions';
import type { Diagnostic, DiagnosticCode, Range } from './diagnostic';
import { hasErrors } from './diagnostic';
import { isBatonError } from './errors';
import { readUserFile, statUserFile } from './fileErrors';
import { bytePosition, firstInvalidUtf8 } from './utf8';
import { buildWorkflow, type WorkflowDefaults } from './buildWorkflow';
import type { CallFollower } from './validateCalls';
import { validateWorkflowDocument } from './validateWorkflow';
import type { Workflow } from './workflowModel';
import { parseInPieces } from './yamlPieces';
import { maxDepth, offsetRange, unclosedQuoteStart } from './yamlPositions';

/** Files larger than this are refused before parsing. @default 2 MiB */
export const maxWorkflowBytes = 2 * 1024 * 1024;
/** Deeper nesting than any real workflow needs is refused before schema checks. @default 64 */
export const maxNestingDepth = 64;
/** Aliases beyond this are treated as an alias bomb. @default 100 */
export const maxAliasCount = 100;
/**
 * Larger texts are first parsed in pieces (yamlPieces.ts), so a 10,000-step run never holds the
 * whole file's syntax tree; any problem sends the file down the one-document path for its positions.
 * @default 256 Ki characters
 */
export const piecesAboveChars = 256 * 1024;

const parseOptions = { uniqueKeys: true, prettyErrors: false, strict: true } as const;

export interface LoadOptions {
  /** Actions the file may use. @default defaultActions (the built-ins and every `registerAction`) */
  actions?: ActionRegistry;
  /** Action names accepted without a definition (e.g. `vscode_task` outside VS Code). */
  extraActionNames?: readonly string[];
  defaults?: Partial<WorkflowDefaults>;
  /**
   * Follow `action: workflow` calls into the files they name (cycles, depth, their outputs and
   * inputs). Off for a run's snapshot, whose relative paths point nowhere. @default true
   */
  followCalls?: boolean;
  /** The files that called this one, outermost first (set while following calls). */
  callStack?: readonly string[];
}

export interface LoadedWorkflow {
  file: string;
  /** The text as loaded (what a run snapshots). Empty when the bytes could not be decoded. */
  source: string;
  /** Present only when there are no errors. */
  workflow?: Workflow;
  diagnostics: Diagnostic[];
}

/**
 * Reads, parses and validates a workflow file. A file that cannot be read (missing, a folder, not
 * permitted) comes back as one `io` diagnostic; callers that must tell a user "exit 2" check the
 * file first with `statUserFile`.
 */
export function loadWorkflowFile(file: string, options: LoadOptions = {}): LoadedWorkflow {
  try {
    const { size } = statUserFile(file);
    if (size > maxWorkflowBytes) return tooLarge(file, size);
    return parseWorkflow(readUserFile(file), file, options);
  } catch (error) {
    if (isBatonError(error) && error.code === 'unreadable_file') return failed(file, 'io', error.message);
    throw error;
  }
}

/** Parses, validates and builds a workflow; every problem comes back as a Diagnostic with a range. */
export function parseWorkflow(input: string | Uint8Array, file: string, options: LoadOptions = {}): LoadedWorkflow {
  const decoded = typeof input === 'string' ? { text: input } : decode(input, file);
  if ('diagnostic' in decoded) return { file, source: '', diagnostics: [decoded.diagnostic] };
  const text = decoded.text.replace(/^\uFEFF/, '');
  if (Buffer.byteLength(text) > maxWorkflowBytes) return tooLarge(file, Buffer.byteLength(text));

  const actions = options.actions ?? defaultActions;
  const extraActionNames = options.extraActionNames ?? [];
  const calls: CallFollower | undefined =
    options.followCalls === false ? undefined : { stack: options.callStack ?? [], load: (called, stack) => loadWorkflowFile(called, { ...options, callStack: stack }) };
  if (text.length > piecesAboveChars) {
    const data = parseInPieces(text, { parse: parseOptions, maxAliasCount, maxDepth: maxNestingDepth });
    // Without the document there are no positions: a file with any diagnostic is parsed again whole.
    const problems = data && validateWorkflowDocument({ doc: new Document(), data, lineCounter: new LineCounter(), file, text, actions, extraActionNames, ...(calls ? { calls } : {}) });
    if (problems?.length === 0) return { file, source: text, diagnostics: [], workflow: buildWorkflow(data as Record<string, unknown>, defaultIdFor(file), options.defaults) };
  }

  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { ...parseOptions, lineCounter });
  const diagnostics = yamlDiagnostics(doc, lineCounter, file, text);
  if (hasErrors(diagnostics)) return { file, source: text, diagnostics };

  const structural = structuralDiagnostic(doc, lineCounter, file, text);
  if (structural) return { file, source: text, diagnostics: [...diagnostics, structural] };

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount });
  } catch {
    const at = text.search(/\*[^\s,\]}]+/);
    return {
      file,
      source: text,
      diagnostics: [error(file, 'yaml.ALIAS_BOMB', `too many alias expansions (more than ${maxAliasCount}); the file looks like an alias bomb`, offsetRange(lineCounter, Math.max(0, at), Math.max(0, at) + 1))],
    };
  }

  diagnostics.push(...validateWorkflowDocument({ doc, data, lineCounter, file, text, actions, extraActionNames, ...(calls ? { calls } : {}) }));
  if (hasErrors(diagnostics)) return { file, source: text, diagnostics };
  return { file, source: text, diagnostics, workflow: buildWorkflow(data as Record<string, unknown>, defaultIdFor(file), options.defaults) };
}

/** `ci.workflow.yaml` → `ci`, `automated_testing_pipeline.yml` → `automated_testing_pipeline`. */
export function defaultIdFor(file: string): string {
  return basename(file).replace(/\.(ya?ml)$/i, '').replace(/\.workflow$/i, '');
}

function decode(bytes: Uint8Array, file: string): { text: string } | { diagnostic: Diagnostic } {
  const bad = firstInvalidUtf8(bytes);
  if (bad < 0) return { text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8') };
  const at = bytePosition(bytes, bad);
  const hex = bytes[bad]!.toString(16).padStart(2, '0');
  return {
    diagnostic: error(file, 'encoding', `byte 0x${hex} is not valid UTF-8; save the file as UTF-8`, { start: at, end: { line: at.line, col: at.col + 1 } }),
  };
}

function yamlDiagnostics(doc: Document, lineCounter: LineCounter, file: string, text: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  let exhausted = false;
  // An unclosed quote swallows the rest of the file: report it at the opening quote, where the
  // mistake is, and drop the errors after it, which only describe what the string swallowed.
  const missing = doc.errors.find((problem) => problem.code === 'MISSING_CHAR');
  const quoteAt = missing ? unclosedQuoteStart(text, missing.pos[0]) : undefined;
  if (quoteAt !== undefined) {
    const quote = text[quoteAt];
    out.push(error(file, 'yaml.MISSING_CHAR', `this ${quote === '"' ? 'double' : 'single'}-quoted string is never closed: add the closing ${quote}`, offsetRange(lineCounter, quoteAt, quoteAt + 1)));
  }
  // A parser that ran out of stack (or gave up on one broken construct) repeats the same error
  // at the same place once per level: one line says it.
  const seen = new Set<string>();
  for (const problem of doc.errors) {
    if (quoteAt !== undefined && problem.pos[0] >= quoteAt) continue;
    const key = `${problem.code}@${problem.pos[0]}:${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (problem.code === 'RESOURCE_EXHAUSTION') {
      // The parser ran out of stack: report once, not once per level.
      if (exhausted) continue;
      exhausted = true;
      out.push(error(file, 'yaml.RESOURCE_EXHAUSTION', `the file is nested too deeply to parse; workflows need at most ${maxNestingDepth} levels`, offsetRange(lineCounter, problem.pos[0], problem.pos[1])));
      continue;
    }
    out.push(error(file, `yaml.${problem.code}`, yamlMessage(problem.code, problem.message), offsetRange(lineCounter, problem.pos[0], problem.pos[1])));
  }
  for (const warning of doc.warnings) {
    out.push({ ...error(file, `yaml.${warning.code}`, warning.message.split('\n')[0] ?? warning.message, offsetRange(lineCounter, warning.pos[0], warning.pos[1])), severity: 'warning' });
  }
  return out;
}

function yamlMessage(code: string, message: string): string {
  const first = message.split('\n')[0] ?? message;
  if (code === 'TAB_AS_INDENT') return 'tabs are not allowed as indentation in YAML; indent with spaces';
  if (code === 'DUPLICATE_KEY') return `${first}; remove or rename the repeated key`;
  return first.replace(/ at line \d+, column \d+$/, '');
}

function structuralDiagnostic(doc: Document, lineCounter: LineCounter, file: string, text: string): Diagnostic | undefined {
  if (doc.contents === null || text.trim() === '' || /^(\s*#.*)*\s*$/.test(text)) {
    return error(file, 'empty', 'the file is empty; a workflow needs at least `name` and `steps`', offsetRange(lineCounter, 0, 0));
  }
  if (!isMap(doc.contents)) {
    const r = doc.contents.range ?? [0, 0];
    return error(file, 'not_a_mapping', 'a workflow is a mapping with `name` and `steps` at the top level', offsetRange(lineCounter, r[0], r[1]));
  }
  const deepest = maxDepth(doc, maxNestingDepth);
  if (deepest.depth > maxNestingDepth) {
    const r = deepest.node?.range ?? [0, 0];
    return error(file, 'too_deep', `nesting deeper than ${maxNestingDepth} levels; flatten the params`, offsetRange(lineCounter, r[0], r[0] + 1));
  }
  return undefined;
}

function tooLarge(file: string, size: number): LoadedWorkflow {
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return failed(file, 'too_large', `the file is ${mib(size)}; workflow files are limited to ${mib(maxWorkflowBytes)}`);
}

function failed(file: string, code: DiagnosticCode, message: string): LoadedWorkflow {
  return { file, source: '', diagnostics: [error(file, code, message, { start: { line: 1, col: 1 }, end: { line: 1, col: 1 } })] };
}

export function error(file: string, code: DiagnosticCode, message: string, range: Range): Diagnostic {
  return { file, severity: 'error', code, message, range };
}
