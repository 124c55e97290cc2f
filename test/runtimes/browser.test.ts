import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceivedSpan, Receiver } from '../../src/platform/node/receiver/index.js';
import { consumerFolder, expectAttachChecks, only, receiver, type AttachCheckResults } from './runtime-kit.js';

// Debian's Chromium, driven by playwright-core (which never downloads a browser of its own).
const CHROMIUM = process.env.OTELITE_CHROMIUM ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available) console.log(`SKIPPED chromium: ${CHROMIUM} not found (apt-get install chromium)`);
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Requests the page's origin and the other origin saw, by path. */
const seen = new Map<string, IncomingHttpHeaders>();

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`)),
  );
}

describe.skipIf(!available)('Chromium (headless)', () => {
  let collector: Receiver;
  let site: Server;
  let other: Server;
  let siteUrl: string;
  let otherUrl: string;
  let profile: string;
  let browser: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    collector = await receiver();
    const folder = consumerFolder(['browser-app.mjs']);
    await build({
      entryPoints: [join(folder, 'browser-app.mjs')],
      outfile: join(folder, 'app.js'),
      bundle: true,
      format: 'esm',
      platform: 'browser',
      minify: true,
      logLevel: 'silent',
    });
    const script = readFileSync(join(folder, 'app.js'));
    // The context.attach page: @opentelemetry/api 1.10 for the page and otelite alike.
    const attachFolder = consumerFolder(['browser-attach-app.mjs', 'attach-checks.mjs'], { api: '1.10' });
    await build({
      entryPoints: [join(attachFolder, 'browser-attach-app.mjs')],
      outfile: join(attachFolder, 'attach.js'),
      bundle: true,
      format: 'esm',
      platform: 'browser',
      minify: true,
      logLevel: 'silent',
    });
    const attachScript = readFileSync(join(attachFolder, 'attach.js'));
    site = createServer((request, response) => {
      seen.set(request.url ?? '', request.headers);
      if (request.url === '/' || request.url?.startsWith('/?')) {
        response.setHeader('content-type', 'text/html');
        response.end('<!doctype html><title>otelite</title><script type="module" src="/app.js"></script>');
      } else if (request.url === '/attach') {
        response.setHeader('content-type', 'text/html');
        response.end('<!doctype html><title>otelite attach</title><script type="module" src="/attach.js"></script>');
      } else if (request.url === '/attach.js') {
        response.setHeader('content-type', 'text/javascript');
        response.end(attachScript);
      } else if (request.url === '/app.js') {
        response.setHeader('content-type', 'text/javascript');
        response.end(script);
      } else if (request.url === '/v1/traces') {
        // Same origin for the page; forwarded as it came (gzip and content type included) to the receiver.
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          const headers: Record<string, string> = { 'content-type': String(request.headers['content-type']) };
          if (request.headers['content-encoding'] !== undefined) headers['content-encoding'] = String(request.headers['content-encoding']);
          fetch(collector.tracesUrl, { method: 'POST', headers, body: Buffer.concat(chunks) }).then(
            async (forwarded) => {
              response.statusCode = forwarded.status;
              response.end(Buffer.from(await forwarded.arrayBuffer()));
            },
            () => {
              response.statusCode = 502;
              response.end();
            },
          );
        });
      } else {
        response.end('same-origin');
      }
    });
    other = createServer((request, response) => {
      seen.set(`other:${request.url}`, request.headers);
      response.setHeader('access-control-allow-origin', '*');
      response.end('cross-origin');
    });
    siteUrl = await listen(site);
    otherUrl = await listen(other);
    profile = mkdtempSync(join(tmpdir(), 'otelite-chromium-'));
    browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS });
    page = browser.pages()[0] ?? (await browser.newPage());
  });

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await collector?.close();
    await new Promise((resolve) => site?.close(resolve));
    await new Promise((resolve) => other?.close(resolve));
  });

  async function spansArriving(count: number): Promise<ReceivedSpan[]> {
    for (let attempt = 0; attempt < 300 && collector.spans().length < count; attempt++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    return collector.spans();
  }

  it('fetch client spans under the active span, traceparent to the own origin only, flushed on pagehide', async () => {
    await page.goto(siteUrl);
    await page.waitForFunction(() => typeof (window as { runScenario?: unknown }).runScenario === 'function');
    const result = await page.evaluate(
      (origin) => (window as unknown as { runScenario(origin: string): Promise<unknown> }).runScenario(origin),
      otherUrl,
    );
    expect(result).toEqual({ activeInside: true, same: 'same-origin', cross: 'cross-origin', activeAfter: true });
    // Nothing is exported yet (batching waits a minute); leaving the page flushes.
    expect(collector.spans()).toEqual([]);
    await page.goto('about:blank');
    const spans = await spansArriving(3);
    const click = only(spans, (span) => span.name === 'click', 'click span');
    expect(click.resourceAttributes).toMatchObject({ 'service.name': 'browser-app', 'telemetry.sdk.language': 'webjs' });
    expect(String(click.resourceAttributes['user_agent.original'])).toMatch(/Chrome/);
    const same = only(
      spans,
      (span) => span.kind === 'CLIENT' && String(span.attributes['url.full']).endsWith('/api/data'),
      'same-origin fetch span',
    );
    const cross = only(
      spans,
      (span) => span.kind === 'CLIENT' && String(span.attributes['url.full']).endsWith('/cross'),
      'cross-origin fetch span',
    );
    for (const span of [same, cross]) {
      expect(span.parentSpanId).toBe(click.spanId);
      expect(span.attributes['http.response.status_code']).toBe(200);
    }
    expect(seen.get('/api/data')?.traceparent).toMatch(new RegExp(`^00-${click.traceId}-${same.spanId}-0[13]$`));
    expect(seen.get('other:/cross')?.traceparent).toBeUndefined();
    // The exporter's own request is not traced.
    expect(spans.filter((span) => String(span.attributes['url.full'] ?? '').includes('/v1/traces'))).toEqual([]);
    expect(spans).toHaveLength(3);
  });

  it('flushes when the page becomes hidden (visibilitychange)', async () => {
    collector.clear();
    await page.goto(siteUrl);
    await page.waitForFunction(() => typeof (window as { recordHidden?: unknown }).recordHidden === 'function');
    await page.evaluate(() => (window as unknown as { recordHidden(): void }).recordHidden());
    expect(collector.spans()).toEqual([]);
    // Headless pages are always visible; the state is set the way the browser reports it when a tab is hidden.
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    const spans = await spansArriving(1);
    expect(spans.map((span) => span.name)).toEqual(['before-hidden']);
  });

  it('propagateTraceHeaderUrls: a same-origin URL outside the list gets no trace headers, but its CLIENT span', async () => {
    collector.clear();
    await page.goto(`${siteUrl}/?limit`);
    await page.waitForFunction(() => typeof (window as { fetchAllowedAndOther?: unknown }).fetchAllowedAndOther === 'function');
    await page.evaluate(() => (window as unknown as { fetchAllowedAndOther(): Promise<void> }).fetchAllowedAndOther());
    await page.goto('about:blank');
    const spans = await spansArriving(3);
    const allowed = only(
      spans,
      (span) => span.kind === 'CLIENT' && String(span.attributes['url.full']).endsWith('/api/allowed'),
      'allowed fetch span',
    );
    only(spans, (span) => span.kind === 'CLIENT' && String(span.attributes['url.full']).endsWith('/api/not-allowed'), 'other fetch span');
    expect(seen.get('/api/allowed')?.traceparent).toMatch(new RegExp(`^00-${allowed.traceId}-${allowed.spanId}-0[13]$`));
    expect(seen.get('/api/not-allowed')?.traceparent).toBeUndefined();
  });

  it('context.attach of @opentelemetry/api 1.10 with the StackContextManager: active across await, restored in order, misuse reported once', async () => {
    collector.clear();
    await page.goto(`${siteUrl}/attach`);
    await page.waitForFunction(() => typeof (window as { runAttachChecks?: unknown }).runAttachChecks === 'function');
    const results = await page.evaluate(() => (window as unknown as { runAttachChecks(): Promise<AttachCheckResults> }).runAttachChecks());
    await page.goto('about:blank');
    const spans = await spansArriving(4);
    expectAttachChecks(results, spans);
    expect(only(spans, (span) => span.name === 'attach-outer', 'outer span').parentSpanId).toBe('');
  });
});
