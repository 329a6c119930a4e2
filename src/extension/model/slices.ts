/**
 * Long loops on the extension host's thread run as generators: each `yield` is a point where the
 * loop may pause. runInSlices runs one to its end at once, or, given a slice length, pauses it once
 * it has run that long (after `onPause`) and resumes it when other work had its turn (setImmediate).
 */
export function runInSlices<T>(steps: Generator<void, T>): T;
export function runInSlices<T>(steps: Generator<void, T>, slice: { ms: number; onPause?: () => void }): Promise<T>;
export function runInSlices<T>(steps: Generator<void, T>, slice?: { ms: number; onPause?: () => void }): T | Promise<T> {
  if (!slice) {
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
    }
  }
  return (async () => {
    let sliceStart = performance.now();
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
      if (performance.now() - sliceStart >= slice.ms) {
        slice.onPause?.();
        await new Promise((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    }
  })();
}
