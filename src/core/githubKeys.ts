import type { PathSegment } from './yamlPositions';

/**
 * Keys people write from GitHub Actions habit, with what Baton calls them. Consulted for keys the
 * schema does not know, so `timeout-minutes: 5` gets "timeout_seconds: 300", not a list of keys.
 */
type Hint = string | ((value: unknown) => string);

const stepKeys: Record<string, Hint> = {
  'timeout-minutes': (value) => `Baton's key is timeout_seconds, in seconds, not minutes${typeof value === 'number' ? `: timeout_seconds: ${value * 60}` : ''}`,
  timeout_minutes: (value) => `Baton's key is timeout_seconds, in seconds, not minutes${typeof value === 'number' ? `: timeout_seconds: ${value * 60}` : ''}`,
  'continue-on-error': "Baton's key is continue_on_failure",
  'runs-on': 'Baton runs every step on this machine; remove runs-on',
  run: 'a command is a step with `action: shell` and `params: { command: ... }`',
  uses: '`action:` names what the step does: a built-in action (shell, log, notify, emit, ...) or one added with registerAction',
  with: "an action's parameters go under `params:`",
  env: "a step has no env of its own: a shell step takes `params: { env: { ... } }`, and the workflow's `env:` reaches every shell step",
  'working-directory': 'a shell step takes `params: { cwd: ... }`',
  shell: 'a shell step takes `params: { shell: ... }` (default /bin/sh)',
  'max-parallel': 'max_parallel belongs under strategy:',
  'fail-fast': 'fail_fast belongs under strategy:',
};

const strategyKeys: Record<string, Hint> = {
  'max-parallel': "Baton's key is max_parallel",
  'fail-fast': "Baton's key is fail_fast",
};

const workflowKeys: Record<string, Hint> = {
  jobs: "Baton has no jobs: a workflow's `steps:` stand at the top level, and `needs:` orders them",
  'runs-on': 'Baton runs every step on this machine; remove runs-on',
  'max-parallel': "Baton's key is max_parallel",
  'timeout-minutes': 'Baton sets time limits per step, in seconds: timeout_seconds on each step',
  permissions: 'Baton runs with the rights of the user who starts it; remove permissions',
  defaults: 'Baton has no defaults: key; the workflow `env:` reaches every shell step',
  'run-name': 'a run is named after its workflow (`name:`)',
};

/** Baton's way to say an unknown key of the mapping at `path`, when it is a GitHub Actions key. */
export function githubKeyHint(path: readonly PathSegment[], key: string, value: unknown): string | undefined {
  const table = path.length === 0 ? workflowKeys : path.length === 2 && path[0] === 'steps' ? stepKeys : path.length === 3 && path[2] === 'strategy' ? strategyKeys : undefined;
  const hint = table && Object.hasOwn(table, key) ? table[key] : undefined;
  if (hint === undefined) return undefined;
  return `'${key}' is GitHub Actions' key; ${typeof hint === 'string' ? hint : hint(value)}`;
}
