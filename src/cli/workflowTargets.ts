import { statSync } from 'node:fs';
import { relative } from 'node:path';
import { findWorkflowFiles, formatDiagnostic } from '../core/index';
import type { TriggerTarget } from '../events/index';
import { loadWorkflowAt } from '../host/index';
import type { CliIo } from './io';

/** The workflows under the cwd, reloaded when a file changes (checked at most every 2 s). */
export function workflowTargets(io: CliIo, globs: string[] | undefined): { get: () => TriggerTarget[] } {
  let cached: TriggerTarget[] = [];
  let signature = '';
  let checkedAt = 0;
  const load = () => {
    const files = findWorkflowFiles(io.cwd, globs);
    const next = files.map((f) => `${f}:${statSync(f).mtimeMs}`).join('|');
    if (next === signature) return;
    signature = next;
    cached = [];
    for (const file of files) {
      const loaded = loadWorkflowAt(file, io.env);
      if (loaded.workflow) cached.push({ workflow: loaded.workflow, file, source: loaded.source });
      else for (const d of loaded.diagnostics) io.stderr.write(`${formatDiagnostic({ ...d, file: relative(io.cwd, file) })}\n`);
    }
  };
  return {
    get: () => {
      if (Date.now() - checkedAt > 2000) {
        checkedAt = Date.now();
        load();
      }
      return cached;
    },
  };
}
