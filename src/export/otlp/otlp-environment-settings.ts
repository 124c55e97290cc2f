import { appendTracesPath, DEFAULT_OTLP_ENDPOINT, DEFAULT_OTLP_TIMEOUT_MILLIS, type OtlpSettings } from './otlp-environment.js';

/** Reads `OTEL_EXPORTER_OTLP_*` (`readOtlpEnvironment`), where there is an environment. */
let fromEnvironment: (() => OtlpSettings) | undefined;

/**
 * Makes `OTLPTraceExporter` take its defaults from `read` (`readOtlpEnvironment`). Called by the entry
 * points of runtimes that have an environment (src/index.ts, platform/web/index.ts); the browser entry
 * does not, so a page bundles none of the `OTEL_EXPORTER_OTLP_*` parsing (headers lists, TLS file
 * variables).
 * @internal
 *
 * @example
 * ```ts
 * useOtlpEnvironment(() => readOtlpEnvironment());
 * ```
 */
export function useOtlpEnvironment(read: (() => OtlpSettings) | undefined): void {
  fromEnvironment = read;
}

/**
 * The settings under an `OTLPTraceExporter`'s options: the environment's (see {@link useOtlpEnvironment}),
 * else what `readOtlpEnvironment` gives with no variable set.
 * @internal
 *
 * @example
 * ```ts
 * otlpEnvironmentSettings().tracesUrl; // 'http://localhost:4318/v1/traces' without OTEL_EXPORTER_OTLP_*
 * ```
 */
export function otlpEnvironmentSettings(): OtlpSettings {
  if (fromEnvironment !== undefined) return fromEnvironment();
  return {
    tracesUrl: appendTracesPath(DEFAULT_OTLP_ENDPOINT),
    headers: {},
    timeoutMillis: DEFAULT_OTLP_TIMEOUT_MILLIS,
    compression: 'none',
    protocol: 'http/protobuf',
  };
}
