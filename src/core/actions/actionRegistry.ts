import type { ActionDefinition, ActionHandler } from './action';
import { delayAction, emitAction, logAction, notifyAction, waitForEventAction } from './basicActions';
import { shellAction } from './shellAction';
import { workflowAction } from './workflowAction';

/** Actions by name. The validator reads it (unknown action, params schema); the engine runs from it. */
export class ActionRegistry {
  private readonly actions = new Map<string, ActionDefinition>();

  constructor(definitions: readonly ActionDefinition[] = []) {
    for (const definition of definitions) this.register(definition);
  }

  /** Adds or replaces an action: `register('deploy', async (params, ctx) => ({ url }))` or a full definition. */
  register(nameOrDefinition: string | ActionDefinition, handler?: ActionHandler): () => void {
    const definition: ActionDefinition =
      typeof nameOrDefinition === 'string' ? { name: nameOrDefinition, run: requireHandler(handler), outputs: 'any' } : nameOrDefinition;
    this.actions.set(definition.name, definition);
    return () => {
      if (this.actions.get(definition.name) === definition) this.actions.delete(definition.name);
    };
  }

  get(name: string): ActionDefinition | undefined {
    return this.actions.get(name);
  }

  has(name: string): boolean {
    return this.actions.has(name);
  }

  names(): string[] {
    return [...this.actions.keys()].sort();
  }

  /** A copy that can be extended without touching this one (e.g. VS Code's own actions). */
  extend(definitions: readonly ActionDefinition[] = []): ActionRegistry {
    return new ActionRegistry([...this.actions.values(), ...definitions]);
  }
}

function requireHandler(handler: ActionHandler | undefined): ActionHandler {
  if (typeof handler !== 'function') throw new TypeError('registerAction(name, handler): handler must be a function');
  return handler;
}

export const builtinActions: readonly ActionDefinition[] = [shellAction, logAction, delayAction, notifyAction, emitAction, waitForEventAction, workflowAction];

/** Actions known to exist only inside VS Code; the CLI's validator still accepts them by name. */
export const editorOnlyActionNames = ['vscode_command', 'vscode_task'] as const;

export function createActionRegistry(): ActionRegistry {
  return new ActionRegistry(builtinActions);
}
