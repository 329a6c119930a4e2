// A peer for Baton's shell steps: plain Node (not Baton) running `count` commands through
// child_process.spawn with the options a shell step uses (its own process group, stdout and
// stderr piped), at most `parallel` at once. Prints the wall milliseconds.
// Usage: node nodeSpawn.mjs <dir> <count> <parallel> <command>
import { spawn } from 'node:child_process';

const [cwd, countText, parallelText, command] = process.argv.slice(2);
const count = Number(countText);
const one = () =>
  new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', () => {});
    child.stderr.on('data', () => {});
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`))));
  });
const start = process.hrtime.bigint();
let started = 0;
const lane = async () => {
  while (started < count) {
    started++;
    await one();
  }
};
await Promise.all(Array.from({ length: Number(parallelText) }, lane));
process.stdout.write(`${Number(process.hrtime.bigint() - start) / 1e6}\n`);
