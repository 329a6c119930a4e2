import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { BatonError, runPaths } from '../../core/index';
import { isActive } from '../model/runCatalog';
import type { BatonCommand } from './command';
import { runTarget, stepIdOf } from './targets';

/** `baton.showRunLog(target?)`: opens a step's output; for a whole run, the step that needs a look (failed, waiting, running, else last). */
export const showRunLogCommand: BatonCommand = {
  id: 'baton.showRunLog',
  async run({ baton }, target): Promise<vscode.Uri | undefined> {
    const run = await runTarget(baton, target, { placeHolder: 'Show the log of which run?' });
    if (!run) return undefined;
    const withLog = run.steps.filter((s) => s.attempt > 0);
    let stepId = stepIdOf(target);
    if (!stepId) {
      const picked = withLog.length <= 1 ? withLog[0] : await vscode.window.showQuickPick(
        withLog.map((s) => ({ label: s.name, description: s.status, id: s.id, picked: s.status !== 'completed' })),
        { placeHolder: 'Which step?' },
      );
      if (!picked) {
        if (withLog.length === 0) throw new BatonError('not_found', `run ${run.runId} has no step output yet`);
        return undefined;
      }
      stepId = picked.id;
    }
    const file = runPaths(run.stateDir, run.runId).stepLog(stepId);
    if (!existsSync(file)) throw new BatonError('not_found', `step '${stepId}' of run ${run.runId} has no output yet`);
    const uri = vscode.Uri.file(file);
    const editor = await vscode.window.showTextDocument(uri, { preview: true });
    // A running step's log grows; VS Code reloads the file as it changes, and the editor keeps to its end.
    if (isActive(run)) followToEnd(editor);
    editor.revealRange(new vscode.Range(editor.document.lineCount, 0, editor.document.lineCount, 0));
    return uri;
  },
};

/** Keeps an editor scrolled to its document's end as lines come in, while the user has not scrolled away; until the document closes. */
function followToEnd(editor: vscode.TextEditor): void {
  const document = editor.document;
  let lines = document.lineCount;
  const changes = vscode.workspace.onDidChangeTextDocument((e) => {
    if (e.document !== document) return;
    for (const shown of vscode.window.visibleTextEditors.filter((x) => x.document === document)) {
      const bottom = shown.visibleRanges.at(-1)?.end.line ?? 0;
      if (bottom >= lines - 2) shown.revealRange(new vscode.Range(document.lineCount, 0, document.lineCount, 0));
    }
    lines = document.lineCount;
  });
  const closed = vscode.workspace.onDidCloseTextDocument((d) => {
    if (d !== document) return;
    changes.dispose();
    closed.dispose();
  });
}
