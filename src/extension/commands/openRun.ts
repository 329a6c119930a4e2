import type { RunPanel } from '../console/runPanel';
import type { BatonCommand } from './command';
import { runTarget, stepIdOf } from './targets';

/** `baton.openRun(run | step?)`: the run's console (graph, timeline, step detail, live log); returns its panel. */
export const openRunCommand: BatonCommand = {
  id: 'baton.openRun',
  async run(ctx, target): Promise<RunPanel | undefined> {
    const run = await runTarget(ctx.baton, target, { placeHolder: 'Open which run?' });
    if (!run) return undefined;
    const panel = ctx.runPanels.open(run.runId, run.stateDir);
    // From a step (a step node, `{ runId, stepId }`): that step is selected.
    const stepId = stepIdOf(target);
    if (stepId) panel.select(stepId);
    return panel;
  },
};
