import { resolve } from 'node:path';
import { BatonError, defaultActions, editorOnlyActionNames, errorMessage, formatDiagnostic, hasErrors, loadWorkflowFile, statUserFile } from '../../core/index';
import type { Command } from '../command';
import { exitCodes } from '../io';
import { UsageError } from '../usageError';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check workflow files: syntax, schema and meaning, with exact positions',
  usage: 'baton validate <file>... [--json]',
  details: 'Prints `file:line:col: error: message` (what editors and problem matchers read); exit 1 when any file has errors.',
  options: { json: { type: 'boolean' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    if (positionals.length === 0) throw new UsageError('give at least one workflow file');
    // Missing, a folder, a FIFO, no permission: one line naming each such file, exit 2, nothing validated.
    const unreadable = positionals.flatMap((file) => {
      try {
        statUserFile(resolve(io.cwd, file), file);
        return [];
      } catch (error) {
        return [errorMessage(error)];
      }
    });
    if (unreadable.length > 0) throw new BatonError('unreadable_file', unreadable.join('; '));
    const results = positionals.map((file) => ({ ...loadWorkflowFile(resolve(io.cwd, file), { actions: defaultActions, extraActionNames: editorOnlyActionNames }), file }));
    let failed = false;
    for (const result of results) {
      const diagnostics = result.diagnostics.map((d) => ({ ...d, file: result.file }));
      failed ||= hasErrors(diagnostics);
      if (values.json) continue;
      for (const d of diagnostics) io.stdout.write(`${formatDiagnostic(d)}\n`);
      if (diagnostics.length === 0) io.stdout.write(`${result.file}: ok (${result.workflow?.steps.length ?? 0} steps)\n`);
    }
    if (values.json) {
      io.stdout.write(`${JSON.stringify(results.map((r) => ({ file: r.file, valid: !hasErrors(r.diagnostics), diagnostics: r.diagnostics.map((d) => ({ ...d, file: r.file })) })), null, 2)}\n`);
    }
    return failed ? exitCodes.failed : exitCodes.ok;
  },
};
