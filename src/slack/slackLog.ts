import type { SlackFailure, SlackLogger } from './notifierOptions';

/**
 * Where a notifier's lines go (both the webhook one and the app's): each scrubbed of the URL or
 * token it must never show. A broken logger or `onFailure` callback never breaks delivery.
 */
export class SlackLog {
  constructor(
    private readonly logger: SlackLogger,
    readonly scrub: (text: string) => string,
    private readonly onFailure?: (failure: SlackFailure) => void,
  ) {}

  log(level: 'warn' | 'debug', message: string): void {
    try {
      const text = this.scrub(message);
      if (level === 'warn') this.logger.warn(text);
      else this.logger.debug?.(text);
    } catch {
      // A broken logger must not break delivery.
    }
  }

  /** The single exit for failures: scrubbed, logged as `line` says, handed to `onFailure`; never throws. */
  report(failure: SlackFailure, line: (safe: SlackFailure) => string): void {
    const safe: SlackFailure = { ...failure, reason: this.scrub(failure.reason), type: this.scrub(failure.type) };
    this.log('warn', line(safe));
    try {
      this.onFailure?.(safe);
    } catch (error) {
      this.log('warn', `Slack onFailure callback threw: ${describeError(error)}`);
    }
  }
}

export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
