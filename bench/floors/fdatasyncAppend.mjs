// The floor of a journaled step, measured by a program that is not Baton: append one line of a
// step record's size to a file and fdatasync it, `count` times, in the folder given. Prints the
// mean milliseconds per append.  Usage: node fdatasyncAppend.mjs <dir> <count>
import { closeSync, fdatasyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const [dir, countText] = process.argv.slice(2);
const count = Number(countText);
const file = join(dir, `floor-${process.pid}.jsonl`);
const line = `${JSON.stringify({ type: 'baton.step.completed', time: new Date().toISOString(), runId: '20260101-000000-abcd', workflowId: 'bench', workflowName: 'Bench', stepId: 's1234', data: { attempt: 1, durationMs: 0, outputs: {} } })}\n`;
const fd = openSync(file, 'a', 0o600);
const start = process.hrtime.bigint();
for (let i = 0; i < count; i++) {
  writeSync(fd, line);
  fdatasyncSync(fd);
}
const ms = Number(process.hrtime.bigint() - start) / 1e6;
closeSync(fd);
rmSync(file);
process.stdout.write(`${ms / count}\n`);
