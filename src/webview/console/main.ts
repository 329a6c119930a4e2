/**
 * The run console webview: draws what the host sends (protocol.ts) and sends back what the user
 * pressed. No `vscode` import (it runs in the webview's iframe); every text from the run goes
 * into the DOM as text, never as markup (a step's name or output must not become code).
 */
import type { ConsoleModel, ConsoleNode, ConsoleStep } from '../../host/index';
import { headHeight, instanceHeight, instanceRows, layoutGraph, maxInstancesShown, shapeKey, type Layout } from './graphLayout';
import { LogView } from './logView';
import type { ConsoleAction, ConsoleViewState, HostMessage, RenderedState, WebviewMessage } from './protocol';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): ConsoleViewState | undefined;
  setState(state: ConsoleViewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const svgNs = 'http://www.w3.org/2000/svg';

const root = document.getElementById('root') as HTMLDivElement;
const boot = JSON.parse(root.dataset.boot ?? '{}') as ConsoleViewState;
let model: ConsoleModel | undefined;
let now = Date.now();
let layout: Layout | undefined;
let layoutKey = '';
let selected: string | undefined = vscode.getState()?.selected;
let logFor: string | undefined;

const header = el('header', { class: 'header' });
const actions = el('div', { class: 'actions', role: 'toolbar', 'aria-label': 'Run actions' });
const graphBox = el('section', { class: 'graph', 'aria-label': 'Steps graph' });
const timelineBox = el('section', { class: 'timeline', 'aria-label': 'Timeline' });
const detail = el('section', { class: 'detail', 'aria-label': 'Selected step' });
const logBox = el('div', {}) as HTMLDivElement;
// One input for the whole session, so a model update does not drop what the user is typing.
const reasonInput = el('input', { type: 'text', class: 'reason', placeholder: 'Reason (optional)', 'aria-label': 'Reason for the decision' }) as HTMLInputElement;
const log = new LogView(logBox, () => reportRendered());
root.append(header, actions, graphBox, el('h2', {}, 'Timeline'), timelineBox, detail);

const post = (message: WebviewMessage) => vscode.postMessage(message);

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  if (message.type === 'model') {
    model = message.model;
    now = message.now;
    if (selected && !findStep(model, selected)) selected = undefined;
    render();
  } else if (message.type === 'selectStep') {
    if (selected !== message.stepId) select(message.stepId);
  } else if (message.type === 'log' && message.stepId === selected) {
    if (message.reset) log.set(message.lines);
    else log.append(message.lines);
  }
});

post({ type: 'ready' });
if (selected) post({ type: 'select', stepId: selected });

function render(): void {
  if (!model) return;
  vscode.setState({ ...boot, runId: model.runId, ...(selected ? { selected } : {}) });
  renderHeader(model);
  renderActions(model);
  renderGraph(model);
  renderTimeline(model);
  renderDetail(model);
  reportRendered();
}

function reportRendered(): void {
  if (!model) return;
  const state: RenderedState = {
    runId: model.runId,
    status: header.dataset.status ?? '',
    nodes: [...graphBox.querySelectorAll<SVGGElement>('g.node')].map((g) => ({ id: g.dataset.id ?? '', status: g.dataset.status ?? '', instances: Number(g.dataset.instances ?? 0) })),
    edges: graphBox.querySelectorAll('path.edge').length,
    bars: timelineBox.querySelectorAll('.bar').length,
    ...(selected ? { selected } : {}),
    logLines: selected ? log.length : 0,
    logColoured: logBox.querySelectorAll('[class*="ansi-"]').length,
  };
  post({ type: 'rendered', state });
}

function renderHeader(m: ConsoleModel): void {
  header.dataset.status = m.status;
  const trigger = m.trigger.kind === 'manual' ? `started by hand${m.trigger.detail ? ` by ${m.trigger.detail}` : ''}` : `${m.trigger.kind}${m.trigger.detail ? `: ${m.trigger.detail}` : ''}`;
  const facts: Array<[string, string]> = [
    ['Run', m.runId],
    ['Trigger', trigger],
    ['Started', m.startedAt ? new Date(m.startedAt).toLocaleString() : '—'],
    ['Duration', duration(m.startedAt, m.endedAt, m.status === 'running' || m.status === 'paused')],
  ];
  if (m.rerunOf) facts.push(['Re-run of', m.rerunOf]);
  const inputs = Object.entries(m.inputs);
  if (inputs.length) facts.push(['Inputs', inputs.map(([k, v]) => `${k}=${v}`).join(', ')]);
  if (m.error) facts.push(['Error', m.error]);
  if (m.cancelReason) facts.push(['Cancelled', m.cancelReason]);
  header.replaceChildren(
    el('div', { class: 'title' }, statusIcon(m.status), el('h1', {}, m.workflowName), el('span', { class: `badge status-${m.status}` }, label(m.status))),
    el('dl', { class: 'facts' }, ...facts.flatMap(([k, v]) => [el('dt', {}, k), el('dd', { title: v }, v)])),
  );
}

function renderActions(m: ConsoleModel): void {
  const a = m.actions;
  const step = selected ? findStep(m, selected) : undefined;
  const buttons: HTMLElement[] = [];
  const button = (text: string, action: ConsoleAction, enabled: boolean, title: string, stepId?: string) => {
    const b = el('button', { type: 'button', title, 'aria-label': title }, text) as HTMLButtonElement;
    b.disabled = !enabled;
    b.dataset.action = action;
    b.addEventListener('click', () => post({ type: 'action', action, ...(stepId ? { stepId } : {}) }));
    buttons.push(b);
  };
  button('Cancel', 'cancel', a.cancel, 'Cancel the run');
  button('Resume', 'resume', a.resume, 'Resume the run from where it stopped');
  button('Re-run', 'rerun', a.rerun, 'Run every step again, as a new run');
  button('Re-run Failed', 'rerunFailed', a.rerunFailed, 'Run the failed, skipped and cancelled steps again; reuse the rest');
  const fromId = step ? (step.of ?? step.id) : undefined;
  button('Re-run From Here', 'rerunFrom', a.rerunFrom && fromId !== undefined, fromId ? `Run ${fromId} and what needs it again` : 'Select a step to re-run from it', fromId);
  const waiting = a.approve.find((id) => id === selected) ?? a.approve[0];
  if (waiting) {
    const reason = reasonInput;
    const decide = (action: 'approve' | 'reject') => () => post({ type: 'action', action, stepId: waiting, ...(reason.value.trim() ? { reason: reason.value.trim() } : {}) });
    const approve = el('button', { type: 'button', class: 'primary', 'aria-label': `Approve ${waiting}`, title: `Approve ${waiting}` }, 'Approve');
    approve.dataset.action = 'approve';
    approve.addEventListener('click', decide('approve'));
    const reject = el('button', { type: 'button', 'aria-label': `Reject ${waiting}`, title: `Reject ${waiting}` }, 'Reject');
    reject.dataset.action = 'reject';
    reject.addEventListener('click', decide('reject'));
    const hadFocus = document.activeElement === reason;
    queueMicrotask(() => hadFocus && reason.focus());
    const name = findStep(m, waiting)?.name ?? waiting;
    buttons.push(el('span', { class: 'approval' }, el('span', { class: 'waiting', title: waiting }, `Waiting for approval: ${name}`), reason, approve, reject));
  }
  const focused = (document.activeElement as HTMLElement | null)?.dataset?.action;
  actions.replaceChildren(...buttons);
  if (focused) (actions.querySelector(`[data-action="${focused}"]`) as HTMLButtonElement | null)?.focus();
}

function renderGraph(m: ConsoleModel): void {
  const key = shapeKey(m.nodes);
  if (key !== layoutKey || !layout) {
    layout = layoutGraph(m.nodes, m.edges);
    layoutKey = key;
  }
  const svg = document.createElementNS(svgNs, 'svg');
  svg.setAttribute('width', String(Math.max(layout.width, 10)));
  svg.setAttribute('height', String(Math.max(layout.height, 10)));
  svg.setAttribute('viewBox', `0 0 ${Math.max(layout.width, 10)} ${Math.max(layout.height, 10)}`);
  // A graph a little wider than the panel is scaled to fit; a big one keeps its size and scrolls.
  if (layout.width <= graphBox.clientWidth * 1.5) svg.classList.add('fit');
  svg.setAttribute('role', 'group');
  svg.setAttribute('aria-label', `${m.nodes.length} steps`);
  const defs = svgEl('defs');
  const marker = svgEl('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: '9', refY: '5', markerWidth: '7', markerHeight: '7', orient: 'auto-start-reverse' });
  marker.appendChild(svgEl('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow' }));
  defs.appendChild(marker);
  svg.appendChild(defs);
  for (const e of layout.edges) {
    if (e.points.length === 0) continue;
    const d = e.points.map((p, i) => `${i === 0 ? 'M' : 'L'} ${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join(' ');
    svg.appendChild(svgEl('path', { d, class: 'edge', 'marker-end': 'url(#arrow)' }));
  }
  for (const node of m.nodes) {
    const p = layout.nodes.get(node.id);
    if (p) svg.appendChild(graphNode(node, p));
  }
  // Redrawn on every update: the keyboard focus stays on the step it was on.
  const focused = (document.activeElement as HTMLElement | null)?.closest?.('[data-id]')?.getAttribute('data-id');
  graphBox.replaceChildren(svg);
  if (focused) (graphBox.querySelector(`[data-id="${CSS.escape(focused)}"]`) as SVGGElement | null)?.focus();
}

function graphNode(node: ConsoleNode, p: { x: number; y: number; width: number; height: number }): SVGGElement {
  const g = svgEl('g', { class: `node status-${node.status}${node.id === selected ? ' selected' : ''}`, transform: `translate(${p.x},${p.y})` }) as SVGGElement;
  g.dataset.id = node.id;
  g.dataset.status = node.status;
  g.dataset.instances = String(node.instances.length);
  selectable(g, node.id, `${node.name}: ${label(node.status)}${node.instances.length ? `, ${node.instances.length} instances` : ''}${node.reusedFrom ? `, reused from ${node.reusedFrom}` : ''}`);
  g.appendChild(svgEl('rect', { width: String(p.width), height: String(p.height), rx: '4', class: 'box' }));
  g.appendChild(statusGlyph(node.status, 16, headHeight / 2));
  const name = svgEl('text', { x: '30', y: String(headHeight / 2 + 4), class: 'name' });
  name.textContent = truncate(node.name, 20);
  const tip = svgEl('title');
  tip.textContent = [node.name, label(node.status), node.reusedFrom ? `reused from ${node.reusedFrom}` : '', node.skipReason ?? '', node.error ?? ''].filter(Boolean).join('\n');
  g.append(tip, name);
  const rows = node.instances.slice(0, node.instances.length > maxInstancesShown ? maxInstancesShown : node.instances.length);
  rows.forEach((instance, i) => {
    const y = headHeight + i * instanceHeight;
    const row = svgEl('g', { class: `instance status-${instance.status}${instance.id === selected ? ' selected' : ''}`, transform: `translate(0,${y})` }) as SVGGElement;
    row.dataset.id = instance.id;
    selectable(row, instance.id, `${instance.name}: ${label(instance.status)}`);
    row.appendChild(svgEl('rect', { x: '6', width: String(p.width - 12), height: String(instanceHeight - 2), rx: '3', class: 'instance-box' }));
    row.appendChild(statusGlyph(instance.status, 18, instanceHeight / 2 - 1, 5));
    const text = svgEl('text', { x: '30', y: String(instanceHeight / 2 + 3), class: 'instance-name' });
    text.textContent = truncate(matrixText(instance), 24);
    row.appendChild(text);
    g.appendChild(row);
  });
  if (instanceRows(node) > rows.length) {
    const more = svgEl('text', { x: '30', y: String(headHeight + rows.length * instanceHeight + 14), class: 'instance-name muted' });
    more.textContent = `+${node.instances.length - rows.length} more`;
    g.appendChild(more);
  }
  return g;
}

function renderTimeline(m: ConsoleModel): void {
  const rows: ConsoleStep[] = m.nodes.flatMap((n) => (n.instances.length ? n.instances : [n]));
  const times = rows.flatMap((s) => s.attempts.flatMap((a) => [Date.parse(a.start), a.end ? Date.parse(a.end) : now]));
  for (const w of m.waits) times.push(Date.parse(w.start), w.end ? Date.parse(w.end) : now);
  const start = m.startedAt ? Date.parse(m.startedAt) : Math.min(...times);
  const end = Math.max(m.endedAt ? Date.parse(m.endedAt) : now, ...times, start + 1);
  const span = end - start;
  const pct = (t: number) => `${(((t - start) / span) * 100).toFixed(3)}%`;
  const width = (a: number, b: number) => `${Math.max(((b - a) / span) * 100, 0.4).toFixed(3)}%`;
  const lines = rows.filter((s) => s.attempts.length > 0 || m.waits.some((w) => w.stepId === s.id)).map((s) => {
    const track = el('div', { class: 'track' });
    for (const w of m.waits.filter((x) => x.stepId === s.id)) {
      const a = Date.parse(w.start);
      const b = w.end ? Date.parse(w.end) : now;
      const bar = el('div', { class: `wait wait-${w.kind}`, title: `${w.kind === 'retry' ? 'waiting to retry' : 'waiting for approval'}: ${formatMs(b - a)}`, role: 'img', 'aria-label': `${s.name}: ${w.kind === 'retry' ? 'retry wait' : 'approval wait'} ${formatMs(b - a)}` });
      bar.style.left = pct(a);
      bar.style.width = width(a, b);
      track.appendChild(bar);
    }
    for (const attempt of s.attempts) {
      const a = Date.parse(attempt.start);
      const b = attempt.end ? Date.parse(attempt.end) : now;
      const text = `${s.name} attempt ${attempt.attempt}: ${attempt.status}, ${formatMs(b - a)}${attempt.error ? ` — ${attempt.error}` : ''}`;
      const bar = el('div', { class: `bar status-${attempt.status}`, title: text, role: 'img', 'aria-label': text });
      bar.style.left = pct(a);
      bar.style.width = width(a, b);
      track.appendChild(bar);
    }
    const name = el('button', { type: 'button', class: `row-name${s.id === selected ? ' selected' : ''}`, title: s.name }, s.name);
    name.addEventListener('click', () => select(s.id));
    return el('div', { class: 'row' }, name, track);
  });
  const axis = el('div', { class: 'row axis' }, el('span', { class: 'row-name' }, ''), el('div', { class: 'track' }, el('span', { class: 'tick-start' }, '0 s'), el('span', { class: 'tick-end' }, formatMs(span))));
  timelineBox.replaceChildren(...(lines.length ? [...lines, axis] : [el('p', { class: 'muted' }, 'No step has started yet.')]));
}

function renderDetail(m: ConsoleModel): void {
  const step = selected ? findStep(m, selected) : undefined;
  if (!step) {
    detail.replaceChildren(el('p', { class: 'muted' }, 'Select a step in the graph (click, or Tab and Enter) to see its outputs, attempts and log.'));
    logFor = undefined;
    return;
  }
  const parts: HTMLElement[] = [el('h2', {}, statusIcon(step.status), ` ${step.name}`, el('span', { class: `badge status-${step.status}` }, label(step.status)))];
  const facts: Array<[string, string]> = [['Id', step.id]];
  if (step.matrix) facts.push(['Matrix', matrixText(step)]);
  if (step.maxAttempts > 1) facts.push(['Attempt', `${step.attempt}/${step.maxAttempts}`]);
  facts.push(['Duration', duration(step.startedAt, step.endedAt, step.status === 'running')]);
  if (step.skipReason) facts.push(['Skipped', step.skipReason]);
  if (step.reusedFrom) facts.push(['Reused from', step.reusedFrom]);
  if (step.childRunId) facts.push(['Calls run', step.childRunId]);
  if (step.error) facts.push(['Error', step.error]);
  parts.push(el('dl', { class: 'facts' }, ...facts.flatMap(([k, v]) => [el('dt', {}, k), el('dd', { title: v }, v)])));
  if (step.approval) {
    const a = step.approval;
    const text = a.decidedAt
      ? `${a.granted ? 'Approved' : 'Rejected'} by ${a.by ?? 'someone'} at ${new Date(a.decidedAt).toLocaleString()}${a.reason ? ` — “${a.reason}”` : ''}`
      : `Waiting for approval since ${a.requestedAt ? new Date(a.requestedAt).toLocaleString() : '—'}`;
    parts.push(el('h3', {}, 'Approval'), el('p', { class: 'approval-text' }, text));
  }
  if (step.attempts.length) {
    parts.push(el('h3', {}, 'Attempts'), el('ol', { class: 'attempts' }, ...step.attempts.map((a) => el('li', {}, `${label(a.status)} · ${duration(a.start, a.end, a.status === 'running')}`, ...(a.error ? [el('div', { class: 'error' }, a.error)] : [])))));
  }
  const outputs = Object.entries(step.outputs);
  if (outputs.length) {
    parts.push(el('h3', {}, 'Outputs'), el('dl', { class: 'facts outputs' }, ...outputs.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, el('pre', {}, typeof v === 'string' ? v : JSON.stringify(v, null, 2)))])));
  }
  const openLog = el('button', { type: 'button', class: 'link', title: 'Open the log file in an editor' }, 'Open log file');
  openLog.addEventListener('click', () => post({ type: 'action', action: 'openLog', stepId: step.id }));
  parts.push(el('h3', {}, 'Log ', openLog), logBox);
  detail.replaceChildren(...parts);
  if (logFor !== step.id) {
    logFor = step.id;
    log.set([]);
  }
}

function select(id: string): void {
  selected = selected === id ? undefined : id;
  post({ type: 'select', ...(selected ? { stepId: selected } : {}) });
  render();
  if (selected) (graphBox.querySelector(`[data-id="${CSS.escape(selected)}"]`) as SVGGElement | null)?.focus();
}

function selectable(g: SVGGElement, id: string, aria: string): void {
  g.setAttribute('tabindex', '0');
  g.setAttribute('role', 'button');
  g.setAttribute('aria-label', aria);
  g.addEventListener('click', (e) => {
    e.stopPropagation();
    select(id);
  });
  g.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      e.stopPropagation();
      select(id);
    }
  });
}

function findStep(m: ConsoleModel, id: string): ConsoleStep | undefined {
  for (const n of m.nodes) {
    if (n.id === id) return n;
    const i = n.instances.find((x) => x.id === id);
    if (i) return i;
  }
  return undefined;
}

const glyphs: Record<string, string> = {
  completed: 'M -4 0 L -1 3 L 4 -3',
  failed: 'M -3 -3 L 3 3 M 3 -3 L -3 3',
  cancelled: 'M -3 3 L 3 -3',
  skipped: 'M -3 -3 L 1 0 L -3 3 M 2 -3 L 2 3',
  waiting_approval: 'M -1.5 -3 L -1.5 3 M 1.5 -3 L 1.5 3',
  paused: 'M -1.5 -3 L -1.5 3 M 1.5 -3 L 1.5 3',
  interrupted: 'M -3 0 L 3 0',
};

/** A status as a small SVG glyph: a ring and a mark; the running one spins (CSS). */
function statusGlyph(status: string, cx: number, cy: number, r = 7): SVGGElement {
  const g = svgEl('g', { class: `glyph status-${status}`, transform: `translate(${cx},${cy})`, 'aria-hidden': 'true' }) as SVGGElement;
  if (status === 'running') {
    g.appendChild(svgEl('circle', { r: String(r), class: 'ring faint' }));
    g.appendChild(svgEl('path', { d: `M 0 ${-r} A ${r} ${r} 0 0 1 ${r} 0`, class: 'ring spin' }));
    return g;
  }
  g.appendChild(svgEl('circle', { r: String(r), class: 'ring' }));
  const mark = glyphs[status];
  if (mark) g.appendChild(svgEl('path', { d: mark, class: 'mark', transform: r < 7 ? `scale(${r / 7})` : '' }));
  return g;
}

function statusIcon(status: string): SVGSVGElement {
  const svg = document.createElementNS(svgNs, 'svg');
  svg.setAttribute('width', '18');
  svg.setAttribute('height', '18');
  svg.setAttribute('class', 'icon');
  svg.setAttribute('aria-hidden', 'true');
  svg.appendChild(statusGlyph(status, 9, 9));
  return svg;
}

function label(status: string): string {
  return status === 'waiting_approval' || status === 'paused' ? 'waiting for approval' : status;
}

function matrixText(step: ConsoleStep): string {
  return step.matrix ? Object.values(step.matrix).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ') : step.name;
}

function duration(start: string | undefined, end: string | undefined, live: boolean): string {
  if (!start) return '—';
  const ms = (end ? Date.parse(end) : live ? now : Number.NaN) - Date.parse(start);
  return Number.isNaN(ms) ? '—' : formatMs(ms);
}

function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function el(tag: string, attrs: Record<string, string>, ...children: Array<Node | string>): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

function svgEl(tag: string, attrs: Record<string, string> = {}): SVGElement {
  const e = document.createElementNS(svgNs, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== '') e.setAttribute(k, v);
  return e;
}

// Durations of running steps and the timeline's "now" move on between messages.
setInterval(() => {
  if (model && (model.status === 'running' || model.status === 'paused')) {
    now += 1000;
    renderHeader(model);
    renderTimeline(model);
  }
}, 1000);
