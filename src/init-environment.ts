import { DiagConsoleLogger } from '@opentelemetry/api';
import { loadConfigurationFile, readConfigFileEnvironment } from './configuration/configuration-file.js';
import { ConsoleSpanExporter } from './export/console-span-exporter.js';
import { SimpleSpanProcessor } from './processing/simple-span-processor.js';
import { createPropagatorFromNames } from './propagation/from-environment.js';
import { AlwaysOffSampler } from './sampling/always-off.js';
import { warnOnce } from './diagnostics/report.js';
import {
  installDiagLogger,
  readLogLevelEnvironment,
  readTracesExportersEnvironment,
  type InitEnvironment,
  type InitFromFile,
  type InitOptions,
} from './init.js';

/**
 * What `init()` does with `OTEL_LOG_LEVEL`, `OTEL_TRACES_EXPORTER=console` and `OTEL_CONFIG_FILE`, for the entry points of
 * runtimes that have an environment (Node, Bun, Deno, Workers, the default entry); see `useInitEnvironment`.
 * @internal
 *
 * @example
 * ```ts
 * useInitEnvironment(INIT_ENVIRONMENT);
 * ```
 */
export const INIT_ENVIRONMENT: InitEnvironment = Object.freeze({
  logLevel: () => readLogLevelEnvironment(),
  exporterNames: () => readTracesExportersEnvironment(),
  consoleLogger: () => new DiagConsoleLogger(),
  consoleProcessor: () => new SimpleSpanProcessor(new ConsoleSpanExporter()),
  fromConfigurationFile: (options: InitOptions) => fromConfigurationFile(options),
});

/** `init()` with a configuration file: `options.configFile`, else `OTEL_CONFIG_FILE`; `undefined` without one. */
function fromConfigurationFile(options: InitOptions): InitFromFile | undefined {
  const option = options.configFile;
  const fileName = typeof option === 'string' && option.trim() !== '' ? option.trim() : readConfigFileEnvironment();
  if (fileName === undefined) return undefined;
  // Its parts (or undefined when it cannot be used: tracing off), and OTEL_* hidden until shutdown.
  const { parts, restoreEnvironment } = loadConfigurationFile(fileName);
  installDiagLogger(parts?.logLevel);
  const ignored = OPTIONS_THE_FILE_REPLACES.filter((name) => options[name] !== undefined);
  if (ignored.length > 0) warnOnce(`init(): a configuration file is in force, so these options are ignored: ${ignored.join(', ')}.`);
  if (parts === undefined) {
    return {
      usable: false,
      disabled: true,
      resource: undefined,
      sampler: new AlwaysOffSampler(),
      spanLimits: undefined,
      spanProcessors: [],
      propagator: createPropagatorFromNames([]),
      restoreEnvironment,
    };
  }
  return { ...parts, usable: true, restoreEnvironment };
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
