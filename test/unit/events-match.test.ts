import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createEvent } from '../../src/events/event';
import { globToRegExp as compileGlob } from '../../src/core/index';
import { compileFilter, lineMayMatch, matchesEvent, readPath } from '../../src/events/match';

const globToRegExp = (glob: string) => compileGlob(glob, { syntax: 'name' });

const done = createEvent('process.completed', { exit_code: 0, name: 'pytest', nested: { list: [1, 2] } }, { source: 'baton://box/pycharm/12' });

test('globs know * and ? and treat everything else literally', () => {
  assert.ok(globToRegExp('baton.step.*').test('baton.step.completed'));
  assert.ok(!globToRegExp('baton.step.*').test('baton.stepXcompleted'));
  assert.ok(globToRegExp('process.?ailed').test('process.failed'));
  assert.ok(globToRegExp('a+b(c)[d]').test('a+b(c)[d]'));
  assert.ok(!globToRegExp('a.b').test('aXb'));
  assert.ok(globToRegExp('*').test(''));
});

test('filters match on type, source and dotted-path equality', () => {
  assert.ok(matchesEvent({}, done));
  assert.ok(matchesEvent({ type: 'process.*', source: '*pycharm*', where: { 'data.exit_code': 0 } }, done));
  assert.ok(!matchesEvent({ type: 'process.failed' }, done));
  assert.ok(!matchesEvent({ source: '*vscode*' }, done));
  assert.ok(!matchesEvent({ where: { 'data.exit_code': 1 } }, done));
  assert.ok(!matchesEvent({ where: { 'data.exit_code': '0' } }, done), 'equality is strict');
  assert.ok(matchesEvent({ where: { 'data.nested': { list: [1, 2] } } }, done), 'objects compare structurally');
  assert.ok(matchesEvent({ where: { 'data.nested.list.1': 2 } }, done));
  assert.ok(!matchesEvent({ where: { 'data.missing': undefined, 'data.exit_code': 1 } }, done));
  const pred = compileFilter({ type: 'process.completed', where: { 'data.name': 'pytest' } });
  assert.ok(pred(done));
});

test('readPath never walks into prototypes', () => {
  assert.equal(readPath({ a: {} }, 'a.constructor'), undefined);
  assert.equal(readPath({ a: 1 }, 'a.b'), undefined);
  assert.equal(readPath({ a: null }, 'a.b'), undefined);
});

test('lineMayMatch skips only lines that cannot hold a matching event', () => {
  const cancel = lineMayMatch({ type: 'baton.run.cancel_requested' })!;
  const line = (type: string) => JSON.stringify(createEvent(type, { by: 'x' }, { source: 'test' }));
  assert.equal(cancel(line('baton.run.cancel_requested')), true);
  assert.equal(cancel(line('baton.step.completed')), false);
  // Every letter may be written as an escape: such a line is always parsed.
  assert.equal(cancel(line('baton.run.cancel_requested').replace('cancel_requested', '\\u0063ancel_requested')), true);
  const approvals = lineMayMatch({ type: 'baton.approval.*' })!;
  assert.equal(approvals(line('baton.approval.granted')), true);
  assert.equal(approvals(line('baton.step.started')), false);
  assert.equal(lineMayMatch({ type: '*.failed' }), undefined, 'no literal start: every line is parsed');
  assert.equal(lineMayMatch({}), undefined);
});
