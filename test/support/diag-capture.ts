import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { afterEach, beforeEach } from 'vitest';

/** A diag logger that appends each message at `level` or more severe to `messages`. */
function collectingLogger(messages: string[], level: DiagLogLevel): DiagLogger {
  const at =
    (severity: DiagLogLevel) =>
    (message: string, ...args: unknown[]): void => {
      if (severity <= level) messages.push(args.length === 0 ? message : `${message} ${args.map(String).join(' ')}`);
    };
  return {
    error: at(DiagLogLevel.ERROR),
    warn: at(DiagLogLevel.WARN),
    info: at(DiagLogLevel.INFO),
    debug: at(DiagLogLevel.DEBUG),
    verbose: at(DiagLogLevel.VERBOSE),
  };
}

/**
 * Captures what otelite (and the API) send to `diag` in every test of the calling file: the returned
 * array holds the messages at `level` or more severe (default `WARN`: errors and warnings), emptied
 * before each test; the logger is removed after each one.
 */
export function captureDiagEachTest(level: DiagLogLevel = DiagLogLevel.WARN): string[] {
  const messages: string[] = [];
  beforeEach(() => {
    messages.length = 0;
    diag.disable();
    diag.setLogger(collectingLogger(messages, level), { logLevel: level, suppressOverrideMessage: true });
  });
  afterEach(() => diag.disable());
  return messages;
}

/** The `diag` messages at `level` or more severe (default `WARN`) sent while `run` runs. */
export function captureDiag(run: () => void, level: DiagLogLevel = DiagLogLevel.WARN): string[] {
  const messages: string[] = [];
  diag.disable();
  diag.setLogger(collectingLogger(messages, level), { logLevel: level, suppressOverrideMessage: true });
  try {
    run();
  } finally {
    diag.disable();
  }
  return messages;
}
