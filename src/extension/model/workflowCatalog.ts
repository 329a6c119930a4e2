/**
 * The workflow files of the workspace, loaded and validated, cached by size and mtime so a refresh
 * after one save re-parses one file. A load can run in slices that yield to the event loop between
 * files (updateInSlices), showing what is loaded so far, so the extension host never parses 200
 * files in one go. Imports no `vscode`: the extension feeds it file lists, the benchmark feeds it a
 * folder on disk.
 */
import { statSync } from 'node:fs';
import { runInSlices } from './slices';
import { ListenerSet, loadWorkflowFile, type LoadOptions, type LoadedWorkflow, type Workflow } from '../../core/index';

export interface WorkflowFile {
  /** Absolute path. */
  file: string;
  /** The workspace folder it belongs to (absolute path): shell steps run there, runs are stored under it. */
  folder: string;
}

export interface WorkflowEntry extends WorkflowFile {
  loaded: LoadedWorkflow;
  /** The workflow when the file is valid. */
  workflow?: Workflow;
  /** `name`, or the file name while the file is invalid. */
  label: string;
  /** The workflow id (or the file's default id while invalid). */
  id: string;
}

interface Cached {
  entry: WorkflowEntry;
  stamp: string;
}

export class WorkflowCatalog {
  private readonly cache = new Map<string, Cached>();
  private readonly listeners = new ListenerSet();
  private sorted: WorkflowEntry[] = [];
  private unpublished = false;

  /** @param loadOptions read at every load, so newly registered actions count */
  constructor(private readonly loadOptions: () => LoadOptions) {}

  /** Loads the listed files (re-reading only changed ones) and forgets files no longer listed. Returns whether anything changed. */
  update(files: readonly WorkflowFile[], force = false): boolean {
    return runInSlices(this.pass(files, force));
  }

  /** The same, pausing for the event loop whenever it has worked for `sliceMs`; listeners hear of the files loaded so far at each pause. */
  updateInSlices(files: readonly WorkflowFile[], force = false, sliceMs = 8): Promise<boolean> {
    return runInSlices(this.pass(files, force), { ms: sliceMs, onPause: () => this.publish() });
  }

  private *pass(files: readonly WorkflowFile[], force: boolean): Generator<void, boolean> {
    let changed = false;
    const seen = new Set<string>();
    for (const f of files) {
      seen.add(f.file);
      const stamp = fileStamp(f.file);
      const cached = this.cache.get(f.file);
      if (!force && cached && cached.stamp === stamp) continue;
      this.cache.set(f.file, { entry: toEntry(f, loadWorkflowFile(f.file, this.loadOptions())), stamp });
      changed = this.unpublished = true;
      yield;
    }
    for (const file of [...this.cache.keys()]) {
      if (!seen.has(file)) {
        this.cache.delete(file);
        changed = this.unpublished = true;
      }
    }
    this.publish();
    return changed;
  }

  /** Sorts and tells the listeners, if anything changed since the last time. */
  private publish(): void {
    if (!this.unpublished) return;
    this.unpublished = false;
    this.sorted = [...this.cache.values()].map((c) => c.entry).sort((a, b) => a.label.localeCompare(b.label) || a.file.localeCompare(b.file));
    this.listeners.emit();
  }

  list(): readonly WorkflowEntry[] {
    return this.sorted;
  }

  get(file: string): WorkflowEntry | undefined {
    return this.cache.get(file)?.entry;
  }

  byId(id: string): WorkflowEntry | undefined {
    return this.sorted.find((e) => e.id === id);
  }

  on(listener: () => void): () => void {
    return this.listeners.on(listener);
  }
}

function fileStamp(file: string): string {
  try {
    const st = statSync(file);
    return `${st.size}:${st.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

function toEntry(f: WorkflowFile, loaded: LoadedWorkflow): WorkflowEntry {
  const base = f.file.split(/[\\/]/).pop() ?? f.file;
  const fallbackId = base.replace(/\.(ya?ml)$/i, '').replace(/\.workflow$/i, '');
  const workflow = loaded.workflow;
  return { ...f, loaded, ...(workflow ? { workflow } : {}), label: workflow?.name ?? base, id: workflow?.id ?? fallbackId };
}
