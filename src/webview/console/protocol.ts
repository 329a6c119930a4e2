/**
 * The messages between the extension host and the run console webview, declared once (as
 * vscode-eslint declares its client/server protocol): the host's RunPanel and the webview's
 * main.ts both import this file. Types only, so neither bundle carries the other's code.
 */
import type { ConsoleModel } from '../../host/index';

/** Host → webview: the run as it stands now (sent whole; the webview lays out again only when the graph's shape changed). */
export interface ModelMessage {
  type: 'model';
  model: ConsoleModel;
  /** The host's clock (ms), for the durations and the timeline's end while the run goes on. */
  now: number;
}

/** Host → webview: lines of the selected step's log, appended (or the whole log again when `reset`). */
export interface LogMessage {
  type: 'log';
  stepId: string;
  lines: string[];
  reset?: boolean;
}

/** Host → webview: select this step (Open Run on a step; the tests); the webview answers with a SelectMessage like a click. */
export interface SelectStepMessage {
  type: 'selectStep';
  stepId: string;
}

export type HostMessage = ModelMessage | LogMessage | SelectStepMessage;

/** The buttons: each runs the extension's existing command of that name. */
export type ConsoleAction = 'cancel' | 'resume' | 'rerun' | 'rerunFailed' | 'rerunFrom' | 'approve' | 'reject' | 'openLog';

/** Webview → host: loaded and listening (the host then sends the model). */
export interface ReadyMessage {
  type: 'ready';
}

/** Webview → host: a step was selected (its log starts streaming), or none. */
export interface SelectMessage {
  type: 'select';
  stepId?: string;
}

/** Webview → host: a button was pressed. */
export interface ActionMessage {
  type: 'action';
  action: ConsoleAction;
  stepId?: string;
  /** Approve / Reject: why, as the user typed it. */
  reason?: string;
}

/** What the webview drew, as it drew it: read by the real-editor tests (the webview's DOM is out of their reach). */
export interface RenderedState {
  runId: string;
  status: string;
  nodes: Array<{ id: string; status: string; instances: number }>;
  edges: number;
  bars: number;
  selected?: string;
  logLines: number;
  /** Spans of the log in view that carry an ANSI colour or style. */
  logColoured: number;
}

/** Webview → host: after each render. */
export interface RenderedMessage {
  type: 'rendered';
  state: RenderedState;
}

export type WebviewMessage = ReadyMessage | SelectMessage | ActionMessage | RenderedMessage;

/** What the webview keeps across a reload (vscode.setState; the panel serializer reads it back). */
export interface ConsoleViewState {
  runId: string;
  stateDir: string;
  selected?: string;
}
