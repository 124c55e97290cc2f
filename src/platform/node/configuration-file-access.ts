import type { ConfigurationFileAccess, ConfigurationParser } from '../../configuration/configuration-file.js';

/** Configuration and certificate files larger than this are refused (nothing grows without bound). */
const MAX_FILE_BYTES = 1024 * 1024;

/**
 * The package-private specifier (package.json `imports`) of the configuration parser: its own built
 * file (dist/src/configuration/parse-configuration.js, the `yaml` package, the validator and the model
 * mapping bundled in), loaded with
 * `require()` (synchronous; Node ≥ 20.19 and 22.12 load ES modules that way) only when a file is named.
 */
const PARSER_SPECIFIER = '#otelite/configuration-parser';

/**
 * Node's {@link ConfigurationFileAccess}: synchronous `node:fs` reads, bounded to 1 MiB, and the parser
 * loaded on first use. `node:fs` comes from `process.getBuiltinModule` when a file is read, not from an
 * ES `import`: Node builds the ES module facade of a built-in by reading every export, and node:fs's
 * lazy stream and promises getters load node:internal/fs/streams, node:internal/fs/promises and readline
 * (1.5 ms of CPU at startup on the bench machine's Node 20, 3.6 ms on Node 24).
 */
export const nodeConfigurationFileAccess: ConfigurationFileAccess = {
  readTextFile(name: string): string {
    const { closeSync, fstatSync, openSync, readSync } = process.getBuiltinModule('node:fs');
    const descriptor = openSync(name, 'r');
    try {
      const size = fstatSync(descriptor).size;
      if (size > MAX_FILE_BYTES) throw new Error(`${size} bytes, more than the ${MAX_FILE_BYTES} allowed`);
      const buffer = Buffer.alloc(size);
      let read = 0;
      while (read < size) {
        const count = readSync(descriptor, buffer, read, size - read, read);
        if (count === 0) break;
        read += count;
      }
      return buffer.toString('utf8', 0, read);
    } finally {
      closeSync(descriptor);
    }
  },
  loadParser(): ConfigurationParser {
    return process.getBuiltinModule('node:module').createRequire(import.meta.url)(PARSER_SPECIFIER) as ConfigurationParser;
  },
};
