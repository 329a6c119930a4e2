import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** The default of `baton.workflowGlobs`: where workflow files are found in a folder. */
export const defaultWorkflowGlobs = ['workflows/**/*.{yaml,yml}', '**/*.workflow.{yaml,yml}'];

/** Folders never searched: dependencies, VCS data, Baton's own state. */
const skippedDirs = new Set(['node_modules', '.git', '.baton', '.vscode-test', 'dist', 'out']);

/**
 * A glob as a RegExp over `/`-separated relative paths: `**` spans folders, `*` and `?` stay
 * within one, `{a,b}` is an alternative, `[abc]` a class.
 */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  let inBraces = 0;
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*' && glob[i + 1] === '*') {
      const slashAfter = glob[i + 2] === '/';
      source += slashAfter ? '(?:.*/)?' : '.*';
      i += slashAfter ? 2 : 1;
    } else if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else if (ch === '{') {
      inBraces++;
      source += '(?:';
    } else if (ch === '}' && inBraces > 0) {
      inBraces--;
      source += ')';
    } else if (ch === ',' && inBraces > 0) source += '|';
    else if (ch === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) source += '\\[';
      else {
        source += `[${glob.slice(i + 1, end).replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else source += ch.replace(/[.+^$()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** Workflow files under `root` matching the globs, sorted; bounded so a huge tree cannot stall. */
export function findWorkflowFiles(root: string, globs: readonly string[] = defaultWorkflowGlobs, limit = 5000): string[] {
  const patterns = globs.map(globToRegExp);
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
