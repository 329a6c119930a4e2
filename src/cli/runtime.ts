import { defaultActions, type ActionHost, type Approver, type LifecycleListener } from '../core/index';
import type { CliIo } from './io';

/**
 * What a run started from the CLI is connected to, besides the terminal: sinks subscribed to
 * its lifecycle, capabilities lent to its actions, extra approvers. `dispose` flushes them.
 */
export interface CliRuntime {
  listeners: LifecycleListener[];
  host: ActionHost;
  approvers: Approver[];
  dispose(): Promise<void>;
}

export function createCliRuntime(_io: CliIo, _stateDir: string): CliRuntime {
  return { listeners: [], host: {}, approvers: [], dispose: async () => {} };
}

/** Built-ins plus anything registered through the library in this process. */
export function cliActions() {
  return defaultActions;
}
