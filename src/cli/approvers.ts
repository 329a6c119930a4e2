import { createInterface } from 'node:readline';
import type { Approver } from '../core/index';
import type { CliIo } from './io';

/** `--yes`: every approval is granted at once, recorded as given by `--yes`. */
export const approveAll: Approver = async () => ({ granted: true, by: 'baton run --yes' });

/**
 * On a TTY, asks at the prompt. The question disappears when another approver (e.g. `baton
 * approve` from another terminal) decides first.
 */
export function promptApprover(io: CliIo, by: string): Approver {
  return (request) =>
    new Promise((resolve, reject) => {
      const rl = createInterface({ input: io.stdin, output: io.stdout as NodeJS.WritableStream, terminal: true });
      const onAbort = () => {
        rl.close();
        reject(new Error('decided elsewhere'));
      };
      request.signal.addEventListener('abort', onAbort, { once: true });
      const description = request.step.description ? ` — ${request.step.description}` : '';
      rl.question(`Approve step '${request.step.name}'${description}? [y/N] `, (answer) => {
        request.signal.removeEventListener('abort', onAbort);
        rl.close();
        const granted = /^y(es)?$/i.test(answer.trim());
        resolve({ granted, by, ...(granted ? {} : { reason: 'rejected at the prompt' }) });
      });
    });
}
