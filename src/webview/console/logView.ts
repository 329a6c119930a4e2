/**
 * A step's log, virtualised: only the lines in view (and a few around) are in the DOM, so a
 * 100,000-line log scrolls as smoothly as a short one. ANSI colours become classes (anser's
 * `use_classes`) that the stylesheet maps to the theme's terminal colours; no inline styles, which
 * the CSP would block anyway.
 */
import Anser from 'anser';

const lineHeight = 18;
const overscan = 20;

export class LogView {
  private lines: string[] = [];
  private readonly html = new Map<number, string>();
  private readonly spacer: HTMLDivElement;
  private readonly window: HTMLDivElement;
  private follow = true;
  private scheduled = false;

  /** @param onRender after each render (the webview reports what it drew) */
  constructor(readonly element: HTMLDivElement, private readonly onRender: () => void = () => {}) {
    element.classList.add('log');
    element.tabIndex = 0;
    element.setAttribute('role', 'log');
    element.setAttribute('aria-label', 'Step log');
    this.spacer = document.createElement('div');
    this.window = document.createElement('div');
    this.window.className = 'log-window';
    this.spacer.appendChild(this.window);
    element.appendChild(this.spacer);
    element.addEventListener('scroll', () => {
      this.follow = element.scrollTop + element.clientHeight >= element.scrollHeight - lineHeight;
      this.schedule();
    });
  }

  get length(): number {
    return this.lines.length;
  }

  set(lines: string[]): void {
    this.lines = lines.slice();
    this.html.clear();
    this.follow = true;
    this.schedule();
  }

  append(lines: string[]): void {
    for (const line of lines) this.lines.push(line);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      this.render();
    });
  }

  private render(): void {
    const el = this.element;
    this.spacer.style.height = `${this.lines.length * lineHeight}px`;
    if (this.follow) el.scrollTop = el.scrollHeight;
    const first = Math.max(0, Math.floor(el.scrollTop / lineHeight) - overscan);
    const last = Math.min(this.lines.length, Math.ceil((el.scrollTop + el.clientHeight) / lineHeight) + overscan);
    this.window.style.transform = `translateY(${first * lineHeight}px)`;
    const parts: string[] = [];
    for (let i = first; i < last; i++) parts.push(`<div class="log-line">${this.lineHtml(i)}</div>`);
    this.window.innerHTML = parts.join('');
    if (this.lines.length === 0) this.window.innerHTML = '<div class="log-line muted">(no output yet)</div>';
    this.onRender();
  }

  private lineHtml(i: number): string {
    let cached = this.html.get(i);
    if (cached === undefined) {
      cached = Anser.ansiToHtml(Anser.escapeForHtml(this.lines[i] ?? ''), { use_classes: true }) || '&nbsp;';
      if (this.html.size > 5000) this.html.clear();
      this.html.set(i, cached);
    }
    return cached;
  }
}
