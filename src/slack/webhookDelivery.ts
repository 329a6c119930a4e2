import { canRetry, maxAttempts, retryDelayMs, type RetryPolicy } from '../core/index';
import type { SlackPayload } from './blocks';
import type { Delivery } from './deliveryQueue';
import type { RateLimiter } from './rateLimiter';
import { postToWebhook } from './webhookPost';

/** How one message's delivery ended. Reasons never contain the URL. */
export type DeliveryResult =
  | { kind: 'sent' }
  /** The notifier was disposed, or settled the message otherwise, while it was on its way. */
  | { kind: 'stopped' }
  | { kind: 'rejected' | 'gave_up'; reason: string; status?: number };

export interface WebhookDeliveryOptions {
  url: string;
  limiter: RateLimiter;
  retry: RetryPolicy;
  requestTimeoutMs: number;
  /** Aborts the request in flight and any wait (the notifier's dispose). */
  signal: AbortSignal;
  /** Whether the message was settled elsewhere meanwhile. */
  stopped: () => boolean;
  debug: (message: string) => void;
}

/**
 * Posts one message: waits for its turn, then retries 429s, 5xx answers, timeouts and network
 * errors as the policy allows. Counts attempts on `item`.
 */
export async function deliverToWebhook(item: Delivery, payload: SlackPayload, options: WebhookDeliveryOptions): Promise<DeliveryResult> {
  const { limiter, retry } = options;
  for (;;) {
    await limiter.waitForTurn(options.signal);
    if (options.stopped()) return { kind: 'stopped' };
    item.attempts++;
    const outcome = await postToWebhook(options.url, payload, { timeoutMs: options.requestTimeoutMs, signal: options.signal });
    limiter.requestEnded();
    if (options.stopped()) return { kind: 'stopped' };
    switch (outcome.kind) {
      case 'sent':
        return { kind: 'sent' };
      case 'aborted':
        return { kind: 'stopped' };
      case 'reject':
        return { kind: 'rejected', reason: `Slack refused the message: ${outcome.reason}`, status: outcome.status };
      case 'retry': {
        const status = outcome.status === undefined ? {} : { status: outcome.status };
        if (!canRetry(retry, item.attempts)) return { kind: 'gave_up', reason: `${outcome.reason}; gave up after ${item.attempts} attempts`, ...status };
        const delay = outcome.retryAfterMs ?? retryDelayMs(retry, item.attempts);
        options.debug(`Slack: ${outcome.reason}; retrying ${item.type} in ${delay} ms (attempt ${item.attempts + 1} of ${maxAttempts(retry)})`);
        // A 429 is about the webhook, not the message: hold every message back, not just this one.
        limiter.holdFor(delay);
      }
    }
  }
}
