import { setFlagsFromString } from 'node:v8';
import { toleratePipeClose } from './io';
import { main } from './main';

// V8 doubles its young generation (up to 2 × 16 MiB) once enough objects have survived young
// collections, and grows the old one eagerly, which loading and running a 10,000-step workflow
// always provokes. Keeping the young generation at the size module loading left it and letting
// V8 size the heap for memory rather than speed keeps that run at ~85 MB peak RSS instead of
// ~105 (budget 100 MB, DESIGN §17) for ~5–10 % more CPU on such a run (bench/memory.bench.ts).
// Both flags are read as the heap resizes, so setting them now takes effect.
setFlagsFromString('--semi-space-growth-factor=1');
setFlagsFromString('--optimize-for-size');

// The bin only wires the process: signals become an AbortSignal, the result an exit code.
const controller = new AbortController();
let interrupts = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    controller.abort(new Error(`${signal} received`));
  });
}

// `baton run … | head -3`: the run finishes with its output discarded (see docs/decisions.md).
const stdoutClosed = toleratePipeClose(process.stdout);
toleratePipeClose(process.stderr);

main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
  stdoutClosed,
}).then(
  (code) => {
    process.exitCode = code;
    // Long-lived helpers (watchers, timers) are unref'd; stdin may still hold the loop open.
    process.stdin.pause();
  },
  (error: unknown) => {
    process.stderr.write(`baton: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
