import {
  context,
  propagation,
  trace,
  type Attributes,
  type ContextManager,
  type TextMapPropagator,
  type Tracer as ApiTracer,
  type TracerProvider as ApiTracerProvider,
} from '@opentelemetry/api';
import { readEnvironmentVariable, type EnvironmentSource } from '../config/environment-variable.js';
import { readBooleanVariable } from '../config/typed-variables.js';
import { reportError, warnOnce } from '../diagnostics/report.js';
import { MultiSpanProcessor } from './multi-span-processor.js';
import { callAsync, settleWithin } from '../internal/settle-within.js';
import type { SpanProcessor } from './span-processor.js';
import { environmentPropagator } from '../propagation/from-environment.js';
import { DEFAULT_FORCE_FLUSH_TIMEOUT_MILLIS, MAX_CACHED_TRACERS } from './provider-limits.js';
import { currentPlatform } from '../platform.js';
import { defaultResource } from '../resource/default-resource.js';
import { mergeResources, resourceFromAttributes, type Resource } from '../resource/resource.js';
import { defaultSampler } from '../sampling/default-sampler.js';
import type { Sampler } from '../sampling/sampler.js';
import type { IdGenerator } from './id-generator.js';
import type { InstrumentationScope } from './instrumentation-scope.js';
import { RandomIdGenerator } from './random-id-generator.js';
import { environmentSpanLimits, resolveSpanLimits, type SpanLimits } from './span-limits.js';
import type { SpanOwner } from './span.js';
import { Tracer, type TracerState } from './tracer.js';
import { notifyTracerScope } from './tracer-scope-observers.js';

/** Options of {@link TracerProvider}. Unset options come from the environment, then from the spec's defaults. */
export interface TracerProviderOptions {
  /**
   * Merged over `defaultResource()` (SDK attributes, the platform's (on Node: process and host),
   * `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_SERVICE_NAME`); its attributes win.
   */
  resource?: Resource;
  /**
   * Decides which spans are recorded and sampled. Default: from
   * `OTEL_TRACES_SAMPLER`/`OTEL_TRACES_SAMPLER_ARG`, else `ParentBased{root=AlwaysOn}`.
   */
  sampler?: Sampler;
  /**
   * Per-span limits; unset fields come from `OTEL_SPAN_*`/`OTEL_ATTRIBUTE_*`/`OTEL_EVENT_*`/`OTEL_LINK_*`,
   * then 128 each and no value length limit.
   */
  spanLimits?: SpanLimits;
  /** Called, in order, as spans start and end. Default none (spans are recorded but go nowhere). */
  spanProcessors?: SpanProcessor[];
  /** Makes trace and span ids. Default a {@link RandomIdGenerator}. */
  idGenerator?: IdGenerator;
  /**
   * Whether root spans carry the W3C Trace Context Level 2 `random` trace flag (0x02), which tells
   * samplers downstream that the trace id's right 7 bytes are random, so a sampled root span has
   * `traceFlags` 3 (`traceparent: 00-…-03`) rather than 1. `false` gives 1, as opentelemetry-js does
   * (useful with `@opentelemetry/propagator-jaeger`, which forwards 0x02 as Jaeger's *debug* bit, or with
   * code that tests `traceFlags === TraceFlags.SAMPLED`); `true` with a custom `idGenerator` asserts that
   * its trace ids are random. Only roots started here are affected: a child keeps its parent's bit.
   * Default `true` with the default {@link RandomIdGenerator}, `false` with any other generator.
   */
  randomTraceFlag?: boolean;
  /** Longest wait, in milliseconds, for `forceFlush()` and for `shutdown()`; they then resolve anyway. Default 30000. */
  forceFlushTimeoutMillis?: number;
}

/** Options of {@link TracerProvider.register}. */
export interface RegisterOptions {
  /**
   * The global context manager. Default the platform's: a new, enabled `AsyncLocalStorageContextManager` on
   * Node, Bun, Deno and Workers with `nodejs_compat`, a `StackContextManager` in browsers; `null` leaves the
   * global one alone.
   */
  contextManager?: ContextManager | null;
  /**
   * The global propagator. Default the ones `OTEL_PROPAGATORS` names (default `tracecontext,baggage`); `null`
   * leaves the global one alone.
   */
  propagator?: TextMapPropagator | null;
}

/**
 * `provider.forceFlush()` without holding the process open: for the `beforeExit` hook, where an
 * unreachable collector must not delay the exit (the flush at `exit` sends what is left).
 * @internal
 */
export let flushInBackground: (provider: TracerProvider) => Promise<void>;

/**
 * Reads `OTEL_SDK_DISABLED`: `true` turns recording and export off (propagation still works). Default
 * `false`; a value other than `true`/`false` gives one warning and `false`.
 *
 * @example
 * ```ts
 * // OTEL_SDK_DISABLED=true
 * readSdkDisabledEnvironment(); // true
 * ```
 */
export function readSdkDisabledEnvironment(environment: EnvironmentSource = readEnvironmentVariable): boolean {
  return readBooleanVariable(environment, 'OTEL_SDK_DISABLED', false);
}

/** Reads `OTEL_SDK_DISABLED` ({@link readSdkDisabledEnvironment}), where there is an environment. */
let disabledFromEnvironment: (() => boolean) | undefined;

/**
 * Makes `TracerProvider` and `init()` take `OTEL_SDK_DISABLED` from `read` ({@link readSdkDisabledEnvironment}).
 * Called by the entry points of runtimes that have an environment (src/environment-readers.ts); in the
 * browser entry the SDK is never disabled by a variable (a page has none).
 * @internal
 *
 * @example
 * ```ts
 * useSdkDisabledEnvironment(() => readSdkDisabledEnvironment());
 * ```
 */
export function useSdkDisabledEnvironment(read: (() => boolean) | undefined): void {
  disabledFromEnvironment = read;
}

/**
 * Whether the environment turns the SDK off (see {@link useSdkDisabledEnvironment}); `false` without one.
 * @internal
 *
 * @example
 * ```ts
 * sdkDisabledByEnvironment(); // false without OTEL_SDK_DISABLED
 * ```
 */
export function sdkDisabledByEnvironment(): boolean {
  return disabledFromEnvironment?.() === true;
}

/**
 * The SDK's tracer provider: hands out tracers, and owns the resource, sampler, span limits, id
 * generator and span processors they share.
 *
 * Settings are resolved once, here, each in the order defaults, then its `OTEL_*` variables, then
 * `options`, then validation. A component's variables are read whatever options are set (an invalid
 * one still warns); only an option that is a whole object (`sampler`) leaves its variable unparsed.
 * With `OTEL_SDK_DISABLED=true`, and after `shutdown()`, tracers hand out non-recording spans that
 * still carry context: the parent's span context, or a fresh valid one for a root.
 * `forceFlush()` and `shutdown()` never reject; failures go to the diagnostic logger.
 *
 * @example
 * ```ts
 * const provider = new TracerProvider({
 *   resource: resourceFromAttributes({ 'service.name': 'checkout' }),
 *   spanProcessors: [new BatchSpanProcessor(exporter)],
 * });
 * provider.register();
 * const tracer = trace.getTracer('checkout');
 * ```
 */
export class TracerProvider implements ApiTracerProvider {
  readonly #state: TracerState;
  readonly #resource: Resource;
  readonly #limits: ReturnType<typeof resolveSpanLimits>;
  readonly #processor: SpanProcessor | undefined;
  readonly #timeoutMillis: number;
  readonly #tracers = new Map<string, Tracer>();
  #shutdown: Promise<void> | undefined;

  constructor(options: TracerProviderOptions = {}) {
    const given: TracerProviderOptions = options !== null && typeof options === 'object' ? options : {};
    this.#resource = mergeResources(defaultResource(), userResource(given.resource));
    this.#limits = resolveSpanLimits(environmentSpanLimits(), given.spanLimits);
    const idGenerator = isIdGenerator(given.idGenerator) ? guardIdGenerator(given.idGenerator) : new RandomIdGenerator();
    const sampler = isSampler(given.sampler) ? given.sampler : defaultSampler();
    const processors = Array.isArray(given.spanProcessors)
      ? given.spanProcessors.filter((processor) => processor !== null && typeof processor === 'object')
      : [];
    this.#processor = processors.length === 0 ? undefined : processors.length === 1 ? processors[0] : new MultiSpanProcessor(processors);
    const timeout = given.forceFlushTimeoutMillis;
    this.#timeoutMillis = typeof timeout === 'number' && timeout > 0 ? timeout : DEFAULT_FORCE_FLUSH_TIMEOUT_MILLIS;
    this.#state = {
      sampler,
      idGenerator,
      randomTraceIds: resolveRandomTraceFlag(given.randomTraceFlag, idGenerator),
      active: !sdkDisabledByEnvironment(),
    };
  }

  /** The resource every span of this provider carries. */
  get resource(): Resource {
    return this.#resource;
  }

  /**
   * The tracer of one instrumentation scope. Tracers are cached by name, version and schema URL; the
   * scope attributes of the first call for a scope are kept.
   */
  getTracer(name: string, version?: string, options?: { schemaUrl?: string; attributes?: Attributes }): ApiTracer {
    const scopeName = typeof name === 'string' ? name : '';
    const scopeVersion = typeof version === 'string' ? version : undefined;
    const schemaUrl = typeof options?.schemaUrl === 'string' ? options.schemaUrl : undefined;
    const key = `${scopeName}\u0000${scopeVersion ?? ''}\u0000${schemaUrl ?? ''}`;
    const cached = this.#tracers.get(key);
    if (cached !== undefined) return cached;
    const scope: InstrumentationScope = Object.freeze({
      name: scopeName,
      version: scopeVersion,
      schemaUrl,
      attributes: options?.attributes !== undefined ? resourceFromAttributes(options.attributes).attributes : undefined,
    });
    const owner: SpanOwner = Object.freeze({
      resource: this.#resource,
      instrumentationScope: scope,
      limits: this.#limits,
      processor: this.#processor,
    });
    const tracer = new Tracer(this.#state, owner);
    notifyTracerScope(scopeName);
    if (this.#tracers.size < MAX_CACHED_TRACERS) this.#tracers.set(key, tracer);
    else warnOnce(`over ${MAX_CACHED_TRACERS} tracers; later ones are not cached.`);
    return tracer;
  }

  /**
   * Exports everything the processors hold. Resolves once done, or after `forceFlushTimeoutMillis`;
   * never rejects (failures are reported through `diag`). While it is pending, the process stays
   * alive (at most `forceFlushTimeoutMillis`), so `await provider.forceFlush()` always settles, even
   * with the collector down.
   */
  forceFlush(): Promise<void> {
    return this.#forceFlush(true);
  }

  static {
    flushInBackground = (provider) => provider.#forceFlush(false);
  }

  /**
   * Stops recording (tracers hand out non-recording spans from now on), flushes and shuts down the
   * processors. Resolves once done, or after `forceFlushTimeoutMillis`; never rejects. Idempotent:
   * later calls return the first call's promise. While it is pending, the process stays alive (at most
   * `forceFlushTimeoutMillis`), so `await provider.shutdown()` always settles.
   */
  shutdown(): Promise<void> {
    if (this.#shutdown === undefined) {
      this.#state.active = false;
      const processor = this.#processor;
      this.#shutdown =
        processor === undefined ? Promise.resolve() : this.#bounded('tracerProvider.shutdown', () => processor.shutdown(), true);
    }
    return this.#shutdown;
  }

  async #forceFlush(keepAlive: boolean): Promise<void> {
    const processor = this.#processor;
    if (processor === undefined) return;
    await this.#bounded('tracerProvider.forceFlush', () => processor.forceFlush(), keepAlive);
  }

  /**
   * Makes this the global tracer provider (`trace.setGlobalTracerProvider`) and installs a context
   * manager and a propagator globally. Returns whether the provider was installed (the API refuses a
   * second global provider and logs why). Never throws.
   *
   * @example
   * ```ts
   * new TracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] }).register();
   * ```
   */
  register(options: RegisterOptions = {}): boolean {
    const given: RegisterOptions = options !== null && typeof options === 'object' ? options : {};
    let installed = false;
    // Each global is set on its own: one that throws is reported and the others are still set.
    const setGlobal = (what: string, set: () => void): void => {
      try {
        set();
      } catch (error) {
        reportError('tracerProvider.register', error, what);
      }
    };
    setGlobal('global tracer provider', () => {
      installed = trace.setGlobalTracerProvider(this);
    });
    if (given.contextManager !== null) {
      setGlobal('global context manager', () => {
        const manager = given.contextManager ?? currentPlatform().createContextManager();
        if (!context.setGlobalContextManager(manager) && given.contextManager === undefined) manager.disable();
      });
    }
    if (given.propagator !== null) {
      setGlobal('global propagator', () => propagation.setGlobalPropagator(given.propagator ?? environmentPropagator()));
    }
    return installed;
  }

  async #bounded(kind: string, work: () => Promise<void>, keepAlive: boolean): Promise<void> {
    const onRejected = (error: unknown): void => reportError(kind, error);
    const inTime = await settleWithin(callAsync(work), this.#timeoutMillis, onRejected, keepAlive);
    if (!inTime) onRejected(new Error(`did not finish within ${this.#timeoutMillis} ms`));
  }
}

function resolveRandomTraceFlag(option: unknown, idGenerator: IdGenerator): boolean {
  if (typeof option === 'boolean') return option;
  // Only otelite's own generator is known to fill every trace id byte at random (a subclass may not).
  const byDefault = isOwnRandomIdGenerator(idGenerator);
  if (option !== undefined) warnOnce(`randomTraceFlag ${String(option)} is not a boolean; using ${byDefault}.`);
  return byDefault;
}

function userResource(resource: Resource | undefined): Resource | undefined {
  if (resource === undefined || resource === null) return undefined;
  if (typeof resource !== 'object' || resource.attributes === null || typeof resource.attributes !== 'object') {
    warnOnce('resource option ignored: not { attributes, schemaUrl? }.');
    return undefined;
  }
  return resourceFromAttributes(resource.attributes, resource.schemaUrl);
}

function isSampler(value: unknown): value is Sampler {
  if (value === undefined) return false;
  if (value !== null && typeof value === 'object' && typeof (value as Sampler).shouldSample === 'function') return true;
  warnOnce('sampler option ignored: no shouldSample(); the default sampler applies.');
  return false;
}

/** A valid id: lowercase hex of its length, not all zero. */
const TRACE_ID = /^(?!0{32})[0-9a-f]{32}$/;
const SPAN_ID = /^(?!0{16})[0-9a-f]{16}$/;

/**
 * A user's id generator, guarded: an id that throws, is malformed or is all zero is replaced by a random
 * one (reported once), so a bad generator never breaks span creation.
 */
function guardIdGenerator(generator: IdGenerator): IdGenerator {
  if (isOwnRandomIdGenerator(generator)) return generator;
  const fallback = new RandomIdGenerator();
  const guarded = (method: keyof IdGenerator, valid: RegExp) => (): string => {
    try {
      const id = generator[method]();
      if (valid.test(id)) return id;
      warnOnce(`idGenerator.${method} made an invalid id; a random one is used.`);
    } catch (error) {
      reportError(`idGenerator.${method}`, error);
    }
    return fallback[method]();
  };
  return { generateTraceId: guarded('generateTraceId', TRACE_ID), generateSpanId: guarded('generateSpanId', SPAN_ID) };
}

/**
 * Whether `generator` is a plain {@link RandomIdGenerator}, not a subclass: a subclass may override how
 * ids are made, so it is validated like any user generator and its trace ids are not called random.
 */
function isOwnRandomIdGenerator(generator: IdGenerator): boolean {
  return generator instanceof RandomIdGenerator && Object.getPrototypeOf(generator) === RandomIdGenerator.prototype;
}

function isIdGenerator(value: unknown): value is IdGenerator {
  if (value === undefined) return false;
  const candidate = value as IdGenerator;
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof candidate.generateTraceId === 'function' &&
    typeof candidate.generateSpanId === 'function'
  ) {
    return true;
  }
  warnOnce('idGenerator option ignored: no generateTraceId/generateSpanId.');
  return false;
}
