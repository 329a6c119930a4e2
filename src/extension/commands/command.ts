import type { Baton } from '../baton';
import type { RunPanels } from '../console/runPanels';
import type { EventsView } from '../views/eventsView';
import type { RunsView } from '../views/runsView';

/** What command handlers may use. */
export interface CommandContext {
  baton: Baton;
  runsView: RunsView;
  eventsView: EventsView;
  /** The open run consoles (Baton: Open Run). */
  runPanels: RunPanels;
}

/**
 * A command: its id (declared in package.json) and its handler. Handlers take their target as the
 * first argument (a Uri, a run id, a tree node) and ask only without one; they return what they
 * did (a run id, a Uri) so other extensions and the tests can follow up. A thrown error becomes a
 * message (see registerCommands).
 */
export interface BatonCommand {
  id: string;
  run(ctx: CommandContext, ...args: unknown[]): unknown;
}
