import { byId, copyButton, el, formatDuration, formatStart, replace, serviceColor } from './dom.js';
import type { AttributeView, SpanView, TraceResponse } from './viewer-api.js';

/** One span in tree order, with what the waterfall needs to draw and fold it. */
interface Node {
  span: SpanView;
  depth: number;
  parent: Node | undefined;
  children: Node[];
  row?: HTMLElement;
}

/** The open trace: its tree, the folded spans, the selected one. */
interface OpenTrace {
  traceId: string;
  response: TraceResponse;
  nodes: Node[];
  collapsed: Set<string>;
  selected: string | undefined;
  evicted: boolean;
}

let current: OpenTrace | undefined;
let onSelect: (spanId: string | undefined) => void = () => {};

/** Arranges spans as a tree, children under their parent in start order; orphans and cycle members become roots. */
function buildTree(spans: SpanView[]): Node[] {
  const byId = new Map<string, Node>();
  for (const span of spans) if (!byId.has(span.spanId)) byId.set(span.spanId, { span, depth: 0, parent: undefined, children: [] });
  const roots: Node[] = [];
  for (const node of byId.values()) {
    const parent = node.span.parentSpanId === '' ? undefined : byId.get(node.span.parentSpanId);
    if (parent === undefined || parent === node) roots.push(node);
    else parent.children.push(node);
  }
  const ordered: Node[] = [];
  const visited = new Set<Node>();
  const walk = (start: Node[]): void => {
    const stack = [...start].reverse().map((node) => ({ node, depth: 0, parent: undefined as Node | undefined }));
    while (stack.length > 0) {
      const { node, depth, parent } = stack.pop()!;
      if (visited.has(node)) continue;
      visited.add(node);
      node.depth = depth;
      node.parent = parent;
      ordered.push(node);
      for (let i = node.children.length - 1; i >= 0; i--) stack.push({ node: node.children[i]!, depth: depth + 1, parent: node });
    }
  };
  walk(roots);
  const left = [...byId.values()].filter((node) => !visited.has(node));
  for (const node of left) node.children = node.children.filter((child) => !visited.has(child));
  if (left.length > 0) walk(left);
  return ordered;
}

/** Shows a trace (again, after new spans arrived: folds and selection stay). */
export function renderTrace(
  response: TraceResponse,
  selectedSpanId: string | undefined,
  select: (spanId: string | undefined) => void,
): void {
  const same = current?.traceId === response.summary.traceId ? current : undefined;
  onSelect = select;
  current = {
    traceId: response.summary.traceId,
    response,
    nodes: buildTree(response.spans),
    collapsed: same?.collapsed ?? new Set(),
    selected: selectedSpanId ?? same?.selected,
    evicted: false,
  };
  if (current.selected !== undefined && !current.nodes.some((node) => node.span.spanId === current!.selected)) current.selected = undefined;
  if (current.selected === undefined && current.nodes.length > 0) current.selected = current.nodes[0]!.span.spanId;
  renderHead();
  renderWaterfall();
  renderDetail();
}

/** Says that the open trace left the store (its spans stay on screen). */
export function markEvicted(traceId: string): void {
  if (current?.traceId !== traceId) return;
  current.evicted = true;
  renderHead();
}

export function closeTrace(): void {
  current = undefined;
}

export function openTraceId(): string | undefined {
  return current?.traceId;
}

function renderHead(): void {
  const trace = current!;
  const { summary } = trace.response;
  const legend = el('div', { class: 'legend' });
  for (const service of summary.services) {
    legend.append(el('span', { class: 'service-chip', style: `--c:${serviceColor(service)}` }, el('span', { class: 'swatch' }), service));
  }
  replace(
    byId('trace-head'),
    el(
      'div',
      { class: 'head-row' },
      el('a', { class: 'back', href: '#', id: 'back', title: 'Back to the trace list (Esc)' }, '← Traces'),
      el(
        'h1',
        { class: 'trace-title' },
        summary.errorCount > 0 ? el('span', { class: 'error-badge', title: `${summary.errorCount} span(s) with status ERROR` }, '!') : null,
        el('span', {}, summary.rootName === '' ? '(unnamed)' : summary.rootName),
      ),
      el(
        'a',
        {
          class: 'button',
          id: 'download',
          href: `/api/traces/${summary.traceId}/otlp.json`,
          download: `trace-${summary.traceId}.json`,
          title: 'Save as OTLP/JSON; `otelite receive --load <file>` shows it again',
        },
        'Download OTLP JSON',
      ),
    ),
    el(
      'div',
      { class: 'head-facts' },
      fact('Duration', formatDuration(summary.durationMs)),
      fact('Spans', String(summary.spanCount)),
      summary.errorCount > 0 ? fact('Errors', String(summary.errorCount), 'error') : null,
      fact('Started', formatStart(summary.startMs)),
      el(
        'span',
        { class: 'fact' },
        el('span', { class: 'fact-label' }, 'Trace ID'),
        el('code', { class: 'mono' }, summary.traceId),
        copyButton(summary.traceId),
      ),
      legend,
    ),
    trace.evicted
      ? el(
          'div',
          { class: 'notice' },
          'This trace was evicted from the store to make room for newer ones; what you see is what was loaded.',
        )
      : null,
  );
}

function fact(label: string, value: string, kind = ''): HTMLElement {
  return el('span', { class: `fact ${kind}` }, el('span', { class: 'fact-label' }, label), el('span', { class: 'fact-value' }, value));
}

function isHidden(node: Node, collapsed: ReadonlySet<string>): boolean {
  for (let parent = node.parent; parent !== undefined; parent = parent.parent) if (collapsed.has(parent.span.spanId)) return true;
  return false;
}

function renderWaterfall(): void {
  const trace = current!;
  const total = Math.max(trace.response.summary.durationMs, 1e-6);
  const waterfall = byId('waterfall');
  const header = el('div', { class: 'wf-header' }, el('div', { class: 'wf-name-col' }, 'Span'), ticks(total));
  const rowsHost = el('div', { class: 'wf-rows', role: 'group' });
  const fragment = document.createDocumentFragment();
  for (const node of trace.nodes) {
    const { span } = node;
    const start = Math.min(Math.max(span.offsetMs / total, 0), 1) * 100;
    const width = span.durationMs === null ? 0 : Math.min((span.durationMs / total) * 100, 100 - start);
    const color = serviceColor(span.service);
    const isError = span.status.code === 'ERROR';
    const toggle =
      node.children.length > 0
        ? el(
            'button',
            { type: 'button', class: 'toggle', 'aria-label': 'fold', tabindex: -1 },
            trace.collapsed.has(span.spanId) ? '▸' : '▾',
          )
        : el('span', { class: 'toggle-space' });
    const row = el(
      'div',
      {
        class: `wf-row${isError ? ' is-error' : ''}${span.orphan ? ' is-orphan' : ''}`,
        role: 'treeitem',
        'data-span-id': span.spanId,
        style: `--c:${color}`,
      },
      el(
        'div',
        { class: 'wf-name-col', style: `padding-left:${8 + Math.min(node.depth, 40) * 14}px` },
        toggle,
        el('span', { class: 'swatch' }),
        el('span', { class: 'span-name' }, span.name === '' ? '(unnamed)' : span.name),
        span.orphan ? el('span', { class: 'tag orphan', title: `parent ${span.parentSpanId} was not received` }, 'orphan') : null,
        isError ? el('span', { class: 'tag error' }, 'error') : null,
        el('span', { class: 'span-service' }, span.service),
      ),
      el(
        'div',
        { class: 'wf-time-col' },
        el('div', { class: 'bar', style: `left:${start.toFixed(3)}%;width:max(2px, ${width.toFixed(3)}%)` }),
        barLabel(start, width, formatDuration(span.durationMs)),
      ),
    );
    node.row = row;
    row.hidden = isHidden(node, trace.collapsed);
    if (span.spanId === trace.selected) row.classList.add('selected');
    fragment.append(row);
  }
  rowsHost.append(fragment);
  // One listener for every row (a 2,000-span trace would otherwise carry 4,000).
  const nodesById = new Map(trace.nodes.map((node) => [node.span.spanId, node]));
  rowsHost.addEventListener('click', (event) => {
    const target = event.target as HTMLElement;
    const row = target.closest<HTMLElement>('.wf-row');
    const node = row === null ? undefined : nodesById.get(row.dataset['spanId'] ?? '');
    if (node === undefined) return;
    if (target.closest('.toggle') !== null) fold(node, !trace.collapsed.has(node.span.spanId));
    else select(node.span.spanId);
  });
  const scroll = waterfall.querySelector('.wf-rows')?.scrollTop ?? 0;
  waterfall.replaceChildren(header, rowsHost);
  rowsHost.scrollTop = scroll;
  waterfall.onkeydown = onKey;
}

/** The duration beside its bar: after it, before it when the bar ends late, inside it when the bar is long. */
function barLabel(start: number, width: number, text: string): HTMLElement {
  if (start + width < 82) return el('span', { class: 'bar-label', style: `left:calc(${(start + width).toFixed(3)}% + 6px)` }, text);
  if (start > 25) return el('span', { class: 'bar-label', style: `right:calc(${(100 - start).toFixed(3)}% + 6px)` }, text);
  return el('span', { class: 'bar-label inside', style: `right:calc(${(100 - start - width).toFixed(3)}% + 6px)` }, text);
}

function ticks(total: number): HTMLElement {
  const axis = el('div', { class: 'wf-time-col wf-axis' });
  for (let i = 0; i <= 4; i++) {
    axis.append(
      el('span', { class: `tick${i === 4 ? ' last' : ''}`, style: `left:${i * 25}%` }, i === 0 ? '0' : formatDuration((total * i) / 4)),
    );
  }
  return axis;
}

function fold(node: Node, collapse: boolean): void {
  const trace = current!;
  if (collapse) trace.collapsed.add(node.span.spanId);
  else trace.collapsed.delete(node.span.spanId);
  const toggle = node.row?.querySelector('.toggle');
  if (toggle) toggle.textContent = collapse ? '▸' : '▾';
  for (const other of trace.nodes) if (other.row !== undefined) other.row.hidden = isHidden(other, trace.collapsed);
}

function select(spanId: string | undefined): void {
  const trace = current!;
  trace.selected = spanId;
  for (const node of trace.nodes) node.row?.classList.toggle('selected', node.span.spanId === spanId);
  const row = trace.nodes.find((node) => node.span.spanId === spanId)?.row;
  row?.scrollIntoView({ block: 'nearest' });
  renderDetail();
  onSelect(spanId);
}

function onKey(event: KeyboardEvent): void {
  const trace = current;
  if (trace === undefined) return;
  const visible = trace.nodes.filter((node) => node.row !== undefined && !node.row.hidden);
  const index = visible.findIndex((node) => node.span.spanId === trace.selected);
  const node = visible[index];
  if (event.key === 'ArrowDown' || event.key === 'j') {
    select(visible[Math.min(index + 1, visible.length - 1)]?.span.spanId);
  } else if (event.key === 'ArrowUp' || event.key === 'k') {
    select(visible[Math.max(index - 1, 0)]?.span.spanId);
  } else if (event.key === 'ArrowLeft' && node !== undefined) {
    if (node.children.length > 0 && !trace.collapsed.has(node.span.spanId)) fold(node, true);
    else if (node.parent !== undefined) select(node.parent.span.spanId);
  } else if (event.key === 'ArrowRight' && node !== undefined && node.children.length > 0) {
    fold(node, false);
  } else if (event.key === 'Home') {
    select(visible[0]?.span.spanId);
  } else if (event.key === 'End') {
    select(visible.at(-1)?.span.spanId);
  } else {
    return;
  }
  event.preventDefault();
}

function renderDetail(): void {
  const trace = current!;
  const detail = byId('detail');
  const span = trace.nodes.find((node) => node.span.spanId === trace.selected)?.span;
  if (span === undefined) {
    replace(detail, el('p', { class: 'muted' }, 'Select a span to see its details.'));
    return;
  }
  const status = span.status.code;
  replace(
    detail,
    el(
      'div',
      { class: 'detail-head', style: `--c:${serviceColor(span.service)}` },
      el('div', { class: 'detail-service' }, el('span', { class: 'swatch' }), span.service),
      el('h2', { class: 'detail-name' }, span.name === '' ? '(unnamed)' : span.name),
      el(
        'div',
        { class: 'detail-badges' },
        el('span', { class: `badge status-${status.toLowerCase()}` }, status),
        el('span', { class: 'badge' }, span.kind),
        el('span', { class: 'badge' }, formatDuration(span.durationMs)),
        span.orphan ? el('span', { class: 'badge orphan' }, 'orphan') : null,
      ),
      status === 'ERROR' && span.status.message !== '' ? el('div', { class: 'status-message' }, span.status.message) : null,
    ),
    section(
      'Span',
      table([
        ['Span ID', span.spanId, 'copy'],
        [
          'Parent ID',
          span.parentSpanId === '' ? '(root)' : `${span.parentSpanId}${span.orphan ? ' (not received)' : ''}`,
          span.parentSpanId === '' ? '' : 'copy',
        ],
        ['Trace ID', trace.traceId, 'copy'],
        ['Kind', span.kind, ''],
        ['Status', span.status.message === '' ? status : `${status}: ${span.status.message}`, ''],
        ['Start', `${formatStart(Number(BigInt(span.startTimeUnixNano) / 1_000_000n))} (+${formatDuration(span.offsetMs)})`, ''],
        ['Start (ns)', span.startTimeUnixNano, 'copy'],
        ['Duration', formatDuration(span.durationMs), ''],
        ['Scope', span.scope.version === '' ? span.scope.name : `${span.scope.name} ${span.scope.version}`, ''],
        ...(span.traceState === '' ? [] : [['Trace state', span.traceState, 'copy'] as Row]),
      ]),
    ),
    section(`Attributes (${span.attributes.length})`, attributes(span.attributes), dropped(span.droppedAttributesCount, 'attributes')),
    span.events.length > 0 || span.droppedEventsCount > 0
      ? section(
          `Events (${span.events.length})`,
          el(
            'div',
            { class: 'events' },
            ...span.events.map((event) =>
              el(
                'div',
                { class: 'event' },
                el(
                  'div',
                  { class: 'event-head' },
                  el('span', { class: 'event-name' }, event.name),
                  el('span', { class: 'event-time', title: event.timeUnixNano }, `+${formatDuration(event.offsetMs)}`),
                ),
                event.attributes.length > 0 ? attributes(event.attributes) : null,
              ),
            ),
          ),
          dropped(span.droppedEventsCount, 'events'),
        )
      : null,
    span.links.length > 0 || span.droppedLinksCount > 0
      ? section(
          `Links (${span.links.length})`,
          el(
            'div',
            { class: 'events' },
            ...span.links.map((link) =>
              el(
                'div',
                { class: 'event' },
                table([
                  ['Trace ID', link.traceId, 'copy'],
                  ['Span ID', link.spanId, 'copy'],
                  ...(link.traceState === '' ? [] : [['Trace state', link.traceState, ''] as Row]),
                ]),
                link.attributes.length > 0 ? attributes(link.attributes) : null,
              ),
            ),
          ),
          dropped(span.droppedLinksCount, 'links'),
        )
      : null,
    section(`Resource (${span.resource.length})`, attributes(span.resource)),
  );
}

type Row = [label: string, value: string, copy: string];

function section(title: string, ...content: (HTMLElement | null)[]): HTMLElement {
  return el('section', { class: 'detail-section' }, el('h3', {}, title), ...content);
}

function table(rows: Row[]): HTMLElement {
  return el(
    'table',
    { class: 'kv' },
    ...rows.map(([label, value, copy]) =>
      el(
        'tr',
        {},
        el('th', {}, label),
        el('td', {}, el('span', { class: 'value mono' }, value), copy === 'copy' ? copyButton(value) : null),
      ),
    ),
  );
}

function attributes(list: AttributeView[]): HTMLElement {
  if (list.length === 0) return el('p', { class: 'muted' }, 'none');
  const sorted = [...list].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return el(
    'table',
    { class: 'kv attrs' },
    ...sorted.map(([key, text, type]) =>
      el(
        'tr',
        {},
        el('th', { class: 'mono', title: type }, key),
        el('td', {}, el('span', { class: `value mono t-${type}` }, text), copyButton(text)),
      ),
    ),
  );
}

function dropped(count: number, what: string): HTMLElement | null {
  return count > 0 ? el('p', { class: 'muted' }, `${count} ${what} dropped by the sender`) : null;
}
