/** What a CLI command may touch; the bin wires `process`, tests pass their own. */
export interface CliIo {
  stdout: { write(text: string | Uint8Array): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(text: string | Uint8Array): unknown };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborted on SIGINT/SIGTERM by the bin. */
  signal: AbortSignal;
  /**
   * Aborted when nobody reads stdout any more (`baton tail -f | head -3`): a command that only
   * prints stops then; one doing work (a run) carries on with its output discarded.
   */
  stdoutClosed?: AbortSignal;
}

export const exitCodes = { ok: 0, failed: 1, usage: 2, cancelled: 130 } as const;

/**
 * Makes a reader that goes away (`baton run | head -3`: EPIPE) harmless, once, at the edge: the
 * error that Node would otherwise raise as an uncaught exception (a stack trace, and a run left
 * with no process running it) only aborts the returned signal. Node drops every later write to
 * the destroyed stream silently, so no command needs to know.
 */
export function toleratePipeClose(stream: NodeJS.WritableStream): AbortSignal {
  const closed = new AbortController();
  // Any error on our own output stream means the same for us (EPIPE in practice; EIO when the
  // terminal went away): nowhere left to say anything, and nothing to stop for.
  stream.on('error', (error: NodeJS.ErrnoException) => closed.abort(error));
  return closed.signal;
}
