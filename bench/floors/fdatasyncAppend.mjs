// The floor of a journaled step, measured by a program that is not Baton: append one line of a
// step record's size to a file and fdatasync it, `count` times, in the folder given. Prints the
// mean and the median (p50) milliseconds per append, as JSON.  Usage: node fdatasyncAppend.mjs <dir> <count>
import { closeSync, fdatasyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const [dir, countText] = process.argv.slice(2);
const count = Number(countText);
const file = join(dir, `floor-${process.pid}.jsonl`);
const line = `${JSON.stringify({ type: 'baton.step.completed', time: new Date().toISOString(), runId: '20260101-000000-abcd', workflowId: 'bench', workflowName: 'Bench', stepId: 's1234', data: { attempt: 1, durationMs: 0, outputs: {} } })}\n`;
const fd = openSync(file, 'a', 0o600);
const each = [];
const start = process.hrtime.bigint();
for (let i = 0; i < count; i++) {
  const before = process.hrtime.bigint();
  writeSync(fd, line);
  fdatasyncSync(fd);
  each.push(Number(process.hrtime.bigint() - before) / 1e6);
}
const ms = Number(process.hrtime.bigint() - start) / 1e6;
closeSync(fd);
rmSync(file);
each.sort((a, b) => a - b);
process.stdout.write(`${JSON.stringify({ mean: ms / count, p50: each[Math.floor(count / 2)] })}\n`);
