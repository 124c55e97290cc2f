import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
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
 * loaded on first use.
 */
export const nodeConfigurationFileAccess: ConfigurationFileAccess = {
  readTextFile(name: string): string {
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
    return createRequire(import.meta.url)(PARSER_SPECIFIER) as ConfigurationParser;
  },
};
