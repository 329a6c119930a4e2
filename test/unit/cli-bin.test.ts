import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

test('the V8 flag the bin sets exists in this Node (an unknown one would print an error before every command)', () => {
  const flag = /setFlagsFromString\('(--[a-z-]+)=/.exec(readFileSync('src/cli/bin.ts', 'utf8'))?.[1];
  assert.ok(flag, 'bin.ts sets a flag');
  const options = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }).stdout;
  assert.ok(options.includes(`  ${flag} `), `${flag} is not a V8 flag of Node ${process.version}`);
});
