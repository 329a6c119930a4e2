/** Input pieces several tools share, each with a description an assistant reads. */
import { z } from 'zod';
import { waitDefaults } from '../runWait';
import { ToolFailure } from '../toolResult';

export const runIdSchema = z.string().min(1).max(200).describe('A run id (20261125-211900-k3f9), any unique prefix of one, or "last" for the newest run');

export const waitSchema = z
  .number()
  .min(0)
  .max(waitDefaults.maxSeconds)
  .default(waitDefaults.seconds)
  .describe(`Seconds to wait for the run to end or pause for approval before answering (0: answer at once; the run goes on either way). Default ${waitDefaults.seconds}, at most ${waitDefaults.maxSeconds}.`);

export const inputsSchema = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
  .optional()
  .describe("The workflow's inputs (its `inputs:` keys), e.g. {\"target\": \"staging\"}; unknown keys are refused");

/** Inputs as the engine takes them (strings), each key one the workflow declares. */
export function stringInputs(given: Record<string, string | number | boolean> | undefined, declared: readonly string[]): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const [key, value] of Object.entries(given ?? {})) {
    if (!declared.includes(key)) throw new ToolFailure('usage', `unknown input '${key}'; the workflow declares ${declared.length ? declared.join(', ') : 'no inputs'}`);
    inputs[key] = String(value);
  }
  return inputs;
}
