/** Child content: nodes, or strings that become text nodes (never parsed as HTML). */
export type Child = Node | string | null | undefined | false;

/** Creates an element with attributes (set as attributes or `on*` listeners) and children as text or nodes. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number | boolean | EventListener | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'class') element.className = String(value);
    // Through the CSSOM: the page's Content-Security-Policy blocks style attributes, not this.
    else if (name === 'style') element.style.cssText = String(value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

export function byId<T extends HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

/** Stable colour of a service: a hash of its name into a palette that reads on light and dark. */
export function serviceColor(service: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < service.length; i++) {
    hash ^= service.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return PALETTE[(hash >>> 0) % PALETTE.length]!;
}

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#2f9e9a', '#c9a227', '#9c755f', '#d37295', '#7b8bd4', '#6aa84f'];

/** A duration for people: `420 µs`, `12.4 ms`, `1.25 s`. */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(1)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** A start time: the clock time with milliseconds, the date as well when it is not today. */
export function formatStart(epochMs: number): string {
  if (!(epochMs > 0)) return '?';
  const date = new Date(epochMs);
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
  const today = new Date();
  if (date.toDateString() === today.toDateString()) return time;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${time}`;
}

/** A button that copies `text`; says "copied" for a moment. */
export function copyButton(text: string, label = 'Copy'): HTMLButtonElement {
  const button = el('button', { type: 'button', class: 'copy', title: `Copy ${text}` }, label);
  button.addEventListener('click', (event) => {
    event.stopPropagation();
    const done = (): void => {
      button.textContent = 'Copied';
      setTimeout(() => {
        button.textContent = label;
      }, 1200);
    };
    navigator.clipboard?.writeText(text).then(done, () => selectText(button.previousElementSibling));
  });
  return button;
}

function selectText(node: Element | null): void {
  if (node === null) return;
  const range = document.createRange();
  range.selectNodeContents(node);
  const selection = window.getSelection();
  selection?.removeAllRanges();
  selection?.addRange(range);
}

/** Replaces an element's children (strings as text, empty entries skipped). */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}
