/**
 * otelite in browsers (the `browser` export condition): the web entry point with the browser platform
 * installed (fetch spans, keep-alive exports, flush on `pagehide`/`visibilitychange`).
 * @packageDocumentation
 */
import { installPlatform } from '../../platform.js';
import { browserPlatform } from './browser-platform.js';

installPlatform(browserPlatform);
// No useInitEnvironment, useEnvironmentReaders, useEnvironmentSampler or useOtlpEnvironment: a page has no
// OTEL_LOG_LEVEL, OTEL_TRACES_EXPORTER, OTEL_TRACES_SAMPLER, OTEL_EXPORTER_OTLP_* or other OTEL_* variable
// (span limits, OTEL_BSP_*, resource, OTEL_PROPAGATORS, OTEL_SDK_DISABLED), so it ships neither the console logger,
// the console exporter, the samplers only those names build (its default is parentbased_always_on) nor
// the exporter's variable parsing (its defaults are the spec's).

export * from '../web/exports.js';
