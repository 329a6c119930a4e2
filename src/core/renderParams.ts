import { renderShellCommand } from './shellTemplate';
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
 * Renders every string in params. In the action's shell params each value is passed through an
 * environment variable (see shellTemplate.ts), so data (outputs, inputs, event fields) can never
 * become code; `env` holds those variables for the action to add to the process environment.
 */
export function renderParams(
  params: Record<string, unknown>,
  shellParams: readonly string[],
  context: TemplateContext,
): { params: Record<string, unknown>; env: Record<string, string> } {
  const lookup = (path: string[]) => lookupTemplate(context, path);
  const env: Record<string, string> = {};
  const render = (value: unknown): unknown => {
    if (typeof value === 'string') return renderTemplate(value, lookup);
    if (Array.isArray(value)) return value.map(render);
    if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, render(v)]));
    return value;
  };
  const rendered = Object.fromEntries(
    Object.entries(params).map(([key, value]) => {
      if (!shellParams.includes(key) || typeof value !== 'string') return [key, render(value)];
      const shell = renderShellCommand(value, lookup, `BATON_${key.toUpperCase()}_`);
      Object.assign(env, shell.env);
      return [key, shell.command];
    }),
  );
  return { params: rendered, env };
}

/**
 * Renders the workflow's `env` once, when the run starts (validation allows no `steps.*` there).
 * Plain substitution is safe: each value becomes an environment variable, which a shell expands
 * as data, never as code.
 */
export function renderEnv(env: Record<string, string>, context: TemplateContext): Record<string, string> {
  const lookup = (path: string[]) => lookupTemplate(context, path);
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, renderTemplate(value, lookup)]));
}
