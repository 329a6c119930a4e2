import { renderTemplate } from './templateExpr';
import type { RunState } from './runState';
import type { Workflow } from './workflowModel';

export interface TemplateContext {
  state: RunState;
  workflow: Workflow;
  env: Record<string, string>;
  event?: Record<string, unknown>;
}

/** Resolves a template path against the run; unknown values render as empty strings. */
export function lookupTemplate(context: TemplateContext, path: string[]): unknown {
  const [root, name, prop, key] = path;
  switch (root) {
    case 'steps': {
      const step = context.state.steps.find((s) => s.id === name);
      if (!step) return undefined;
      return prop === 'status' ? step.status : step.outputs[key ?? ''];
    }
    case 'inputs':
      return context.state.inputs[name ?? ''];
    case 'env':
      return context.env[name ?? ''];
    case 'run':
      return { id: context.state.runId, workflow_id: context.workflow.id, workflow_name: context.workflow.name }[name ?? ''];
    case 'event':
      return path.slice(1).reduce<unknown>((value, segment) => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[segment] : undefined), context.event);
    default:
      return undefined;
  }
}

/**
 * Renders every string in params. Values substituted into the action's shell params are quoted
 * as one shell word each, so data (outputs, inputs, event fields) can never become code.
 */
export function renderParams(params: Record<string, unknown>, shellParams: readonly string[], context: TemplateContext): Record<string, unknown> {
  const lookup = (path: string[]) => lookupTemplate(context, path);
  const render = (value: unknown, quote: boolean): unknown => {
    if (typeof value === 'string') return renderTemplate(value, lookup, quote);
    if (Array.isArray(value)) return value.map((item) => render(item, quote));
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, render(v, quote)]));
    }
    return value;
  };
  return Object.fromEntries(Object.entries(params).map(([key, value]) => [key, render(value, shellParams.includes(key))]));
}
