import { isBatonError } from '../core/index';
import { hasTeamBus, type HostContext } from '../host/index';
import type { CliIo } from './io';
import { namedRun } from './stateDir';

/**
 * The run a command names: here (a unique prefix, or `last`), or — with a team bus, when no run
 * here matches — a full run id on another machine, which only the bus can reach.
 */
export function localOrRemoteRun(positionals: readonly string[], io: CliIo, context: HostContext): { runId: string; remote: boolean; stateDir?: string } {
  try {
    return { ...namedRun(positionals, io), remote: false };
  } catch (error) {
    const [id] = positionals;
    if (isBatonError(error) && error.code === 'not_found' && id !== undefined && id !== 'last' && hasTeamBus(context)) return { runId: id, remote: true };
    throw error;
  }
}
