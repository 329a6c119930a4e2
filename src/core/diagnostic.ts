import type { ErrorCode as YamlErrorCode } from 'yaml';

/** JSON-schema keywords a workflow or an action's params can break; any other keyword reports as `invalid`. */
export const schemaKeywords = ['additionalProperties', 'required', 'type', 'enum', 'const', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties', 'propertyNames', 'oneOf', 'anyOf', 'not', 'format', 'invalid'] as const;
export type SchemaKeyword = (typeof schemaKeywords)[number];

/**
 * Every code a diagnostic can carry: stable, machine-readable, asserted by tests and read by
 * editors (never the message text).
 */
export type DiagnosticCode =
  /** The `yaml` library's own syntax errors and warnings, e.g. `yaml.BAD_INDENT`. */
  | `yaml.${YamlErrorCode}`
  | 'yaml.ALIAS_BOMB'
  /** The workflow schema, by keyword: `schema.additionalProperties` (unknown key), `schema.type`, ... */
  | `schema.${SchemaKeyword}`
  /** An action's params schema, by keyword. */
  | `params.${SchemaKeyword}`
  | 'io'
  | 'encoding'
  | 'empty'
  | 'not_a_mapping'
  | 'too_deep'
  | 'too_large'
  | 'duplicate_id_key'
  | 'duplicate_name'
  | 'duplicate_id'
  | 'unknown_action'
  | 'approval_timeout_unused'
  | 'approvers_unused'
  | 'bad_glob'
  /** `on.schedule`: a cron expression croner refuses (at the bad field when one is), a time zone this runtime does not know. */
  | 'schedule.bad_cron'
  | 'schedule.bad_timezone'
  /** A GitHub Actions key (`timeout-minutes`, `runs-on`, `run:`, ...) with Baton's way to say it. */
  | 'github_key'
  /** `needs`: the steps need each other in a cycle (at the entry that closes it), an id that is no step, a step's own id. */
  | 'needs.cycle'
  | 'needs.unknown'
  | 'needs.self'
  /** `${{ }}` and `if:` (GitHub's expression language): syntax, at the column inside the expression. */
  | 'expression.syntax'
  | 'expression.unknown_function'
  | 'expression.unknown_context'
  /** A context or function this place cannot read (`matrix` in the workflow's env, `success()` outside `if:`). */
  | 'expression.not_allowed'
  /** `steps.<id>` / `needs.<id>` naming no step, or a step the reader does not (transitively) need. */
  | 'expression.unknown_step'
  | 'expression.not_needed'
  | 'expression.unknown_input'
  /** An output a step's action never sets (for actions that declare their outputs). */
  | 'expression.unknown_output'
  /** `steps.<id>.result`, `run.url`, ...: a property the context does not have. */
  | 'expression.unknown_property'
  | 'expression.secrets_in_if'
  | 'expression.secret_name'
  /** `if:` with text beside a `${{ }}`: GitHub would read it as an always-true string. */
  | 'expression.condition_text'
  /** More than 256 instances of one matrix step (after include/exclude). */
  | 'matrix.too_large'
  /** `matrix.<key>` naming a key the step's matrix lacks, or read by a step without a matrix. */
  | 'matrix.unknown_key'
  | 'matrix.no_matrix'
  /** `action: workflow`: the called file cannot be read, does not validate, calls back into a caller, nests deeper than 5, lacks an input. */
  | 'call.not_found'
  | 'call.invalid'
  | 'call.cycle'
  | 'call.depth'
  | 'call.unknown_input';

/** `schema.<keyword>` for a keyword ajv reported, closed over the known set. */
export function schemaKeyword(keyword: string): SchemaKeyword {
  return (schemaKeywords as readonly string[]).includes(keyword) ? (keyword as SchemaKeyword) : 'invalid';
}

/** A problem in a workflow file, with an exact range; collected as data, never thrown. */
export interface Diagnostic {
  file: string;
  severity: 'error' | 'warning';
  /** Stable machine-readable code, e.g. `yaml.BAD_INDENT`, `schema.additionalProperties`, `unknown_action`. */
  code: DiagnosticCode;
  message: string;
  /** 1-based line and column of the first character, and of the character after the last. */
  range: Range;
}

export interface Position {
  line: number;
  col: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** `path:line:col: error: message`, the form compilers and editors' problem matchers read. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.range.start.line}:${d.range.start.col}: ${d.severity}: ${d.message}`;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
