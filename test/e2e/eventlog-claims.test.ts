/** Several watcher processes race for the same triggers: exactly one wins each event × workflow. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';

const root = path.resolve(__dirname, '..', '..');

// Each child says "ready", spins until the start file appears (so all of them race at once), then
// claims every event for two workflows and prints what it won.
const racer = `
const fs = require('node:fs');
const { claimTrigger } = require(${JSON.stringify(path.join(root, 'src/events/claims.ts'))});
const [stateDir, startFile, events] = process.argv.slice(1);
process.stdout.write('ready\\n');
while (!fs.existsSync(startFile)) {}
const won = [];
for (let i = 0; i < Number(events); i++) {
  for (const wf of ['deploy', 'notify']) if (claimTrigger(stateDir, 'EVT' + i, wf)) won.push('EVT' + i + '/' + wf);
}
process.stdout.write(JSON.stringify(won) + '\\n');
`;

test('six processes racing for 200 event × workflow claims: exactly one winner each', { timeout: 60_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-claims-race-'));
  const startFile = path.join(dir, 'go');
  try {
    const children = Array.from({ length: 6 }, () => spawn(process.execPath, ['--import', 'tsx', '-e', racer, dir, startFile, '100'], { cwd: root }));
    const outputs = children.map(
      (child) =>
        new Promise<{ ready: Promise<void>; won: Promise<string[]> }>((resolveOuter) => {
          let out = '';
          let markReady!: () => void;
          const ready = new Promise<void>((r) => (markReady = r));
          const won = new Promise<string[]>((resolve, reject) => {
            child.stdout.on('data', (d: Buffer) => {
              out += d.toString();
              if (out.startsWith('ready\n')) markReady();
            });
            child.on('exit', (code) => {
              if (code !== 0) return reject(new Error(`racer exited ${code}`));
              resolve(JSON.parse(out.split('\n')[1] ?? '[]') as string[]);
            });
          });
          resolveOuter({ ready, won });
        }),
    );
    const handles = await Promise.all(outputs);
    await Promise.all(handles.map((h) => h.ready));
    fs.writeFileSync(startFile, '');
    const results = await Promise.all(handles.map((h) => h.won));
    const all = results.flat();
    assert.equal(all.length, 200, 'every claim was won by someone');
    assert.equal(new Set(all).size, 200, 'and by no more than one process');
    assert.ok(results.filter((r) => r.length > 0).length >= 1);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
