import { relative, sep } from 'node:path';
import { defaultWorkflowGlobs, globToRegExp } from '../core/index';

/**
 * Which files the server treats as workflows: those matching a workflow glob relative to a
 * workspace folder (core's defaults, or the client's `workflowGlobs`). A file outside every folder
 * matches when some trailing part of its path does, so `~/x/workflows/a.yaml` is one.
 */
export function workflowMatcher(folders: readonly string[], globs: readonly string[] = defaultWorkflowGlobs): (file: string) => boolean {
  const patterns = globs.map((g) => globToRegExp(g));
  const matches = (path: string) => patterns.some((p) => p.test(path.split(sep).join('/')));
  return (file) => {
    if (!/\.ya?ml$/i.test(file)) return false;
    const inside = folders.map((f) => relative(f, file)).filter((r) => r !== '' && !r.startsWith('..'));
    if (inside.length > 0) return inside.some(matches);
    const parts = file.split(sep).filter(Boolean);
    return parts.some((_, i) => matches(parts.slice(i).join('/')));
  };
}
