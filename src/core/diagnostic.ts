/** A problem in a workflow file, with an exact range; collected as data, never thrown. */
export interface Diagnostic {
  file: string;
  severity: 'error' | 'warning';
  /** Stable machine-readable code, e.g. `yaml.BAD_INDENT`, `schema.additionalProperties`, `unknown_action`. */
  code: string;
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
