import assert from 'node:assert/strict';
import { test } from 'node:test';
import { globToRegExp } from '../../src/core/index';
import { compileFilter } from '../../src/events/match';
import { createEvent } from '../../src/events/event';
import { compileTypeFilter } from '../../src/slack/index';

test('path globs: ** spans folders, * and ? stay in one, {a,b} and [abc] work', () => {
  const yaml = globToRegExp('workflows/**/*.{yaml,yml}');
  assert.ok(yaml.test('workflows/ci.yaml') && yaml.test('workflows/a/b/ci.yml'));
  assert.ok(!yaml.test('workflows/ci.json') && !yaml.test('other/ci.yaml'));
  assert.ok(globToRegExp('src/*.ts').test('src/a.ts'));
  assert.ok(!globToRegExp('src/*.ts').test('src/lib/a.ts'), '* stops at a slash');
  assert.ok(globToRegExp('v[12].?s').test('v2.ts') && !globToRegExp('v[12].?s').test('v3.ts'));
  assert.ok(globToRegExp('a+b(c)').test('a+b(c)'), 'regex characters are literal');
});

test('name globs: * crosses dots and slashes, everything but * and ? is literal', () => {
  const name = (glob: string) => globToRegExp(glob, { syntax: 'name' });
  assert.ok(name('*pycharm*').test('baton://box/pycharm/12'));
  assert.ok(name('baton.*').test('baton.step.completed'));
  assert.ok(name('{a,b}[c]').test('{a,b}[c]') && !name('{a,b}').test('a'));
});

test('event filters and Slack type lists read a glob the same way', () => {
  const type = 'test.{unit}[1]';
  assert.ok(compileFilter({ type: 'test.{unit}*' })(createEvent(type, {})));
  assert.ok(compileTypeFilter(['test.{unit}*'])(type));
  assert.ok(!compileTypeFilter(['test.{unit}*', '!*[1]'])(type));
});
