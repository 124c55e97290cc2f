import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * The command that opens a URL in the desktop's browser here, or undefined when there is none (a server,
 * a container, CI): `open` on macOS, `cmd /c start` on Windows, `xdg-open` elsewhere when it is on PATH.
 */
export function browserOpener(
  platform: NodeJS.Platform = process.platform,
  path: string = process.env['PATH'] ?? '',
): { command: string; args: (url: string) => string[] } | undefined {
  if (platform === 'darwin') return { command: 'open', args: (url) => [url] };
  if (platform === 'win32') return { command: 'cmd', args: (url) => ['/c', 'start', '""', url.replace(/&/g, '^&')] };
  for (const directory of path.split(delimiter)) {
    if (directory === '') continue;
    try {
      accessSync(join(directory, 'xdg-open'), constants.X_OK);
      return { command: join(directory, 'xdg-open'), args: (url) => [url] };
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * Asks the desktop to open `url`; never throws and never waits for the browser. Resolves with false when
 * there is no opener or it could not start (the caller then just prints the URL).
 */
export function openBrowser(url: string): Promise<boolean> {
  const opener = browserOpener();
  if (opener === undefined) return Promise.resolve(false);
  return new Promise((resolve) => {
    try {
      const child = spawn(opener.command, opener.args(url), { stdio: 'ignore', detached: true, windowsHide: true });
      child.once('error', () => resolve(false));
      child.once('spawn', () => {
        child.unref();
        resolve(true);
      });
    } catch {
      resolve(false);
    }
  });
}
