import type { TestProject } from 'vitest/node';
import { buildJaeger } from './jaeger.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Jaeger binary, or '' when it cannot be had (then `jaegerSkipReason` says why). */
    jaegerBinary: string;
    jaegerSkipReason: string;
  }
}

/** Builds Jaeger once for the whole run (or reuses the cached binary) and hands its path to the tests. */
export default async function setup(project: TestProject): Promise<void> {
  const given = process.env.OTELITE_JAEGER_BINARY;
  const { binary, skipped } = given ? { binary: given, skipped: undefined } : await buildJaeger();
  project.provide('jaegerBinary', binary ?? '');
  project.provide('jaegerSkipReason', skipped ?? '');
}
