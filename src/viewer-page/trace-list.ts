import { byId, el, formatDuration, formatStart, replace, serviceColor } from './dom.js';
import type { TraceListResponse, TraceSummary } from './viewer-api.js';

/** The rows already drawn, by trace id: a trace whose version did not change keeps its row. */
const rows = new Map<string, { version: number; row: HTMLTableRowElement }>();
let firstRender = true;
let listening = false;
let onOpen: (traceId: string) => void = () => {};

/** Draws the trace list (newest first, as the API sorted it) and its counts. */
export function renderTraceList(list: TraceListResponse, filtered: boolean, open: (traceId: string) => void): void {
  const body = byId<HTMLTableSectionElement>('trace-rows');
  onOpen = open;
  if (!listening) {
    listening = true;
    // One pair of listeners for every row (a thousand rows would otherwise carry two thousand).
    body.addEventListener('click', (event) => {
      const row = (event.target as HTMLElement).closest<HTMLTableRowElement>('tr[data-trace-id]');
      if (row !== null) onOpen(row.dataset['traceId']!);
    });
    body.addEventListener('keydown', (event) => {
      const row = (event.target as HTMLElement).closest<HTMLTableRowElement>('tr[data-trace-id]');
      if (row === null) return;
      if (event.key === 'Enter') onOpen(row.dataset['traceId']!);
      else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const next = event.key === 'ArrowDown' ? row.nextElementSibling : row.previousElementSibling;
        (next as HTMLElement | null)?.focus();
      }
    });
  }
  const longest = list.traces.reduce((max, trace) => Math.max(max, trace.durationMs), 0);
  const seen = new Set<string>();
  const ordered: HTMLTableRowElement[] = [];
  for (const trace of list.traces) {
    seen.add(trace.traceId);
    const known = rows.get(trace.traceId);
    let row: HTMLTableRowElement;
    if (known !== undefined && known.version === trace.version && known.row.dataset['longest'] === String(longest)) {
      row = known.row;
    } else {
      row = traceRow(trace, longest);
      if (!firstRender) row.classList.add(known === undefined ? 'fresh' : 'updated');
      rows.set(trace.traceId, { version: trace.version, row });
    }
    ordered.push(row);
  }
  for (const traceId of rows.keys()) if (!seen.has(traceId)) rows.delete(traceId);
  const focused = document.activeElement instanceof HTMLTableRowElement ? document.activeElement : undefined;
  body.replaceChildren(...ordered);
  focused?.isConnected === true && focused.focus();
  firstRender = false;

  const { stats } = list;
  const meta = byId('list-meta');
  const shown = list.traces.length;
  replace(
    meta,
    filtered
      ? `${list.matched} of ${stats.traces} traces match${shown < list.matched ? ` (showing the newest ${shown})` : ''}`
      : `${stats.traces} trace${stats.traces === 1 ? '' : 's'}${shown < list.matched ? ` (showing the newest ${shown})` : ''}`,
  );
  const empty = byId('empty');
  empty.hidden = shown > 0;
  if (shown === 0) {
    replace(
      empty,
      ...(filtered
        ? [el('strong', {}, 'No trace matches.'), ' Loosen a filter or clear them.']
        : [
            el('strong', {}, 'Waiting for traces.'),
            ' Point an OpenTelemetry exporter at this receiver:',
            el('code', {}, `OTEL_EXPORTER_OTLP_ENDPOINT=${location.origin}`),
          ]),
    );
  }
}

function traceRow(trace: TraceSummary, longest: number): HTMLTableRowElement {
  const services = el('td', { class: 'c-services' });
  for (const service of trace.services) {
    services.append(el('span', { class: 'service-chip', style: `--c:${serviceColor(service)}` }, el('span', { class: 'swatch' }), service));
  }
  const width = longest > 0 ? Math.max(1, (trace.durationMs / longest) * 100) : 0;
  const row = el(
    'tr',
    {
      class: trace.errorCount > 0 ? 'trace-row has-error' : 'trace-row',
      tabindex: 0,
      'data-trace-id': trace.traceId,
      'data-longest': String(longest),
    },
    el(
      'td',
      { class: 'c-name' },
      el(
        'div',
        { class: 'root-name' },
        trace.errorCount > 0 ? el('span', { class: 'error-badge', title: `${trace.errorCount} span(s) with status ERROR` }, '!') : null,
        el('span', { class: 'name-text' }, trace.rootName === '' ? '(unnamed)' : trace.rootName),
        trace.orphanCount > 0 ? el('span', { class: 'tag muted', title: 'spans whose parent was not received' }, 'incomplete') : null,
      ),
      el('div', { class: 'trace-id' }, trace.traceId),
    ),
    services,
    el(
      'td',
      { class: 'c-num' },
      String(trace.spanCount),
      trace.errorCount > 0 ? el('span', { class: 'err-count' }, ` · ${trace.errorCount} err`) : null,
    ),
    el(
      'td',
      { class: 'c-duration' },
      el('div', { class: 'duration-text' }, formatDuration(trace.durationMs)),
      el('div', { class: 'duration-track' }, el('div', { class: 'duration-bar', style: `width:${width.toFixed(2)}%` })),
    ),
    el('td', { class: 'c-start', title: new Date(trace.startMs).toISOString() }, formatStart(trace.startMs)),
  );
  return row;
}
