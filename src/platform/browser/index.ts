/**
 * otelite in browsers (the `browser` export condition): the web entry point with the browser platform
 * installed (fetch spans, keep-alive exports, flush on `pagehide`/`visibilitychange`).
 * @packageDocumentation
 */
import { installPlatform } from '../../platform.js';
import { browserPlatform } from './browser-platform.js';

installPlatform(browserPlatform);
// No useInitEnvironment and no useEnvironmentSampler: a page has no OTEL_LOG_LEVEL, OTEL_TRACES_EXPORTER or
// OTEL_TRACES_SAMPLER, so it ships neither the console logger, the console exporter nor the samplers only
// those names build (its default sampler is parentbased_always_on).

export * from '../web/exports.js';
