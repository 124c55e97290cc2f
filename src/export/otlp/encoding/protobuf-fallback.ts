import { reportError } from '../../../diagnostics/report.js';
import type { FinishedSpan } from '../../../trace/finished-span.js';
import { ENCODE_ERROR_KIND } from './encode-error-kind.js';

/**
 * The binary encoder's fallback: the encoder a batch goes through when the fast writer
 * (`binary-encoder.ts`) fails on it, installed directly or as a loader that runs at the first
 * encoding. The Node entry installs the generated schema's (`schema-fallback-encoder.ts`) as a loader;
 * the web entries install none, so their bundles carry no schema.
 */

/** An encoder of a whole batch to binary protobuf. */
export type ProtobufEncoder = (spans: readonly FinishedSpan[]) => Uint8Array;

/** The encoder used after the fast writer failed; `undefined` = the fast writer once more. */
let fallbackEncoder: ProtobufEncoder | undefined;
/** Loads the fallback encoder; called (once) by the first encoding, see {@link useProtobufFallbackEncoderLoader}. */
let fallbackLoader: (() => Promise<ProtobufEncoder>) | undefined;
/** Counts installs, so a load that settles after another install changes nothing. */
let fallbackInstalls = 0;

/**
 * Installs the encoder a batch goes through when the fast writer fails on it (a writer bug, or span
 * data that changed while it was encoded). Internal: the web entries install none, so their bundles
 * carry no schema. `undefined` goes back to none.
 *
 * @example
 * ```ts
 * useProtobufFallbackEncoder(encodeWithSchema);
 * ```
 */
export function useProtobufFallbackEncoder(encoder: ProtobufEncoder | undefined): void {
  fallbackInstalls++;
  fallbackLoader = undefined;
  fallbackEncoder = encoder;
}

/**
 * Installs a fallback encoder (see {@link useProtobufFallbackEncoder}) that is loaded when the first
 * batch is encoded rather than when the program starts: the Node entry loads the generated schema's
 * (`schema-fallback-encoder.ts`) this way, so `import 'otelite'` compiles neither the schema nor the
 * protobuf runtime. Until the load settles a failed batch is encoded by the fast writer once more; a
 * load that fails is reported and leaves that behaviour. Internal.
 *
 * @example
 * ```ts
 * useProtobufFallbackEncoderLoader(async () => (await import('./schema-fallback-encoder.js')).encodeWithSchema);
 * ```
 */
export function useProtobufFallbackEncoderLoader(load: () => Promise<ProtobufEncoder>): void {
  useProtobufFallbackEncoder(undefined);
  fallbackLoader = load;
}

/** Starts loading the fallback when a loader is installed and has not run yet; called by every encoding. */
export function startLoadingPendingFallback(): void {
  const load = fallbackLoader;
  if (load === undefined) return;
  fallbackLoader = undefined;
  const install = fallbackInstalls;
  const loaded = (encoder: ProtobufEncoder) => {
    if (install === fallbackInstalls) fallbackEncoder = encoder;
  };
  const failed = (error: unknown) => reportError(ENCODE_ERROR_KIND, error, 'loading the protobuf fallback encoder');
  try {
    load().then(loaded, failed);
  } catch (error) {
    failed(error);
  }
}

/** The installed fallback encoder; `undefined` while there is none (or it is still loading). */
export function protobufFallbackEncoder(): ProtobufEncoder | undefined {
  return fallbackEncoder;
}
