import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration } from '../../src/core/index';

test('short durations, for terminals and tree views', () => {
  assert.deepEqual(
    [850, 4210, 59_940, 59_970, 119_600, 125_000, 599_999, 3_720_000].map((ms) => formatDuration(ms)),
    ['850ms', '4.2s', '59.9s', '1m 00s', '2m 00s', '2m 05s', '10m 00s', '1h 02m'],
  );
});

test('long durations, for sentences in Slack', () => {
  const long = (ms: number) => formatDuration(ms, { style: 'long' });
  assert.deepEqual(
    [850, 6000, 9_940, 12_400, 59_600, 185_000, 3_600_000, 3_720_000].map(long),
    ['850 ms', '6.0 s', '9.9 s', '12 s', '1 min 0 s', '3 min 5 s', '1 h 0 min', '1 h 2 min'],
  );
});

test('what is not a duration reads as ?', () => {
  assert.deepEqual([-5, Number.NaN, Number.POSITIVE_INFINITY].map((ms) => formatDuration(ms)), ['?', '?', '?']);
  assert.equal(formatDuration(999.6), '1.0s', 'rounding never shows 1000ms');
});

test("'rough' says how long until something in one unit, rounded down past a minute", () => {
  assert.deepEqual([40_000, 59_600, 5 * 60_000 + 59_000, 3 * 3600_000 + 3599_000, 2 * 86400_000 + 5000].map((ms) => formatDuration(ms, { style: 'rough' })), ['40 s', '1 min', '5 min', '3 h', '2 d']);
});
