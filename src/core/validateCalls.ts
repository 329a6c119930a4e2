import { dirname, relative, resolve } from 'node:path';
import { maxCallDepth } from './actions/workflowAction';
import type { Diagnostic } from './diagnostic';
import type { Reporter } from './validateGraph';
import type { Workflow } from './workflowModel';

type Raw = Record<string, unknown>;

/** What the validator needs to follow `action: workflow` calls into the files they name. */
export interface CallFollower {
  /** The files that called this one, outermost first (empty for the file validated). */
  stack: readonly string[];
  /** Loads and validates a called file, following its own calls with `stack`. */
  load(file: string, stack: readonly string[]): { workflow?: Workflow; diagnostics: Diagnostic[] };
}

/** Per step index: the called file's declared `outputs:` keys, for checking `steps.<id>.outputs.<key>`. */
export type CalledOutputs = ReadonlyMap<number, ReadonlySet<string>>;

/**
 * Follows each `action: workflow` step whose `path` is written out (not an expression) into the
 * file it names — at most {@link maxCallDepth} calls deep, as at run time — and reports, at the
 * `path`: a file that cannot be read or does not validate, a cycle of calls (a → b → a), a chain
 * too deep; at an input: one the called file does not declare.
 */
export function checkCalls(steps: readonly unknown[], file: string, follower: CallFollower, report: Reporter): CalledOutputs {
  const outputs = new Map<number, ReadonlySet<string>>();
  const chain = [...follower.stack, resolve(file)];
  const show = (f: string) => relative(dirname(resolve(file)), f) || f;
  steps.forEach((step, index) => {
    if (!isRecord(step) || step.action !== 'workflow' || !isRecord(step.params)) return;
    const path = step.params.path;
    if (typeof path !== 'string' || path === '' || path.includes('${{')) return;
    const at = report.at(['steps', index, 'params', 'path']);
    const called = resolve(dirname(resolve(file)), path);
    const loop = chain.indexOf(called);
    if (loop >= 0) {
      report.push('call.cycle', `calls go round in a cycle: ${[...chain.slice(loop), called].map(show).join(' → ')}; a workflow cannot call itself, directly or through others`, at);
      return;
    }
    if (chain.length > maxCallDepth) {
      report.push('call.depth', `calls nest deeper than ${maxCallDepth}: ${[...chain, called].map(show).join(' → ')}`, at);
      return;
    }
    const loaded = follower.load(called, chain);
    const first = loaded.diagnostics.find((d) => d.severity === 'error');
    if (first?.code === 'io') {
      report.push('call.not_found', `cannot read the called workflow ${path}: ${first.message}`, at);
      return;
    }
    // A cycle or depth found further down is this call's too: say it here, where the user can act.
    const round = loaded.diagnostics.find((d) => d.code === 'call.cycle' || d.code === 'call.depth');
    if (round) {
      report.push(round.code, round.message, at);
      return;
    }
    if (first || !loaded.workflow) {
      const count = loaded.diagnostics.filter((d) => d.severity === 'error').length;
      report.push('call.invalid', `the called workflow ${path} has ${count} error${count === 1 ? '' : 's'}; the first, at ${first?.range.start.line ?? 1}:${first?.range.start.col ?? 1}: ${first?.message ?? 'it does not load'}`, at);
      return;
    }
    const { workflow } = loaded;
    outputs.set(index, new Set(Object.keys(workflow.outputs)));
    if (isRecord(step.params.inputs)) {
      const declared = Object.keys(workflow.inputs);
      for (const key of Object.keys(step.params.inputs)) {
        if (!declared.includes(key)) {
          report.push('call.unknown_input', `${path} has no input '${key}'; it declares ${declared.length ? declared.join(', ') : 'no inputs'} (under \`inputs:\` with a default)`, report.at(['steps', index, 'params', 'inputs', key], true));
        }
      }
    }
  });
  return outputs;
}

function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
