/** What a CLI command may touch; the bin wires `process`, tests pass their own. */
export interface CliIo {
  stdout: { write(text: string | Uint8Array): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(text: string | Uint8Array): unknown };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborted on SIGINT/SIGTERM by the bin. */
  signal: AbortSignal;
}

export const exitCodes = { ok: 0, failed: 1, usage: 2, cancelled: 130 } as const;
