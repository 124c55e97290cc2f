import type { Attributes, Context, Link, SpanContext, SpanKind, TraceState } from '@opentelemetry/api';

/**
 * What a {@link ComposableSampler} would like to happen to a span, without deciding it: the spec's
 * `SamplingIntent`. The {@link CompositeSampler} at the top of the tree turns it into the decision.
 */
export interface SamplingIntent {
  /**
   * The rejection threshold: 14 lowercase hex digits (or fewer, read as a `th` value is: missing digits
   * are trailing zeros), `00000000000000` samples everything; `undefined` asks for the span to be
   * dropped whatever its randomness. Anything else counts as `undefined`, with one warning.
   */
  readonly threshold: string | undefined;
  /**
   * Whether the threshold is a real probability, so that adjusted counts (span-to-metrics) may rely on
   * it. When `true` the decision compares the trace's randomness with the threshold and a sampled span
   * carries `ot=th:<threshold>`; when `false` a fresh random value is compared instead and the span
   * carries no `th`.
   */
  readonly thresholdReliable: boolean;
  /** Attributes for the span, asked for only when it is sampled. */
  readonly getAttributes?: () => Readonly<Attributes> | undefined;
  /**
   * The trace state the span should carry, given its parent's and the final decision. Must not touch
   * the `ot` entry: the composite sampler writes `th` itself and keeps `rv` as it is.
   */
  readonly updateTraceState?: (traceState: TraceState | undefined, sampled: boolean) => TraceState | undefined;
}

/**
 * A sampler that can be part of a {@link CompositeSampler} tree: the spec's `ComposableSampler`. Instead
 * of deciding, it states its intent ({@link SamplingIntent}); only the composite sampler at the top
 * decides, once, from the threshold it receives and the trace's randomness, so a tree of them stays
 * consistent probability sampling.
 *
 * `getSamplingIntent` gets the arguments of `Sampler.shouldSample` except the trace id (an intent must not
 * depend on the trace's randomness), followed by what the composite sampler has already read from the
 * parent: its span context (`undefined` for a root span) and its threshold. It must not keep or modify them, must
 * be fast and should not throw (a throw drops the span and is reported).
 *
 * Build them with {@link composableAlwaysOn}, {@link composableAlwaysOff}, {@link composableProbability},
 * {@link composableParentThreshold} and {@link composableRuleBased}, or implement the interface.
 *
 * @example
 * ```ts
 * // Keeps spans whose name starts with "checkout"; states no opinion otherwise.
 * const checkout: ComposableSampler = {
 *   getSamplingIntent: (context, spanName) =>
 *     spanName.startsWith('checkout')
 *       ? { threshold: '00000000000000', thresholdReliable: true }
 *       : { threshold: undefined, thresholdReliable: false },
 *   toString: () => 'Checkout',
 * };
 * const sampler = new CompositeSampler(checkout);
 * ```
 */
export interface ComposableSampler {
  /**
   * @param context The parent context, as `shouldSample` receives it.
   * @param parent The valid parent span context, or `undefined` for a root span.
   * @param parentThreshold The parent's `ot=th` threshold as 14 lowercase hex digits when it carries a
   *   valid one that agrees with its sampled flag and randomness; else `undefined`.
   */
  getSamplingIntent(
    context: Context,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
    parent: SpanContext | undefined,
    parentThreshold: string | undefined,
  ): SamplingIntent;
  /** A short description, e.g. `ComposableProbability{0.25}`. */
  toString(): string;
}

/** The threshold that samples every span. */
export const ALWAYS_THRESHOLD = '00000000000000';

/** The intent of a span to drop: no threshold, not reliable. Shared and frozen. */
export const DROP_INTENT: SamplingIntent = Object.freeze({ threshold: undefined, thresholdReliable: false });

/** The intent of a span to keep with a reliable probability of 1. Shared and frozen. */
export const ALWAYS_INTENT: SamplingIntent = Object.freeze({ threshold: ALWAYS_THRESHOLD, thresholdReliable: true });

/** Composable samplers known never to read the attributes or links they are given. */
const attributeFreeComposables = new WeakSet<ComposableSampler>();

/**
 * Whether `composable` is known never to read attributes or links: otelite's own composables register
 * themselves when neither they nor their delegates read any. A composable of another origin may.
 * @internal
 */
export function composableReadsNoAttributes(composable: ComposableSampler): boolean {
  return attributeFreeComposables.has(composable);
}

/** Records that `composable` reads no attributes (see {@link composableReadsNoAttributes}). @internal */
export function markComposableAttributeFree(composable: ComposableSampler): void {
  attributeFreeComposables.add(composable);
}

/** Whether `value` has a `getSamplingIntent` method. @internal */
export function isComposableSampler(value: unknown): value is ComposableSampler {
  return typeof value === 'object' && value !== null && typeof (value as ComposableSampler).getSamplingIntent === 'function';
}
