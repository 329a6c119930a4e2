import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createEvent } from '../../src/events/event';
import { globToRegExp as compileGlob } from '../../src/core/index';
import { compileFilter, matchesEvent, readPath } from '../../src/events/match';

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
