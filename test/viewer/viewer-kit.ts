// Shared by the viewer's browser suite and its bench case: a real `otelite receive` child process, real
// otelite services (test/viewer/fixtures/shop-service.mjs) exporting to it, and Debian's Chromium.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const root = join(import.meta.dirname, '../..');
export const CHROMIUM = process.env['OTELITE_CHROMIUM'] ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A folder outside the repository where `import 'otelite'` is this checkout's built package, holding the service. */
export function serviceFolder(): string {
  if (!existsSync(join(root, 'dist/src/viewer-page/viewer.js'))) throw new Error('dist/ is not built: run npm run build');
  const folder = mkdtempSync(join(tmpdir(), 'otelite-viewer-'));
  mkdirSync(join(folder, 'node_modules/@opentelemetry'), { recursive: true });
  symlinkSync(root, join(folder, 'node_modules/otelite'));
  symlinkSync(join(root, 'node_modules/@opentelemetry/api'), join(folder, 'node_modules/@opentelemetry/api'));
  symlinkSync(join(root, 'node_modules/@bufbuild'), join(folder, 'node_modules/@bufbuild'));
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  copyFileSync(join(import.meta.dirname, 'fixtures/shop-service.mjs'), join(folder, 'shop-service.mjs'));
  return folder;
}

/** `otelite receive` from dist/, as a user runs it; resolves once it printed its URLs. */
export async function startReceive(
  args: string[],
): Promise<{ child: ChildProcess; url: string; output: () => string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [join(root, 'dist/src/platform/node/cli/cli.js'), 'receive', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`otelite receive did not start: ${output}`)), 20_000);
    const check = (): void => {
      const match = /trace viewer: (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', () => reject(new Error(`otelite receive exited: ${output}`)));
  });
  return {
    child,
    url,
    output: () => output,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Runs one service scenario to its end (it shuts its SDK down, which sends every span). */
export function runService(folder: string, endpoint: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['shop-service.mjs', endpoint, ...args], { cwd: folder, timeout: 60_000 }, (error, _stdout, stderr) => {
      if (error === null) resolve();
      else reject(new Error(`service ${args.join(' ')} failed: ${stderr}`));
    });
  });
}
