/**
 * otelite on edge runtimes (the `edge-light` export condition: Next.js middleware and edge routes,
 * Vercel Edge Functions): the web entry point with the edge platform installed. Nothing here imports a
 * Node built-in.
 * @packageDocumentation
 */
import { installPlatform } from '../../platform.js';
import { edgePlatform } from './edge-platform.js';

installPlatform(edgePlatform);

export * from '../web/index.js';
