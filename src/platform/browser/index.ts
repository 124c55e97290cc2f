/**
 * otelite in browsers (the `browser` export condition): the web entry point with the browser platform
 * installed (fetch spans, keep-alive exports, flush on `pagehide`/`visibilitychange`).
 * @packageDocumentation
 */
import { installPlatform } from '../../platform.js';
import { browserPlatform } from './browser-platform.js';

installPlatform(browserPlatform);
// No useInitEnvironment: a page has no OTEL_LOG_LEVEL or OTEL_TRACES_EXPORTER, so it ships neither the
// console logger nor the console exporter.

export * from '../web/exports.js';
