import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeConfigurationFileAccess } from '../../../src/platform/node/configuration-file-access.js';

const directory = mkdtempSync(join(tmpdir(), 'otelite-file-access-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('nodeConfigurationFileAccess', () => {
  it('reads a UTF-8 file whole', () => {
    const file = join(directory, 'a.yaml');
    writeFileSync(file, 'file_format: "1.1" # é\n');
    expect(nodeConfigurationFileAccess.readTextFile(file)).toBe('file_format: "1.1" # é\n');
  });

  it('refuses a file over 1 MiB and says why, and a missing one with the system error', () => {
    const file = join(directory, 'big.yaml');
    writeFileSync(file, Buffer.alloc(1024 * 1024 + 1, 0x20));
    expect(() => nodeConfigurationFileAccess.readTextFile(file)).toThrow('1048577 bytes, more than the 1048576 allowed');
    expect(() => nodeConfigurationFileAccess.readTextFile(join(directory, 'none.yaml'))).toThrow(/ENOENT/);
  });

  it.skipIf(!existsSync('dist/src/configuration/parse-configuration.js'))(
    'loads the built parser file, with the parser and the mapping',
    () => {
      const parser = nodeConfigurationFileAccess.loadParser();
      expect(typeof parser.parseConfiguration).toBe('function');
      expect(typeof parser.partsFromModel).toBe('function');
      const parsed = parser.parseConfiguration('file_format: "1.1"\n', () => undefined);
      expect(parsed.ok).toBe(true);
    },
  );
});
