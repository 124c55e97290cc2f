/**
 * The trace viewer page `otelite receive` serves: a trace list with search, and one trace as a
 * waterfall with span details. It talks only to the receiver that served it (its Content-Security-Policy
 * allows nothing else) and renders every piece of span content as text.
 * @packageDocumentation
 */
import { byId, el, replace } from './dom.js';
import { renderTraceList } from './trace-list.js';
import { closeTrace, markEvicted, openTraceId, renderTrace } from './trace-view.js';
import type { ChangeEvent, StoreStats, TraceListResponse, TraceResponse } from './viewer-api.js';

/** The filter fields, by URL parameter. */
const FILTERS = ['q', 'service', 'name', 'attr', 'min'] as const;

const input = (name: string): HTMLInputElement => byId<HTMLInputElement>(`f-${name}`);

function params(): URLSearchParams {
  return new URLSearchParams(location.search);
}

function listQuery(): URLSearchParams {
  const query = new URLSearchParams();
  const current = params();
  for (const name of [...FILTERS, 'errors']) {
    const value = current.get(name);
    if (value !== null && value !== '') query.set(name, value);
  }
  return query;
}

function isFiltered(): boolean {
  return [...listQuery().keys()].length > 0;
}

/** Puts the form's values into the URL (replacing the entry: typing is not history). */
function formToUrl(): void {
  const next = params();
  for (const name of FILTERS) {
    const value = input(name).value.trim();
    if (value === '') next.delete(name);
    else next.set(name, value);
  }
  if (input('errors').checked) next.set('errors', '1');
  else next.delete('errors');
  history.replaceState(null, '', `${location.pathname}${next.size > 0 ? `?${next}` : ''}`);
}

function urlToForm(): void {
  const current = params();
  for (const name of FILTERS) input(name).value = current.get(name) ?? '';
  input('errors').checked = current.get('errors') === '1';
}

let listRequest = 0;
async function loadList(): Promise<void> {
  const ticket = ++listRequest;
  const response = await fetch(`/api/traces?${listQuery()}`).catch(() => undefined);
  if (response === undefined) {
    // The receiver stopped; the event stream reconnects by itself and reloads the list when it is back.
    replace(byId('list-meta'), 'The receiver is not answering (stopped?). Waiting for it to come back…');
    return;
  }
  if (!response.ok || ticket !== listRequest) return;
  const list = (await response.json()) as TraceListResponse;
  if (ticket !== listRequest) return;
  updateServices(list.services);
  renderStats(list.stats);
  renderTraceList(list, isFiltered(), (traceId) => navigate({ trace: traceId }));
  document.body.dataset['listLoaded'] = String(ticket);
}

function updateServices(services: string[]): void {
  const select = byId<HTMLSelectElement>('f-service');
  const wanted = params().get('service') ?? '';
  const names = new Set(services);
  if (wanted !== '') names.add(wanted);
  const existing = Array.from(select.options)
    .slice(1)
    .map((option) => option.value);
  const sorted = [...names].sort();
  if (existing.join('\u0000') !== sorted.join('\u0000')) {
    select.replaceChildren(el('option', { value: '' }, 'all services'), ...sorted.map((name) => el('option', { value: name }, name)));
  }
  select.value = wanted;
}

function renderStats(stats: StoreStats): void {
  const dropped = stats.droppedTraces > 0;
  replace(
    byId('stats'),
    el('span', {}, el('strong', {}, String(stats.traces)), ` trace${stats.traces === 1 ? '' : 's'}`),
    el('span', {}, el('strong', {}, stats.spans.toLocaleString('en-US')), ` of ${stats.maxSpans.toLocaleString('en-US')} spans kept`),
    dropped
      ? el(
          'span',
          {
            class: 'dropped',
            id: 'dropped',
            title: 'The oldest traces are evicted to stay under the span cap (otelite receive --max-spans)',
          },
          `${stats.droppedTraces.toLocaleString('en-US')} older trace${stats.droppedTraces === 1 ? '' : 's'} dropped ` +
            `(${stats.droppedSpans.toLocaleString('en-US')} spans)`,
        )
      : null,
  );
}

async function loadTrace(traceId: string): Promise<void> {
  const response = await fetch(`/api/traces/${traceId}`).catch(() => undefined);
  if (response === undefined || params().get('trace') !== traceId) return;
  if (!response.ok) {
    replace(
      byId('trace-head'),
      el('div', { class: 'head-row' }, el('a', { class: 'back', href: '#', id: 'back' }, '← Traces')),
      el(
        'div',
        { class: 'notice' },
        `Trace ${traceId} is not here: it was never received, or it was evicted to make room for newer traces.`,
      ),
    );
    byId('waterfall').replaceChildren();
    byId('detail').replaceChildren();
    return;
  }
  const trace = (await response.json()) as TraceResponse;
  if (params().get('trace') !== traceId) return;
  renderTrace(trace, params().get('span') ?? undefined, (spanId) => {
    const next = params();
    if (spanId === undefined) next.delete('span');
    else next.set('span', spanId);
    history.replaceState(null, '', `${location.pathname}?${next}`);
  });
  document.body.dataset['traceLoaded'] = traceId;
}

/** Shows what the URL says: the list (with its filters) or one trace. */
function route(): void {
  const traceId = params().get('trace');
  const showTrace = traceId !== null && /^[0-9a-f]{32}$/.test(traceId);
  byId('list-view').hidden = showTrace;
  byId('trace-view').hidden = !showTrace;
  if (showTrace) {
    void loadTrace(traceId);
    byId('waterfall').focus({ preventScroll: true });
  } else {
    closeTrace();
    urlToForm();
    void loadList();
  }
}

/** Opens a trace (a new history entry, so Back returns to the list) or, with `trace: undefined`, the list. */
function navigate(change: { trace?: string }): void {
  const next = listQuery();
  if (change.trace !== undefined) next.set('trace', change.trace);
  history.pushState(null, '', `${location.pathname}${next.size > 0 ? `?${next}` : ''}`);
  route();
}

let filterTimer: ReturnType<typeof setTimeout> | undefined;
function onFilterChange(): void {
  clearTimeout(filterTimer);
  filterTimer = setTimeout(() => {
    formToUrl();
    void loadList();
  }, 150);
}

let refreshTimer: ReturnType<typeof setTimeout> | undefined;
function connect(): void {
  const live = byId('live');
  const text = byId('live-text');
  const events = new EventSource('/api/events');
  let wasDown = false;
  events.addEventListener('open', () => {
    live.className = 'live on';
    text.textContent = 'live';
    if (wasDown && !byId('list-view').hidden) void loadList();
    wasDown = false;
  });
  events.addEventListener('error', () => {
    wasDown = true;
    live.className = 'live off';
    text.textContent = 'reconnecting';
  });
  events.addEventListener('change', (message) => {
    const change = JSON.parse((message as MessageEvent<string>).data) as ChangeEvent;
    renderStats(change.stats);
    const open = openTraceId();
    if (open !== undefined) {
      if (change.evicted.includes(open)) markEvicted(open);
      else if (change.truncated || change.changed.includes(open)) void loadTrace(open);
      return;
    }
    if (change.changed.length === 0 && change.evicted.length === 0 && !change.truncated) return;
    // Coalesced: a burst of arrivals reloads the list at most about three times a second.
    if (refreshTimer === undefined) {
      refreshTimer = setTimeout(() => {
        refreshTimer = undefined;
        if (!byId('list-view').hidden) void loadList();
      }, 300);
    }
  });
}

function start(): void {
  const form = byId<HTMLFormElement>('filters');
  form.addEventListener('input', onFilterChange);
  form.addEventListener('change', onFilterChange);
  form.addEventListener('submit', (event) => event.preventDefault());
  byId('f-clear').addEventListener('click', () => {
    form.reset();
    onFilterChange();
  });
  byId('home').addEventListener('click', (event) => {
    event.preventDefault();
    navigate({});
  });
  document.addEventListener('click', (event) => {
    const target = event.target as HTMLElement;
    if (target.id === 'back') {
      event.preventDefault();
      navigate({});
    }
  });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !byId('trace-view').hidden) navigate({});
    else if (event.key === '/' && !byId('list-view').hidden && document.activeElement?.tagName !== 'INPUT') {
      event.preventDefault();
      input('q').focus();
    }
  });
  window.addEventListener('popstate', route);
  route();
  connect();
}

start();
