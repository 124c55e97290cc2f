import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** A PostgreSQL server this suite started: on 127.0.0.1, trust authentication, user `postgres`. */
export interface PostgresServer {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
  /** PostgreSQL's version line (`postgres (PostgreSQL) 15.x ...`). */
  readonly version: string;
  stop(): Promise<void>;
}

/** Why no server could be started. */
export interface PostgresUnavailable {
  readonly reason: string;
}

/** Where `initdb`, `pg_ctl` and `postgres` are: PATH, /usr/local/bin, or Debian's /usr/lib/postgresql/<n>/bin. */
function findBinaries(): string | undefined {
  const candidates = ['/usr/local/bin', '/usr/bin'];
  if (existsSync('/usr/lib/postgresql')) {
    for (const version of readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a))) {
      candidates.push(join('/usr/lib/postgresql', version, 'bin'));
    }
  }
  return candidates.find((directory) => existsSync(join(directory, 'initdb')) && existsSync(join(directory, 'pg_ctl')));
}

function run(command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 90_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed: ${stderr || error.message}`));
      else resolve(stdout);
    });
  });
}

/** A port that was free a moment ago (the server binds it right after). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

/**
 * Starts a throwaway PostgreSQL server in a temporary data directory, on a free loopback port, with
 * its socket in that directory. PostgreSQL refuses to run as root, so as root it runs as the
 * `postgres` user when there is one, else `nobody` (through `runuser`).
 */
export async function startPostgres(): Promise<PostgresServer | PostgresUnavailable> {
  const bin = findBinaries();
  if (bin === undefined) return { reason: "initdb/pg_ctl not found (install Debian's postgresql package)" };
  const isRoot = userInfo().uid === 0;
  let runAs: string | undefined;
  if (isRoot) {
    runAs = (await run('id', ['-u', 'postgres']).then(
      () => true,
      () => false,
    ))
      ? 'postgres'
      : 'nobody';
  }
  const directory = await mkdtemp(join(tmpdir(), 'otelite-pg-'));
  const data = join(directory, 'data');
  const as = (command: string, args: readonly string[]): Promise<string> =>
    runAs === undefined ? run(join(bin, command), args) : run('runuser', ['-u', runAs, '--', join(bin, command), ...args]);
  try {
    if (runAs !== undefined) {
      const ids = (await run('id', ['-u', runAs])).trim();
      const group = (await run('id', ['-g', runAs])).trim();
      await chown(directory, Number(ids), Number(group));
      await chmod(directory, 0o700);
    }
    await as('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
    const port = await freePort();
    const options = `-p ${port} -k ${directory} -c listen_addresses=127.0.0.1 -c fsync=off`;
    await as('pg_ctl', ['-D', data, '-o', options, '-l', join(directory, 'log'), '-w', '-t', '60', 'start']);
    const version = (await run(join(bin, 'postgres'), ['--version'])).trim();
    return {
      host: '127.0.0.1',
      port,
      user: 'postgres',
      database: 'postgres',
      version,
      async stop() {
        await as('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
        await rm(directory, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(directory, { recursive: true, force: true }).catch(() => undefined);
    return { reason: error instanceof Error ? error.message : String(error) };
  }
}
