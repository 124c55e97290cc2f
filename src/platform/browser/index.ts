/**
 * otelite in browsers (the `browser` export condition): the web entry point with the browser platform
 * installed (fetch spans, keep-alive exports, flush on `pagehide`/`visibilitychange`).
 * @packageDocumentation
 */
import { installPlatform } from '../../platform.js';
import { browserPlatform } from './browser-platform.js';

installPlatform(browserPlatform);

export * from '../web/index.js';
