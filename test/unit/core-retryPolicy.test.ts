import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canRetry, defaultsFromEnv, maxAttempts, parseWorkflow, retryDefaults, retryDelayMs, retryPolicy } from '../../src/core/index';
import { slackRetryDefaults } from '../../src/slack/index';

test('a retry policy fills in its documented defaults', () => {
  assert.deepEqual(retryPolicy(), { maxRetries: 0, initialDelayMs: 5000, backoff: 2, maxDelayMs: 300_000 });
  assert.deepEqual(retryPolicy({ maxRetries: 3 }), { ...retryDefaults, maxRetries: 3 });
  assert.deepEqual(retryPolicy({}, slackRetryDefaults), { maxRetries: 4, initialDelayMs: 1000, backoff: 2, maxDelayMs: 30_000 });
});

test('delays grow by the backoff up to the cap; attempts count the first one', () => {
  const policy = retryPolicy({ maxRetries: 4, initialDelayMs: 1000, backoff: 3, maxDelayMs: 5000 });
  assert.deepEqual([1, 2, 3, 4].map((n) => retryDelayMs(policy, n)), [1000, 3000, 5000, 5000]);
  assert.equal(maxAttempts(policy), 5);
  assert.deepEqual([1, 2, 3, 4, 5].map((made) => canRetry(policy, made)), [true, true, true, true, false]);
  assert.equal(canRetry(retryPolicy(), 1), false, 'no retries by default');
});

test('an out-of-range value is refused, naming the field', () => {
  assert.throws(() => retryPolicy({ maxRetries: -1 }), { name: 'RangeError', message: /maxRetries/ });
  assert.throws(() => retryPolicy({ maxRetries: 1.5 }), { name: 'RangeError', message: /maxRetries/ });
  assert.throws(() => retryPolicy({ initialDelayMs: Number.NaN }), { name: 'RangeError', message: /initialDelayMs/ });
  assert.throws(() => retryPolicy({ backoff: 0.5 }), { name: 'RangeError', message: /backoff/ });
  assert.throws(() => retryPolicy({ maxDelayMs: -5 }), { name: 'RangeError', message: /maxDelayMs/ });
  assert.equal(retryPolicy({ maxDelayMs: Number.POSITIVE_INFINITY }).maxDelayMs, Number.POSITIVE_INFINITY, 'no cap is allowed');
});

test('a step gets its policy from the retry_* keys, capped by WORKFLOW_MAX_RETRIES (whole retries)', () => {
  const yaml = 'name: R\nsteps:\n  - name: f\n    action: log\n    retry_count: 5\n    retry_delay_seconds: 2\n    retry_backoff: 3\n    retry_max_delay_seconds: 60\n';
  const step = parseWorkflow(yaml, 'r.yaml', { defaults: defaultsFromEnv({ WORKFLOW_MAX_RETRIES: '2.5' }) }).workflow?.steps[0];
  assert.deepEqual(step?.retry, { maxRetries: 2, initialDelayMs: 2000, backoff: 3, maxDelayMs: 60_000 });
});
