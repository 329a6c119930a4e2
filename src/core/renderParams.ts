import { renderExpression, renderText, type ExpressionContext, type StatusFunctions } from './expressions';
import { renderShellCommand } from './shellTemplate';

/**
 * Renders every string in params: each `${{ }}` is evaluated (expressions.ts). In the action's
 * shell params each value is passed through an environment variable (see shellTemplate.ts), so
 * data (outputs, inputs, event fields, matrix values, whatever an expression makes of them) can
 * never become code; `env` holds those variables for the action to add to the process environment.
 * Throws BatonError('expression') when an expression fails: the step fails with that message.
 */
export function renderParams(
  params: Record<string, unknown>,
  shellParams: readonly string[],
  context: ExpressionContext,
  status?: StatusFunctions,
): { params: Record<string, unknown>; env: Record<string, string> } {
  const env: Record<string, string> = {};
  const render = (value: unknown): unknown => {
    if (typeof value === 'string') return renderText(value, context, status);
    if (Array.isArray(value)) return value.map(render);
    if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, render(v)]));
    return value;
  };
  const rendered = Object.fromEntries(
    Object.entries(params).map(([key, value]) => {
      if (!shellParams.includes(key) || typeof value !== 'string') return [key, render(value)];
      const shell = renderShellCommand(value, (source) => renderExpression(source, context, status), `BATON_${key.toUpperCase()}_`);
      Object.assign(env, shell.env);
      return [key, shell.command];
    }),
  );
  return { params: rendered, env };
}

/**
 * The workflow's `env:` with its `${{ }}` rendered, once, when the run starts: it can read inputs,
 * env (the inherited environment), event and run; no step has run yet (validation refuses steps.*).
 */
export function renderEnv(env: Record<string, string>, context: ExpressionContext): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, renderText(value, context)]));
}
