import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TraceListResponse, TraceResponse } from '../../src/viewer-page/viewer-api.js';
import { CHROMIUM, CHROMIUM_FLAGS, root, runService, serviceFolder, startReceive } from './viewer-kit.js';

// The trace viewer in Debian's headless Chromium (driven by playwright-core, which never downloads a
// browser), against a real `otelite receive` fed by real otelite services in child processes.
// Failures leave a screenshot in test-results/viewer/; OTELITE_UPDATE_SCREENSHOTS=1 also writes the
// pictures of README.md and docs/getting-started.md to docs/images/.

const available = existsSync(CHROMIUM);
if (!available) console.log(`SKIPPED viewer browser suite: ${CHROMIUM} not found (apt-get install chromium)`);
const FAILURES = join(root, 'test-results/viewer');
const UPDATE_SCREENSHOTS = process.env['OTELITE_UPDATE_SCREENSHOTS'] === '1';
/** Small enough that the eviction test overflows it, large enough for everything before. */
const MAX_SPANS = 120;

describe.skipIf(!available)('trace viewer in Chromium', () => {
  let receive: Awaited<ReturnType<typeof startReceive>>;
  let folder: string;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const failed: string[] = [];
  let evictedTrace = '';

  const api = async <T>(path: string): Promise<T> => (await (await fetch(`${receive.url}${path}`)).json()) as T;
  const rows = () => page.locator('#trace-rows tr');
  const traceIdOf = async (orderId: string): Promise<string> => {
    const list = await api<TraceListResponse>(`/api/traces?q=${orderId}`);
    expect(list.traces).toHaveLength(1);
    return list.traces[0]!.traceId;
  };

  beforeAll(async () => {
    folder = serviceFolder();
    receive = await startReceive(['--max-spans', String(MAX_SPANS)]);
    await runService(folder, receive.url, ['checkout', 'checkout', 'ORD-1001']);
    await runService(folder, receive.url, ['checkout', 'checkout', 'ORD-1002', 'fail']);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
    page = await browser.newPage({ viewport: { width: 1360, height: 760 }, colorScheme: 'light' });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      // A 404 shows as a console error too; the responses are checked on their own below.
      if (message.text().startsWith('Failed to load resource')) return;
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('response', (response) => {
      if (response.status() >= 400) failed.push(`${response.status()} ${new URL(response.url()).pathname}`);
    });
    // Everything the page asks for, to prove it talks only to its own origin.
    page.on('request', (request) => {
      if (!request.url().startsWith(receive.url) && !request.url().startsWith('data:')) problems.push(`request to ${request.url()}`);
    });
  });

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail' && page !== undefined) {
      mkdirSync(FAILURES, { recursive: true });
      await page.screenshot({ path: join(FAILURES, `${context.task.name.replace(/[^a-z0-9]+/gi, '-')}.png`) }).catch(() => {});
    }
  });

  afterAll(async () => {
    await browser?.close();
    await receive?.stop();
  });

  async function shot(name: string, height = 760): Promise<void> {
    if (!UPDATE_SCREENSHOTS) return;
    mkdirSync(join(root, 'docs/images'), { recursive: true });
    await page.screenshot({ path: join(root, 'docs/images', name), animations: 'disabled', clip: { x: 0, y: 0, width: 1360, height } });
  }

  it('lists the received traces newest first, with services, span counts, durations and error markers', async () => {
    await page.goto(`${receive.url}/`);
    await expect.poll(() => rows().count()).toBe(2);
    const first = rows().nth(0);
    const second = rows().nth(1);
    await expect.poll(() => first.locator('.name-text').textContent()).toBe('POST /checkout');
    // ORD-1002 ran second, so it is first, and it failed.
    expect(await first.getAttribute('data-trace-id')).toBe(await traceIdOf('ORD-1002'));
    expect(await first.locator('.error-badge').count()).toBe(1);
    expect(await second.locator('.error-badge').count()).toBe(0);
    expect(await first.locator('.c-num').textContent()).toBe('5 · 2 err');
    expect(await first.locator('.service-chip').textContent()).toBe('checkout');
    expect(await first.locator('.duration-text').textContent()).toBe('84.0 ms');
    expect(await page.locator('#stats').textContent()).toContain('2 traces');
    await expect.poll(() => page.locator('#live-text').textContent()).toBe('live');
  });

  it('shows a trace that arrives while the page is open, and updates one that receives more spans in place', async () => {
    await runService(folder, receive.url, ['checkout', 'checkout', 'ORD-1003']);
    await expect.poll(() => rows().count(), { timeout: 10_000 }).toBe(3);
    const newest = await traceIdOf('ORD-1003');
    expect(await rows().nth(0).getAttribute('data-trace-id')).toBe(newest);

    // Another service joins the first trace: its row gains a span and a service, without a reload.
    const first = await traceIdOf('ORD-1001');
    const trace = await api<TraceResponse>(`/api/traces/${first}`);
    const root = trace.spans.find((span) => span.parentSpanId === '')!;
    const marker = await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    // It audits the order 82 ms into the checkout, for 6 ms: the trace now lasts 88 ms.
    const auditStart = Number(BigInt(root.startTimeUnixNano) / 1_000_000n) + 82;
    await runService(folder, receive.url, ['continue', 'audit', `00-${first}-${root.spanId}-01`, String(auditStart)]);
    const row = page.locator(`#trace-rows tr[data-trace-id="${first}"]`);
    await expect.poll(() => row.locator('.c-num').textContent(), { timeout: 10_000 }).toBe('6');
    expect(await row.locator('.service-chip').allTextContents()).toEqual(['checkout', 'audit']);
    expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(marker); // no reload
    await shot('viewer-list.png', 390);
  });

  it('searches by free text, service, attribute, errors and duration, and keeps the query in the URL', async () => {
    const ord2 = await traceIdOf('ORD-1002');
    await page.fill('#f-q', 'ORD-1002');
    await expect.poll(() => rows().count()).toBe(1);
    expect(await rows().nth(0).getAttribute('data-trace-id')).toBe(ord2);
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe('ORD-1002');
    expect(await page.locator('#list-meta').textContent()).toBe('1 of 3 traces match');

    // The URL holds the view: a reload shows the same filtered list.
    await page.reload();
    await expect.poll(() => rows().count()).toBe(1);
    expect(await page.inputValue('#f-q')).toBe('ORD-1002');

    await page.click('#f-clear');
    await expect.poll(() => rows().count()).toBe(3);
    await page.check('#f-errors');
    await expect.poll(() => rows().count()).toBe(1);
    await page.uncheck('#f-errors');
    await expect.poll(() => rows().count()).toBe(3);
    await page.selectOption('#f-service', 'audit');
    await expect.poll(() => rows().count()).toBe(1);
    expect(await rows().nth(0).getAttribute('data-trace-id')).toBe(await traceIdOf('ORD-1001'));
    await page.selectOption('#f-service', '');
    await page.fill('#f-attr', 'server.address=payments.internal');
    await expect.poll(() => rows().count()).toBe(3);
    await page.fill('#f-attr', 'audit.result=stored');
    await expect.poll(() => rows().count()).toBe(1);
    await page.fill('#f-attr', '');
    await page.fill('#f-name', 'confirmation');
    // Every checkout lasts 84 ms, except the first, which the audit service made 88 ms.
    await page.fill('#f-min', '85');
    await expect.poll(() => rows().count()).toBe(1);
    expect(await rows().nth(0).getAttribute('data-trace-id')).toBe(await traceIdOf('ORD-1001'));
    await expect.poll(() => new URL(page.url()).search).toBe('?name=confirmation&min=85');
    await page.fill('#f-name', 'no such span');
    await expect.poll(() => rows().count()).toBe(0);
    expect(await page.locator('#empty').textContent()).toContain('No trace matches');
    await page.click('#f-clear');
    await expect.poll(() => rows().count()).toBe(3);
  });

  it('opens a trace as a waterfall: nested, on one time axis, errors marked, collapsible, keyboard navigable', async () => {
    const ord2 = await traceIdOf('ORD-1002');
    await page.fill('#f-q', 'ORD-1002');
    await expect.poll(async () => (await rows().count()) === 1 && (await rows().nth(0).getAttribute('data-trace-id'))).toBe(ord2);
    await rows().nth(0).click();
    await expect.poll(() => page.locator('.wf-row').count()).toBe(5);
    expect(new URL(page.url()).searchParams.get('trace')).toBe(ord2);
    expect(await page.locator('.trace-title').textContent()).toContain('POST /checkout');
    const names = await page.locator('.wf-row .span-name').allTextContents();
    expect(names).toEqual(['POST /checkout', 'validate cart', 'SELECT inventory', 'POST /payments', 'send confirmation']);
    expect(await page.locator('.wf-row.is-error .span-name').allTextContents()).toEqual(['POST /checkout', 'POST /payments']);
    // Children are indented under the root, and bars sit on the common axis: the payment call starts 25
    // of 84 ms in and lasts 50.
    const rootIndent = await page
      .locator('.wf-row')
      .nth(0)
      .locator('.wf-name-col')
      .evaluate((node) => getComputedStyle(node).paddingLeft);
    const childIndent = await page
      .locator('.wf-row')
      .nth(3)
      .locator('.wf-name-col')
      .evaluate((node) => getComputedStyle(node).paddingLeft);
    expect(parseFloat(childIndent)).toBeGreaterThan(parseFloat(rootIndent));
    const bar = await page
      .locator('.wf-row')
      .nth(3)
      .locator('.bar')
      .evaluate((node) => ({ left: (node as HTMLElement).style.left, width: (node as HTMLElement).style.width }));
    expect(parseFloat(bar.left)).toBeCloseTo((25 / 84) * 100, 1);
    expect(bar.width).toContain(`${((50 / 84) * 100).toFixed(3)}%`);

    // Keyboard: the root is selected first; down twice selects SELECT inventory.
    await page.locator('#waterfall').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await page.locator('.wf-row.selected .span-name').textContent()).toBe('SELECT inventory');
    expect(await page.locator('.detail-name').textContent()).toBe('SELECT inventory');
    await page.keyboard.press('ArrowUp');
    expect(await page.locator('.wf-row.selected .span-name').textContent()).toBe('validate cart');

    // Folding the root hides its children; unfolding shows them again.
    await page.locator('.wf-row').nth(0).locator('.toggle').click();
    expect(await page.locator('.wf-row:visible').count()).toBe(1);
    await page.locator('.wf-row').nth(0).locator('.toggle').click();
    expect(await page.locator('.wf-row:visible').count()).toBe(5);
  });

  it('shows the selected span: status, kind, ids, attributes, events, scope and resource, copyable', async () => {
    await page.locator('.wf-row', { hasText: 'POST /payments' }).click();
    const detail = page.locator('#detail');
    expect(await detail.locator('.detail-name').textContent()).toBe('POST /payments');
    expect(await detail.locator('.status-message').textContent()).toBe('card declined by issuer');
    expect(await detail.locator('.badge').allTextContents()).toEqual(['ERROR', 'CLIENT', '50.0 ms']);
    const text = (await detail.textContent()) ?? '';
    for (const expected of ['server.address', 'payments.internal', 'shop-service 1.0.0', 'service.name', 'telemetry.sdk.name'])
      expect(text).toContain(expected);
    const events = await detail.locator('.event-name').allTextContents();
    expect(events).toEqual(['retry', 'exception']);
    expect(await detail.locator('.event').nth(0).locator('.event-time').textContent()).toBe('+40.0 ms');
    expect(text).toContain('card declined by issuer'); // exception.message of the exception event
    const spanId = await page.locator('.wf-row.selected').getAttribute('data-span-id');
    expect(await detail.locator('.kv tr', { hasText: 'Span ID' }).locator('.value').textContent()).toBe(spanId);
    expect(new URL(page.url()).searchParams.get('span')).toBe(spanId);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: receive.url });
    await detail.locator('.kv tr', { hasText: 'Span ID' }).hover();
    await detail.locator('.kv tr', { hasText: 'Span ID' }).locator('.copy').click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(spanId);
    await shot('viewer-trace.png');

    // A link: the confirmation names the payment call it follows.
    await page.locator('.wf-row', { hasText: 'send confirmation' }).click();
    const links = detail.locator('.detail-section', { hasText: 'Links (1)' });
    expect(await links.locator('.kv tr', { hasText: 'Span ID' }).locator('.value').textContent()).toBe(spanId);
    expect(await links.textContent()).toContain('link.reason');
    expect(await links.textContent()).toContain('paid by');

    // The download is the OTLP/JSON of the trace.
    const download = await page.locator('#download').getAttribute('href');
    const otlp = (await (await fetch(`${receive.url}${download}`)).json()) as { resourceSpans: unknown[] };
    expect(otlp.resourceSpans.length).toBeGreaterThan(0);
    // Esc goes back to the list.
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('#list-view').isVisible()).toBe(true);
  });

  it('shows a span whose parent never arrived as an orphan', async () => {
    await runService(folder, receive.url, ['continue', 'audit', '00-0123456789abcdef0123456789abcdef-00f067aa0ba902b7-01']);
    await page.goto(`${receive.url}/?trace=0123456789abcdef0123456789abcdef`);
    await expect.poll(() => page.locator('.wf-row').count()).toBe(1);
    expect(await page.locator('.wf-row.is-orphan .tag.orphan').textContent()).toBe('orphan');
    expect(await page.locator('#detail .badge.orphan').count()).toBe(1);
    expect(await page.locator('#detail').textContent()).toContain('00f067aa0ba902b7 (not received)');
  });

  it('renders a hostile span name and attributes as text, running none of it', async () => {
    await runService(folder, receive.url, ['hostile']);
    await page.goto(`${receive.url}/`);
    const row = page.locator('#trace-rows tr', { hasText: 'evil-service' });
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    expect(await row.locator('.name-text').textContent()).toBe('<img src=x onerror="window.__pwned=1">');
    await row.click();
    await expect.poll(() => page.locator('.detail-name').textContent()).toBe('<img src=x onerror="window.__pwned=1">');
    const detail = (await page.locator('#detail').textContent()) ?? '';
    expect(detail).toContain('<script>window.__pwned=2</script>');
    expect(detail).toContain('<b>key</b>');
    expect(detail).toContain('<svg onload="window.__pwned=3">');
    expect(await page.locator('.status-message').textContent()).toBe('<img src=y onerror="window.__pwned=4">');
    expect(await page.locator('#app img, #app script, #app svg, #app b').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  it('evicts the oldest traces past the cap and says how many were dropped', async () => {
    await page.goto(`${receive.url}/`);
    await expect.poll(() => rows().count()).toBeGreaterThan(0);
    expect(await page.locator('#dropped').count()).toBe(0);
    const oldest = await traceIdOf('ORD-1001');
    evictedTrace = oldest;
    // 12 traces of 10 spans: 120 more spans against a cap of 120, so every earlier trace goes.
    await runService(folder, receive.url, ['many', 'inventory', '12', '10']);
    await expect
      .poll(() => page.locator('#dropped').textContent(), { timeout: 10_000 })
      .toMatch(/^\d+ older traces dropped \(\d+ spans\)$/);
    await expect.poll(() => rows().count(), { timeout: 10_000 }).toBe(12);
    expect(await page.locator(`#trace-rows tr[data-trace-id="${oldest}"]`).count()).toBe(0);
    const stats = (await api<TraceListResponse>('/api/traces')).stats;
    expect(stats.spans).toBeLessThanOrEqual(MAX_SPANS);
    expect(stats.droppedTraces).toBeGreaterThanOrEqual(5);
    expect(await page.locator('#dropped').textContent()).toBe(`${stats.droppedTraces} older traces dropped (${stats.droppedSpans} spans)`);
    // An evicted trace's link says so instead of failing silently.
    await page.goto(`${receive.url}/?trace=${oldest}`);
    await expect.poll(() => page.locator('.notice').textContent()).toContain('evicted');
  });

  it('sent nothing anywhere but its own origin, and logged no errors', () => {
    expect(problems).toEqual([]);
    // The one failed request was the evicted trace, asked for on purpose.
    expect(failed).toEqual([`404 /api/traces/${evictedTrace}`]);
  });
});
