import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Receiver } from '../../../src/platform/node/receiver/index.js';
import { LINE_3_PROJECT, line3Version, runApp, startCompatReceiver } from '../compat-harness.js';

// Line 3 only: the apps must get line 3's packages, none of the root's 2.x ones (which a missing package
// would silently fall back to), and otelite's own import of the API must get 1.10.
let receiver: Receiver;
beforeAll(async () => {
  receiver = await startCompatReceiver();
});
afterAll(async () => {
  await receiver.close();
});

const PACKAGES: Record<string, string> = {
  '@opentelemetry/api': '1.10.0',
  '@opentelemetry/instrumentation': '0.301.2',
  '@opentelemetry/instrumentation-http': '0.301.2',
  '@opentelemetry/instrumentation-express': '0.72.0',
  '@opentelemetry/instrumentation-pg': '0.78.0',
  '@opentelemetry/instrumentation-pino': '0.70.0',
  '@opentelemetry/instrumentation-undici': '0.34.0',
  '@opentelemetry/sdk-trace': '3.1.1',
  '@opentelemetry/exporter-trace-otlp-proto': '0.301.2',
  express: '5.2.1',
  pg: '8.23.1',
  pino: '10.4.0',
};

describe('compat line 3 resolution', () => {
  it('pins the versions it says, and every app import (otelite’s peer too) resolves in test/compat/line-3', async () => {
    for (const [name, version] of Object.entries(PACKAGES)) expect(line3Version(name), name).toBe(version);
    const run = await runApp(receiver, 'line-probe-app.cjs', { environment: { COMPAT_PROBE: Object.keys(PACKAGES).join(',') } });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = run.report as { fromApp: Record<string, string>; otelite: string; fromOtelite: string };
    const installed = join(LINE_3_PROJECT, 'node_modules');
    expect(Object.keys(report.fromApp).sort()).toEqual(Object.keys(PACKAGES).sort());
    for (const [name, resolved] of Object.entries(report.fromApp))
      expect(resolved.startsWith(`${installed}/${name}/`), `${name}: ${resolved}`).toBe(true);
    expect(report.otelite.startsWith(join(LINE_3_PROJECT, 'run/node_modules/otelite/dist/'))).toBe(true);
    expect(report.fromOtelite.startsWith(`${installed}/@opentelemetry/api/`)).toBe(true);
  });
});
