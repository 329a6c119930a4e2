/**
 * How every front end finds and loads workflow files: the same globs (`baton.workflowGlobs`'
 * default), the same actions (built-ins, registered ones, and the editor-only names accepted so a
 * VS Code workflow still validates), the same defaults from the environment
 * (WORKFLOW_DEFAULT_TIMEOUT). `baton run`, `baton watch` and `baton mcp` load alike.
 */
import { defaultActions, defaultsFromEnv, defaultWorkflowGlobs, editorOnlyActionNames, findWorkflowFiles, loadWorkflowFile, parseWorkflow, type LoadedWorkflow } from '../core/index';

/** Loads one workflow file the way a run of it would. */
export function loadWorkflowAt(file: string, env: NodeJS.ProcessEnv): LoadedWorkflow {
  return loadWorkflowFile(file, loadOptions(env));
}

/** Checks workflow text that is not (yet) a file, e.g. what an assistant is about to write; `file` names it in diagnostics. */
export function parseWorkflowText(text: string, file: string, env: NodeJS.ProcessEnv): LoadedWorkflow {
  return parseWorkflow(text, file, loadOptions(env));
}

/** Every workflow file under `root` matched by `globs`, loaded, in path order. */
export function loadWorkflowsIn(root: string, env: NodeJS.ProcessEnv, globs: readonly string[] = defaultWorkflowGlobs): LoadedWorkflow[] {
  return findWorkflowFiles(root, globs).map((file) => loadWorkflowAt(file, env));
}

function loadOptions(env: NodeJS.ProcessEnv) {
  return { actions: defaultActions, extraActionNames: editorOnlyActionNames, defaults: defaultsFromEnv(env) };
}
