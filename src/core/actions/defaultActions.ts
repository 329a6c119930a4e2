import type { ActionDefinition, ActionHandler } from './action';
import { createActionRegistry } from './actionRegistry';

/**
 * The actions every run in this process can use: the built-ins and whatever `registerAction`
 * added. `parseWorkflow`, `loadWorkflowFile`, `startRun` and `resumeRun` use it unless given
 * `actions`; hosts may extend a copy instead (`defaultActions.extend([...])`).
 * Process-wide on purpose: a library user registers an action once, as with Node's own hooks.
 */
export const defaultActions = createActionRegistry();

/** Makes `action: name` available to workflows parsed and run in this process; returns a function that removes it. */
export function registerAction(name: string, handler: ActionHandler): () => void;
export function registerAction(definition: ActionDefinition): () => void;
export function registerAction(nameOrDefinition: string | ActionDefinition, handler?: ActionHandler): () => void {
  return defaultActions.register(nameOrDefinition, handler);
}
