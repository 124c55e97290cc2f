import { DiagConsoleLogger } from '@opentelemetry/api';
import { loadConfigurationFile, readConfigFileEnvironment } from './configuration/configuration-file.js';
import { ConsoleSpanExporter } from './export/console-span-exporter.js';
import { SimpleSpanProcessor } from './processing/simple-span-processor.js';
import { readLogLevelEnvironment, readTracesExportersEnvironment, type InitEnvironment } from './init.js';

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
  configFileName: () => readConfigFileEnvironment(),
  loadConfigurationFile: (fileName: string) => loadConfigurationFile(fileName),
});
