import {
  context,
  diag,
  DiagLogLevel,
  type DiagLogger,
  propagation,
  trace,
  type Attributes,
  type TextMapPropagator,
} from '@opentelemetry/api';
import { readEnvironmentVariable, type EnvironmentSource } from './config/environment-variable.js';
import type { LoadedConfiguration } from './configuration/configuration-file.js';
import type { ConfiguredParts } from './configuration/from-model.js';
import { readNameListVariable, readStringVariable } from './config/typed-variables.js';
import { reportError, warnOnce } from './diagnostics/report.js';
import { appendTracesPath } from './export/otlp/otlp-environment.js';
import { OTLPTraceExporter } from './export/otlp/otlp-trace-exporter.js';
import type { CallbackSpanExporter } from './export/callback-span-exporter.js';
import type { SpanExporter } from './export/span-exporter.js';
import { currentPlatform, type Disableable, type RemovableHooks } from './platform.js';
import { BatchSpanProcessor, type BatchSpanProcessorOptions } from './processing/batch-span-processor.js';
import type { SpanProcessor } from './trace/span-processor.js';
import { createPropagatorFromNames, environmentPropagator, type PropagatorName } from './propagation/from-environment.js';
import { AlwaysOffSampler } from './sampling/always-off.js';
import { resourceFromAttributes, type Resource } from './resource/resource.js';
import type { Sampler } from './sampling/sampler.js';
import type { SpanLimits } from './trace/span-limits.js';
import { flushInBackground, sdkDisabledByEnvironment, TracerProvider } from './trace/tracer-provider.js';

/**
 * Which instrumentations `init` turns on. `HttpOptions` is the options type of the platform's HTTP
 * instrumentation, named by each entry point's own `init`: `HttpInstrumentationOptions` on Node, Bun
 * and Deno, `FetchInstrumentationOptions` in browsers, Workers and other web-standard runtimes.
 */
export interface InitInstrumentations<HttpOptions extends object = object> {
  /**
   * HTTP server and client spans, as the platform provides them: on Node `instrumentHttp` (`node:http`,
   * `node:https`, `fetch`; its options), on Bun and Deno that plus `fetch` and `Bun.serve`/`Deno.serve`,
   * in browsers and Workers `instrumentFetch` (its options). `true` turns it on with its defaults, an
   * options object with those options, `false` leaves it off. Default `true`.
   */
  http?: boolean | HttpOptions;
}

/**
 * Options of `init`. Every one is optional; each beats its `OTEL_*` variable, which beats the default
 * given here. `HttpOptions`: see {@link InitInstrumentations}.
 */
export interface InitOptions<HttpOptions extends object = object> {
  /**
   * A declarative configuration file (YAML, `file_format` "1.x" of opentelemetry-configuration; see
   * docs/configuration.md). Default `OTEL_CONFIG_FILE`. With a file, the file alone configures the SDK:
   * every other `OTEL_*` variable is ignored (the file may substitute them, `${OTEL_SERVICE_NAME}`), and
   * of these options only `instrumentations`, `spanProcessors` (added after the file's) and
   * `shutdownHooks` apply; the others are reported once and ignored. A file that cannot be used leaves
   * tracing off, with one message on stderr naming the file, the line and column, the path in the model
   * and what was expected. Node only (Bun, Deno and the web entries have no file access here).
   */
  configFile?: string;
  /** The `service.name` resource attribute. Default `OTEL_SERVICE_NAME`, else `unknown_service:node`. */
  serviceName?: string;
  /**
   * More resource attributes, over `OTEL_RESOURCE_ATTRIBUTES` and the detected ones (`serviceName` beats a
   * `service.name` here). Default none.
   */
  resourceAttributes?: Attributes;
  /**
   * The OTLP/HTTP base URL; `/v1/traces` is appended, as for `OTEL_EXPORTER_OTLP_ENDPOINT`. Default
   * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (as is), else `OTEL_EXPORTER_OTLP_ENDPOINT`, else
   * `http://localhost:4318`.
   */
  endpoint?: string;
  /** Extra OTLP request headers, over `OTEL_EXPORTER_OTLP_[TRACES_]HEADERS`. Values are never logged. Default none. */
  headers?: Record<string, string>;
  /** OTLP encoding. Default `OTEL_EXPORTER_OTLP_[TRACES_]PROTOCOL`, else `'http/protobuf'`. */
  protocol?: 'http/protobuf' | 'http/json';
  /** OTLP request compression. Default `OTEL_EXPORTER_OTLP_[TRACES_]COMPRESSION`, else `'none'`. */
  compression?: 'gzip' | 'none';
  /** Which spans are recorded. Default from `OTEL_TRACES_SAMPLER`/`OTEL_TRACES_SAMPLER_ARG`, else ParentBased(AlwaysOn). */
  sampler?: Sampler;
  /**
   * Whether root spans carry the W3C Level 2 `random` trace flag (0x02), so sampled roots have
   * `traceFlags` 3; `false` gives 1, as opentelemetry-js does (see `TracerProviderOptions.randomTraceFlag`
   * and "Trace flags and Jaeger" in docs/getting-started.md). Default `true`.
   */
  randomTraceFlag?: boolean;
  /**
   * Batching of the exporter's spans. Each unset field comes from `OTEL_BSP_*`, then from the spec's default
   * (see `BatchSpanProcessorOptions`).
   */
  batch?: BatchSpanProcessorOptions;
  /** Per-span limits. Each unset field comes from `OTEL_SPAN_*`/`OTEL_ATTRIBUTE_*`, then 128 (no value length limit). */
  spanLimits?: SpanLimits;
  /**
   * The global propagator: names (`'tracecontext'`, `'baggage'`; `[]` propagates nothing) or a
   * propagator of your own. Default `OTEL_PROPAGATORS`, else `['tracecontext', 'baggage']`.
   */
  propagators?: readonly PropagatorName[] | TextMapPropagator;
  /** Instrumentations to turn on. Default `{ http: true }`. */
  instrumentations?: InitInstrumentations<HttpOptions>;
  /** More span processors, called after the exporter's. Default none. */
  spanProcessors?: SpanProcessor[];
  /**
   * Replaces the exporters `OTEL_TRACES_EXPORTER` names (so `endpoint`, `headers`, `protocol` and
   * `compression` no longer apply); it gets a `BatchSpanProcessor` with the `batch` options. Default: an
   * `OTLPTraceExporter` (`OTEL_TRACES_EXPORTER=otlp`), a `ConsoleSpanExporter` (`console`, printing each
   * span as it ends) or none (`none`).
   */
  exporter?: SpanExporter | CallbackSpanExporter;
  /**
   * Flush pending spans on `beforeExit`, `SIGTERM` and `SIGINT` without changing how the process ends
   * (see "Graceful shutdown" in docs/getting-started.md; none are installed with `OTEL_SDK_DISABLED=true`). The
   * synchronous send at `exit` (after `process.exit()` or a crash) does not depend on it: that is
   * `batch.exportAtExitTimeoutMillis`. Default `true`.
   */
  shutdownHooks?: boolean;
}

/** The running SDK, as `init` returns it. */
export interface OteliteSdk {
  /** The provider `init` registered globally (use `trace.getTracer(...)`, or this directly). */
  readonly tracerProvider: TracerProvider;
  /** Sends every ended span now. Never rejects. */
  forceFlush(): Promise<void>;
  /**
   * Removes the process hooks, turns the instrumentations off, flushes and stops the SDK. Never rejects;
   * idempotent. Afterwards `init()` may be called again (it replaces the global provider, context
   * manager and propagator; tracers obtained before keep the stopped provider, so get them again).
   */
  shutdown(): Promise<void>;
}

let current: OteliteSdk | undefined;
/** Set once an SDK registered itself and was shut down: the next `init` takes the globals back first. */
let globalsToReplace = false;

/**
 * What every entry point's `init` does (each types it with its platform's HTTP options: `src/index.ts`,
 * `src/platform/web/index.ts`): resolves the settings (defaults, then `OTEL_*` variables, then
 * `options`), builds a {@link TracerProvider} whose spans are batched to an OTLP/HTTP exporter,
 * registers it, the platform's context manager and the propagators with `@opentelemetry/api`, turns on
 * the platform's HTTP instrumentation and installs its shutdown hooks.
 *
 * - `OTEL_SDK_DISABLED=true`: no span is recorded and no exporter is created, but the context manager,
 *   the propagators and the HTTP instrumentation are still installed, so incoming trace context still
 *   reaches outgoing requests.
 * - `OTEL_LOG_LEVEL` (when set): a console diagnostic logger at that level, installed first.
 * - A second call while an SDK runs warns once and returns the running one; after its `shutdown()`,
 *   `init()` starts a fresh one.
 * - Never throws: a bad option is reported through `diag` and its fallback used.
 *
 * @example
 * ```ts
 * const sdk = startSdk({ serviceName: 'checkout' });
 * ```
 */
export function startSdk(options: InitOptions = {}): OteliteSdk {
  if (current !== undefined) {
    warnOnce('init() was called again while running; its options are ignored.');
    return current;
  }
  const given: InitOptions = options !== null && typeof options === 'object' ? options : {};
  const configFile = configFileOf(given);
  // With a file: its parts (or undefined when it cannot be used: tracing off), and OTEL_* hidden until shutdown.
  const file = configFile === undefined || environment === undefined ? undefined : environment.loadConfigurationFile(configFile);
  const fromFile: ConfiguredParts | undefined = file?.parts;
  if (file !== undefined) {
    if (fromFile?.logLevel !== undefined) installDiagLogger(fromFile.logLevel);
    warnIgnoredOptions(given);
  } else {
    installDiagLogger(environment?.logLevel());
  }
  const sdkDisabled = file !== undefined ? (fromFile?.disabled ?? true) : sdkDisabledByEnvironment();
  if (globalsToReplace) {
    releaseGlobals();
    globalsToReplace = false;
  }

  const processors: SpanProcessor[] = sdkDisabled ? [] : file !== undefined ? (fromFile?.spanProcessors ?? []) : exportProcessors(given);
  if (Array.isArray(given.spanProcessors) && (file === undefined || fromFile !== undefined)) processors.push(...given.spanProcessors);
  const platform = currentPlatform();
  const requestFlushProcessor = platform.requestFlushProcessor;
  if (!sdkDisabled && (file === undefined || fromFile !== undefined) && requestFlushProcessor !== undefined) {
    // Edge: each request's spans flushed through its waitUntil (the provider exists by the first call).
    processors.push(
      requestFlushProcessor.call(platform, () =>
        flushInBackground(tracerProvider).catch((error: unknown) => reportError('init.forceFlush', error)),
      ) as SpanProcessor,
    );
  }
  const tracerProvider = new TracerProvider(
    file !== undefined
      ? {
          resource: fromFile?.resource,
          sampler: fromFile?.sampler ?? new AlwaysOffSampler(),
          spanLimits: fromFile?.spanLimits,
          spanProcessors: processors,
        }
      : {
          resource: initResource(given),
          sampler: given.sampler,
          randomTraceFlag: given.randomTraceFlag,
          spanLimits: given.spanLimits,
          spanProcessors: processors,
        },
  );
  const propagator = file !== undefined ? (fromFile?.propagator ?? createPropagatorFromNames([])) : initPropagator(given.propagators);
  const registered = tracerProvider.register({ propagator });
  if (!registered) {
    warnOnce('init(): another global tracer provider is registered; trace.getTracer() spans miss otelite (use sdk.tracerProvider).');
  }

  let http: Disableable | undefined;
  const httpOption = given.instrumentations?.http ?? true;
  // A file that could not be used leaves tracing off: no instrumentation either.
  if (httpOption !== false && (file === undefined || fromFile !== undefined)) {
    http = platform.instrumentHttp(typeof httpOption === 'object' && httpOption !== null ? httpOption : undefined);
  }

  let hooks: RemovableHooks | undefined;
  let stopped: Promise<void> | undefined;
  const sdk: OteliteSdk = Object.freeze({
    tracerProvider,
    forceFlush(): Promise<void> {
      return tracerProvider.forceFlush().catch((error: unknown) => reportError('init.forceFlush', error));
    },
    shutdown(): Promise<void> {
      if (stopped === undefined) {
        hooks?.remove();
        file?.restoreEnvironment();
        try {
          http?.disable();
        } catch (error) {
          reportError('init.shutdown', error, 'disabling HTTP instrumentation');
        }
        if (current === sdk) {
          current = undefined;
          // Only globals this SDK installed are taken back by the next init(), never someone else's.
          globalsToReplace = registered;
        }
        stopped = tracerProvider.shutdown().catch((error: unknown) => reportError('init.shutdown', error));
      }
      return stopped;
    },
  });
  // Disabled, nothing is ever recorded, so there is nothing to flush on the way out.
  if (given.shutdownHooks !== false && !sdkDisabled) {
    hooks = platform.installShutdownHooks({
      flushInBackground: () => flushInBackground(tracerProvider).catch((error: unknown) => reportError('init.forceFlush', error)),
      shutdown: sdk.shutdown,
    });
  }
  current = sdk;
  return sdk;
}

/**
 * The parts of {@link init} that act on `OTEL_LOG_LEVEL` and `OTEL_TRACES_EXPORTER=console`: installed
 * (with {@link useInitEnvironment}) by the entry points of runtimes that have an environment. The browser
 * entry, where no variable can be set, installs none, so a page's bundle carries neither the console
 * exporter nor the console logger.
 * @internal
 */
export interface InitEnvironment {
  /** `OTEL_LOG_LEVEL`, read (see {@link readLogLevelEnvironment}). */
  logLevel(): DiagLogLevel | undefined;
  /** `OTEL_TRACES_EXPORTER`, read (see {@link readTracesExportersEnvironment}). */
  exporterNames(): TracesExporterName[];
  /** The logger `OTEL_LOG_LEVEL` turns on. */
  consoleLogger(): DiagLogger;
  /** The processor of the exporter `OTEL_TRACES_EXPORTER=console` names (each span printed as it ends). */
  consoleProcessor(): SpanProcessor;
  /** `OTEL_CONFIG_FILE`, read. */
  configFileName(): string | undefined;
  /** Loads a configuration file (see `configuration/configuration-file.ts`). */
  loadConfigurationFile(fileName: string): LoadedConfiguration;
}

/**
 * The configuration file `init` uses: `options.configFile`, else `OTEL_CONFIG_FILE`. Without an
 * environment (the browser entry) there is none: a `configFile` option is ignored with a warning (a page
 * reads no files).
 */
function configFileOf(given: InitOptions): string | undefined {
  const option = typeof given.configFile === 'string' && given.configFile.trim() !== '' ? given.configFile.trim() : undefined;
  if (environment === undefined) {
    if (option !== undefined) warnOnce('init(): configFile is ignored here: this runtime reads no configuration files.');
    return undefined;
  }
  return option ?? environment.configFileName();
}

let environment: InitEnvironment | undefined;

/**
 * Lets {@link init} act on `OTEL_LOG_LEVEL` and `OTEL_TRACES_EXPORTER`; without it (the browser entry)
 * no logger is installed and the exporter is OTLP. Called once by each entry point that has an environment.
 * @internal
 *
 * @example
 * ```ts
 * useInitEnvironment(INIT_ENVIRONMENT);
 * ```
 */
export function useInitEnvironment(parts: InitEnvironment): void {
  environment = parts;
}

/**
 * With `OTEL_LOG_LEVEL` (or the file's `log_level`) set, otelite's (and the API's) diagnostics go to the
 * console at that level (where an entry point installed the console logger, see {@link useInitEnvironment}).
 */
function installDiagLogger(level: DiagLogLevel | undefined): void {
  if (environment === undefined || level === undefined) return;
  try {
    diag.setLogger(environment.consoleLogger(), { logLevel: level, suppressOverrideMessage: true });
  } catch {
    // The API never throws here; nothing else to do if it did.
  }
}

/**
 * Reads `OTEL_LOG_LEVEL` (`none`, `error`, `warn`, `info`, `debug`, `verbose`, `all`, any case):
 * `undefined` when unset, or when invalid (with one warning).
 *
 * @example
 * ```ts
 * // OTEL_LOG_LEVEL=debug
 * readLogLevelEnvironment(); // DiagLogLevel.DEBUG
 * ```
 */
export function readLogLevelEnvironment(environment: EnvironmentSource = readEnvironmentVariable): DiagLogLevel | undefined {
  const raw = readStringVariable(environment, 'OTEL_LOG_LEVEL');
  if (raw === undefined) return undefined;
  // Built here, not at module load, so that a page (whose entry never reads variables) bundles none of it.
  const LOG_LEVELS: Readonly<Record<string, DiagLogLevel>> = {
    none: DiagLogLevel.NONE,
    error: DiagLogLevel.ERROR,
    warn: DiagLogLevel.WARN,
    info: DiagLogLevel.INFO,
    debug: DiagLogLevel.DEBUG,
    verbose: DiagLogLevel.VERBOSE,
    all: DiagLogLevel.ALL,
  };
  const level = LOG_LEVELS[raw.toLowerCase()];
  if (level === undefined) {
    warnOnce(`OTEL_LOG_LEVEL="${raw}" is not one of ${Object.keys(LOG_LEVELS).join(', ')}; using the default.`);
  }
  return level;
}

/** The exporter names `OTEL_TRACES_EXPORTER` accepts. */
export type TracesExporterName = 'otlp' | 'console';

/**
 * Reads `OTEL_TRACES_EXPORTER`: the names in order, each once; `none` gives the empty list; unset gives
 * `['otlp']`. An unknown name is ignored with one warning.
 *
 * @example
 * ```ts
 * // OTEL_TRACES_EXPORTER=console,otlp
 * readTracesExportersEnvironment(); // ['console', 'otlp']
 * ```
 */
export function readTracesExportersEnvironment(environment: EnvironmentSource = readEnvironmentVariable): TracesExporterName[] {
  return readNameListVariable(environment, 'OTEL_TRACES_EXPORTER', ['otlp', 'console'], ['otlp'], 'exporter');
}

/** The options a configuration file replaces: given together with a file, they are reported once and ignored. */
const OPTIONS_THE_FILE_REPLACES = [
  'serviceName',
  'resourceAttributes',
  'endpoint',
  'headers',
  'protocol',
  'compression',
  'sampler',
  'randomTraceFlag',
  'batch',
  'spanLimits',
  'propagators',
  'exporter',
] as const;

function warnIgnoredOptions(options: InitOptions): void {
  const ignored = OPTIONS_THE_FILE_REPLACES.filter((name) => options[name] !== undefined);
  if (ignored.length > 0) warnOnce(`init(): a configuration file is in force, so these options are ignored: ${ignored.join(', ')}.`);
}

/** The span processors of the exporters: `options.exporter`, else those `OTEL_TRACES_EXPORTER` names. */
function exportProcessors(options: InitOptions): SpanProcessor[] {
  const exporter = options.exporter;
  if (exporter !== undefined && exporter !== null) {
    if (typeof exporter === 'object' && typeof exporter.export === 'function') return [new BatchSpanProcessor(exporter, options.batch)];
    warnOnce('init(): the exporter option has no export(); OTEL_TRACES_EXPORTER applies.');
  }
  const processors: SpanProcessor[] = [];
  for (const name of environment?.exporterNames() ?? ['otlp']) {
    if (name === 'console') {
      if (environment !== undefined) processors.push(environment.consoleProcessor());
    } else {
      const otlp = new OTLPTraceExporter({
        url: typeof options.endpoint === 'string' ? appendTracesPath(options.endpoint) : undefined,
        headers: options.headers,
        protocol: options.protocol,
        compression: options.compression,
      });
      processors.push(new BatchSpanProcessor(otlp, options.batch));
    }
  }
  return processors;
}

function initResource(options: InitOptions): Resource | undefined {
  const attributes: Attributes = {};
  const extra = options.resourceAttributes;
  if (extra !== undefined && extra !== null && typeof extra === 'object') Object.assign(attributes, extra);
  if (typeof options.serviceName === 'string' && options.serviceName !== '') attributes['service.name'] = options.serviceName;
  return Object.keys(attributes).length === 0 ? undefined : resourceFromAttributes(attributes);
}

function initPropagator(option: InitOptions['propagators']): TextMapPropagator {
  if (Array.isArray(option)) {
    const names: PropagatorName[] = [];
    for (const name of option as readonly unknown[]) {
      if (name === 'tracecontext' || name === 'baggage') names.push(name);
      else warnOnce(`init(): unknown propagator ${JSON.stringify(name)} is ignored (known: tracecontext, baggage).`);
    }
    return createPropagatorFromNames(names);
  }
  if (option !== undefined && option !== null) {
    const candidate = option as TextMapPropagator;
    if (typeof candidate.inject === 'function' && typeof candidate.extract === 'function') return candidate;
    warnOnce('init(): the propagators option is not names or a propagator; OTEL_PROPAGATORS applies.');
  }
  return environmentPropagator();
}

/** Takes back what a stopped SDK registered, so a new one can register. */
function releaseGlobals(): void {
  try {
    trace.disable();
    propagation.disable();
    context.disable();
  } catch (error) {
    reportError('init', error, 'replacing the globals of the previous SDK');
  }
}
