import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LifecycleHub, ListenerSet, type LifecycleEvent } from '../../src/core/index';

test('listeners hear each value in the order they subscribed, until they unsubscribe', () => {
  const set = new ListenerSet<number>();
  const heard: string[] = [];
  const offA = set.on((n) => heard.push(`a${n}`));
  set.on((n) => heard.push(`b${n}`));
  set.emit(1);
  offA();
  offA();
  set.emit(2);
  assert.deepEqual(heard, ['a1', 'b1', 'b2']);
  assert.equal(set.size, 1);
  set.clear();
  set.emit(3);
  assert.deepEqual(heard, ['a1', 'b1', 'b2']);
});

test('a throwing listener does not silence the others; its error goes to onError, else is rethrown after all ran', () => {
  const set = new ListenerSet();
  const heard: string[] = [];
  set.on(() => {
    throw new Error('first');
  });
  set.on(() => heard.push('second'));
  const errors: unknown[] = [];
  set.emit(undefined, (error) => errors.push(error));
  assert.deepEqual(heard, ['second']);
  assert.deepEqual(errors.map((e) => (e as Error).message), ['first']);
  assert.throws(() => set.emit(), { message: 'first' });
  assert.deepEqual(heard, ['second', 'second'], 'the second listener ran before the error was rethrown');
});

test('the lifecycle hub never lets a subscriber fail the publisher', () => {
  const hub = new LifecycleHub();
  hub.on(() => {
    throw new Error('broken subscriber');
  });
  const event: LifecycleEvent = { type: 'baton.run.cancel_requested', time: '', runId: 'r', workflowId: 'w', workflowName: 'W', data: { by: 'me', reason: null } };
  assert.doesNotThrow(() => hub.publish(event));
});
