import type { BatonCommand } from './command';

/** `baton.revealRun(runId)`: the status bar's click; internal (hidden from the palette). */
export const revealRunCommand: BatonCommand = {
  id: 'baton.revealRun',
  async run({ baton, runsView }, runId) {
    baton.refreshRuns();
    if (typeof runId === 'string') await runsView.reveal(runId);
  },
};

export const refreshCommand: BatonCommand = {
  id: 'baton.refresh',
  run: ({ baton }) => baton.refresh(),
};
