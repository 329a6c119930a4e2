import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { globToRegExp } from './glob';

/** The default of `baton.workflowGlobs`: where workflow files are found in a folder. */
export const defaultWorkflowGlobs = ['workflows/**/*.{yaml,yml}', '**/*.workflow.{yaml,yml}'];

/** Folders never searched: dependencies, VCS data, Baton's own state. */
const skippedDirs = new Set(['node_modules', '.git', '.baton', '.vscode-test', 'dist', 'out']);

/** Workflow files under `root` matching the globs, sorted; bounded so a huge tree cannot stall. */
export function findWorkflowFiles(root: string, globs: readonly string[] = defaultWorkflowGlobs, limit = 5000): string[] {
  const patterns = globs.map((glob) => globToRegExp(glob));
  const found: string[] = [];
  const stack = [root];
  let visited = 0;
  while (stack.length > 0 && visited < 50_000) {
    const dir = stack.pop()!;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      visited++;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!skippedDirs.has(entry.name)) stack.push(full);
      } else if (entry.isFile() && /\.ya?ml$/i.test(entry.name)) {
        const rel = relative(root, full).split(sep).join('/');
        if (patterns.some((p) => p.test(rel))) found.push(full);
        if (found.length >= limit) return found.sort();
      }
    }
  }
  return found.sort();
}
