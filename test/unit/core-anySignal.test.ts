import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, test } from 'node:test';
import { anySignal } from '../../src/core/anySignal';

describe('anySignal', () => {
  test('aborts with the reason of whichever source aborts first, and lets go of the others', () => {
    const run = new AbortController();
    const timeout = new AbortController();
    const linked = anySignal([run.signal, timeout.signal]);
    assert.equal(linked.signal.aborted, false);
    timeout.abort('time is up');
    assert.equal(linked.signal.aborted, true);
    assert.equal(linked.signal.reason, 'time is up');
    assert.equal(getEventListeners(run.signal, 'abort').length, 0);
  });

  test('an already aborted source aborts it at once', () => {
    const linked = anySignal([new AbortController().signal, AbortSignal.abort('cancelled')]);
    assert.equal(linked.signal.reason, 'cancelled');
  });

  test('dispose leaves nothing on a long-lived source, so a 10,000-step run keeps no attempt alive', () => {
    const run = new AbortController();
    for (let i = 0; i < 1000; i++) anySignal([run.signal, new AbortController().signal]).dispose();
    assert.equal(getEventListeners(run.signal, 'abort').length, 0);
    const kept = anySignal([run.signal]);
    kept.dispose();
    run.abort();
    assert.equal(kept.signal.aborted, false, 'a disposed signal no longer follows its sources');
  });
});
