import * as vscode from 'vscode';
import { BatonError } from '../../core/index';
import { dirname } from 'node:path';
import { createEvent, defaultSource, ensureEventLogFile } from '../../events/index';
import { openEventBus } from '../../host/index';
import type { BatonCommand } from './command';
import { requireTrust } from './targets';

/** `baton.openEventLog()`: the shared log in an editor. */
export const openEventLogCommand: BatonCommand = {
  id: 'baton.openEventLog',
  async run({ baton }): Promise<vscode.Uri> {
    const path = baton.eventLogPath();
    ensureEventLogFile(path);
    const uri = vscode.Uri.file(path);
    await vscode.window.showTextDocument(uri, { preview: true });
    return uri;
  },
};

/** `baton.emitEvent(type?, data?)`: appends an event (it may trigger workflows here and elsewhere); returns its id. */
export const emitEventCommand: BatonCommand = {
  id: 'baton.emitEvent',
  async run({ baton }, typeArg, dataArg): Promise<string | undefined> {
    requireTrust('emit events');
    const type = typeof typeArg === 'string' ? typeArg : await vscode.window.showInputBox({ title: 'Emit event', prompt: 'Event type', value: 'test.completed', validateInput: (v) => (/^\S+$/.test(v) ? undefined : 'A type without spaces, e.g. test.completed') });
    if (!type) return undefined;
    let data: unknown = dataArg;
    if (dataArg === undefined && typeof typeArg !== 'string') {
      const text = await vscode.window.showInputBox({ title: `Emit ${type}`, prompt: 'Data (JSON, optional)', value: '{}', validateInput: (v) => (parsesAsJson(v) ? undefined : 'Not valid JSON') });
      if (text === undefined) return undefined;
      data = text.trim() ? JSON.parse(text) : undefined;
    }
    if (!/^\S+$/.test(type)) throw new BatonError('usage', `'${type}' is not an event type`);
    const event = createEvent(type, data, { source: defaultSource('vscode') });
    const bus = openEventBus(baton.hostContext(dirname(baton.eventLogPath())));
    try {
      bus.append(event);
    } finally {
      await bus.close();
    }
    void vscode.window.setStatusBarMessage(`Baton: emitted ${type}`, 4000);
    return event.id;
  },
};

/** `baton.filterEvents(glob?)`: shows only event types matching `*` globs (comma-separated). */
export const filterEventsCommand: BatonCommand = {
  id: 'baton.filterEvents',
  async run({ eventsView }, globArg): Promise<string | undefined> {
    const glob = typeof globArg === 'string' ? globArg : await vscode.window.showInputBox({ title: 'Filter events by type', prompt: 'Globs on the type, comma-separated (e.g. baton.workflow.*, process.*)', value: eventsView.filter || 'baton.workflow.*' });
    if (glob === undefined) return undefined;
    eventsView.setFilter(glob);
    return glob;
  },
};

export const clearEventFilterCommand: BatonCommand = {
  id: 'baton.clearEventFilter',
  run: ({ eventsView }) => eventsView.setFilter(''),
};

function parsesAsJson(text: string): boolean {
  if (!text.trim()) return true;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** `baton.openEvent(node)`: one event of the Events view as formatted JSON, in a read-only preview. */
export const openEventCommand: BatonCommand = {
  id: 'baton.openEvent',
  async run(_ctx, node): Promise<vscode.TextDocument | undefined> {
    const event = typeof node === 'object' && node !== null && 'event' in node ? (node as { event: unknown }).event : undefined;
    if (typeof event !== 'object' || event === null) throw new BatonError('usage', 'open an event from the Events view');
    const document = await vscode.workspace.openTextDocument({ language: 'json', content: `${JSON.stringify(event, null, 2)}\n` });
    await vscode.window.showTextDocument(document, { preview: true });
    return document;
  },
};
