import type { ReceivedSpan, ReceivedValue } from './received-span.js';

/** Options of {@link formatTraceTree}. */
export interface TraceTreeOptions {
  /** Colour the text with ANSI escapes. Default false. */
  color?: boolean;
  /** Mark the header as the continuation of a trace printed before (late spans). Default false. */
  continued?: boolean;
}

/**
 * The attributes worth a place on a span's line, in the order they print: what the request was, what
 * became of it, and what went wrong. The older HTTP names are there for senders on older conventions.
 */
export const KEY_ATTRIBUTES: readonly string[] = [
  'http.request.method',
  'http.method',
  'http.route',
  'url.full',
  'http.url',
  'url.path',
  'http.target',
  'http.response.status_code',
  'http.status_code',
  'rpc.method',
  'db.system.name',
  'db.operation.name',
  'messaging.destination.name',
  'error.type',
];

/** Past this depth the tree stops indenting, so a hostile chain of spans cannot make the text quadratic. */
const MAX_INDENT_DEPTH = 32;
const MAX_TEXT_LENGTH = 120;

const ANSI = { bold: '1', dim: '2', red: '31', green: '32', yellow: '33', cyan: '36' } as const;

/**
 * Formats the spans of one trace as an indented tree, children under their parents in start order.
 * A span whose parent is not among `spans` prints at the root level, marked as an orphan. The text ends
 * with a newline.
 *
 * Each line holds the span name, kind, service name, duration in milliseconds, status (`OK`, or
 * `ERROR` with its message; nothing when unset) and the {@link KEY_ATTRIBUTES} present on the span.
 *
 * @example
 * ```ts
 * process.stdout.write(formatTraceTree(receiver.spans(), { color: process.stdout.isTTY }));
 * // trace 4bf92f3577b34da6a3ce929d0e0e4736 · 2 spans · checkout
 * // GET /cart  SERVER  [checkout]  12.35 ms  OK  http.request.method=GET http.route=/cart
 * // └─ SELECT  CLIENT  [checkout]  3.10 ms  db.system.name=postgresql
 * ```
 */
export function formatTraceTree(spans: readonly ReceivedSpan[], options: TraceTreeOptions = {}): string {
  if (spans.length === 0) return '';
  const paint = options.color === true ? colorize : plain;
  const byId = new Map<string, ReceivedSpan>();
  for (const span of spans) if (!byId.has(span.spanId)) byId.set(span.spanId, span);
  const children = new Map<string, ReceivedSpan[]>();
  const roots: ReceivedSpan[] = [];
  for (const span of spans) {
    if (span.parentSpanId !== '' && byId.has(span.parentSpanId) && span.parentSpanId !== span.spanId) {
      let list = children.get(span.parentSpanId);
      if (list === undefined) children.set(span.parentSpanId, (list = []));
      list.push(span);
    } else {
      roots.push(span);
    }
  }

  const services = [...new Set(spans.map((span) => span.serviceName))].map(clean).join(', ');
  const count = `${spans.length} span${spans.length === 1 ? '' : 's'}`;
  const continued = options.continued === true ? ' (continued)' : '';
  let text = `${paint(ANSI.bold, `trace ${spans[0]!.traceId}`)}${continued} · ${count} · ${services}\n`;

  const printed = new Set<ReceivedSpan>();
  // Depth-first without recursion; each entry carries the prefix its children continue.
  const stack: { span: ReceivedSpan; prefix: string; branch: string; depth: number }[] = [];
  const pushAll = (list: ReceivedSpan[], prefix: string, depth: number, atRoot: boolean): void => {
    const sorted = [...list].sort(byStart);
    for (let i = sorted.length - 1; i >= 0; i--) {
      const last = i === sorted.length - 1;
      stack.push({ span: sorted[i]!, prefix, branch: atRoot ? '' : last ? '└─ ' : '├─ ', depth });
    }
  };
  const drain = (): void => {
    while (stack.length > 0) {
      const { span, prefix, branch, depth } = stack.pop()!;
      if (printed.has(span)) continue;
      printed.add(span);
      const orphan = branch === '' && span.parentSpanId !== '' ? span.parentSpanId : '';
      text += `${paint(ANSI.dim, prefix + branch)}${formatLine(span, orphan, paint)}\n`;
      const kids = children.get(span.spanId);
      if (kids === undefined) continue;
      const childPrefix = depth >= MAX_INDENT_DEPTH ? prefix : branch === '' ? prefix : prefix + (branch === '└─ ' ? '   ' : '│  ');
      pushAll(kids, childPrefix, depth + 1, false);
    }
  };
  pushAll(roots, '', 0, true);
  drain();
  // Spans caught in a parent cycle have no root; print them rather than lose them.
  const left = spans.filter((span) => !printed.has(span));
  if (left.length > 0) {
    pushAll(left, '', 0, true);
    drain();
  }
  return text;
}

type Paint = (code: string, text: string) => string;

function plain(_code: string, text: string): string {
  return text;
}

function colorize(code: string, text: string): string {
  return `\x1b[${code}m${text}\x1b[0m`;
}

function byStart(a: ReceivedSpan, b: ReceivedSpan): number {
  return a.startTimeUnixNano < b.startTimeUnixNano ? -1 : a.startTimeUnixNano > b.startTimeUnixNano ? 1 : 0;
}

function formatLine(span: ReceivedSpan, missingParent: string, paint: Paint): string {
  const parts = [
    paint(ANSI.bold, clean(span.name) || '(unnamed)'),
    paint(ANSI.dim, span.kind),
    paint(ANSI.cyan, `[${clean(span.serviceName)}]`),
    paint(ANSI.yellow, formatDuration(span.durationMillis)),
  ];
  if (span.status.code === 'OK') parts.push(paint(ANSI.green, 'OK'));
  if (span.status.code === 'ERROR') {
    parts.push(paint(ANSI.red, span.status.message === '' ? 'ERROR' : `ERROR: ${clean(span.status.message)}`));
  }
  const attributes: string[] = [];
  for (const key of KEY_ATTRIBUTES) {
    if (key === 'url.path' && 'url.full' in span.attributes) continue;
    if (key in span.attributes) attributes.push(`${key}=${clean(formatValue(span.attributes[key]!))}`);
  }
  if (attributes.length > 0) parts.push(paint(ANSI.dim, attributes.join(' ')));
  if (missingParent !== '') parts.push(paint(ANSI.red, `(orphan: parent ${missingParent} not received)`));
  return parts.join('  ');
}

/**
 * A duration in milliseconds with about four significant digits: `0.042 ms`, `12.35 ms`, `250.0 ms`,
 * `12345 ms`; `? ms` when unknown.
 */
export function formatDuration(millis: number): string {
  if (!Number.isFinite(millis) || millis < 0) return '? ms';
  const digits = millis < 1 ? 3 : millis < 100 ? 2 : millis < 10_000 ? 1 : 0;
  return `${millis.toFixed(digits)} ms`;
}

function formatValue(value: ReceivedValue): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  if (typeof value === 'object' && value !== null) {
    try {
      return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    } catch {
      return '<value>';
    }
  }
  return String(value);
}

/** Keeps text from the wire printable on one line: control characters (escape sequences included) become `?`, long text is cut. */
function clean(text: string): string {
  const printable = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return printable.length > MAX_TEXT_LENGTH ? `${printable.slice(0, MAX_TEXT_LENGTH - 1)}…` : printable;
}
