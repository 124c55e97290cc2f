/**
 * footprint: what a user installs to trace an HTTP service and export OTLP/protobuf. otelite (packed
 * from this checkout with `npm pack`, plus its peer @opentelemetry/api) vs the opentelemetry-js set
 * (sdk-trace-node + exporter-trace-otlp-proto + instrumentation-http + api), each installed with
 * `npm install --omit=dev` into its own scratch project. Counts installed packages and the bytes of
 * their files. Uses the npm cache (`--prefer-offline`); when npm cannot install (offline, no cache) the
 * case is skipped with the reason. Skip it with BENCH_SKIP_FOOTPRINT=1 or --skip-footprint.
 */

import { execFile } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatBytes, formatRatio } from '../lib/format.mjs';
import { missingOtelite } from '../lib/otelite.mjs';

const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url));
const INSTALL_TIMEOUT_MILLIS = 90_000;

/**
 * The opentelemetry-js set a user needs for the same job, at patch versions that agree with each other
 * (instrumentation-http 0.223.0 pins core 2.12.0, so the rest of the 2.12/0.223 line is taken at .0),
 * so npm installs one copy of each package; the run checks that no package is installed twice.
 */
const OPENTELEMETRY_JS_SET = [
  '@opentelemetry/sdk-trace-node@2.12.0',
  '@opentelemetry/exporter-trace-otlp-proto@0.223.0',
  '@opentelemetry/instrumentation-http@0.223.0',
  '@opentelemetry/api@1.9.0',
];
/**
 * Three common contrib instrumentations, at the releases built on that same line (core ^2.9,
 * instrumentation ^0.223), with core pinned to 2.12.0 at the top so that their `^2.9` shares the copy
 * instrumentation-http pins instead of pulling a second one.
 */
const CONTRIB_INSTRUMENTATIONS = [
  '@opentelemetry/instrumentation-express@0.71.1',
  '@opentelemetry/instrumentation-pg@0.76.0',
  '@opentelemetry/instrumentation-undici@0.33.0',
  '@opentelemetry/core@2.12.0',
];

async function openTelemetryJsSet() {
  return OPENTELEMETRY_JS_SET;
}

/** Package names installed more than once (at different versions) in a measured install. */
function duplicates(packageList) {
  const names = packageList.map((spec) => spec.slice(0, spec.lastIndexOf('@')));
  return [...new Set(names.filter((name, i) => names.indexOf(name) !== i))];
}

/** The environment for npm: ours, without the variables `npm run` sets for this package. */
function npmEnvironment() {
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('npm_package_') && !key.startsWith('npm_lifecycle_')),
  );
}

function npm(args, cwd) {
  return new Promise((resolve, reject) => {
    execFile(
      'npm',
      args,
      { cwd, env: npmEnvironment(), timeout: INSTALL_TIMEOUT_MILLIS, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          const why = (stderr || error.message).split('\n').find((line) => /ERR!|error/i.test(line)) ?? error.message;
          reject(new Error(`npm ${args[0]} failed: ${why.trim()}`));
        } else resolve(stdout);
      },
    );
  });
}

/** Installs `specs` into a fresh project under `root`; returns packages and bytes in its node_modules. */
async function installAndMeasure(root, name, specs) {
  const project = join(root, name);
  await mkdir(project);
  await writeFile(join(project, 'package.json'), JSON.stringify({ name, version: '0.0.0', private: true }));
  await npm(['install', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', '--fetch-retries=0', ...specs], project);
  const lock = JSON.parse(await readFile(join(project, 'package-lock.json'), 'utf8'));
  const packages = Object.entries(lock.packages)
    .filter(([path, entry]) => path.startsWith('node_modules/') && !entry.link && !entry.dev)
    .map(([path, entry]) => `${path.replace(/^.*node_modules\//, '')}@${entry.version}`);
  const { bytes, files } = await folderSize(join(project, 'node_modules'));
  return { packages: packages.length, bytes, files, packageList: packages.sort() };
}

/** Apparent size (sum of file sizes) and file count under `folder`, npm's own bookkeeping excluded. */
async function folderSize(folder) {
  let bytes = 0;
  let files = 0;
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (entry.name === '.package-lock.json' || entry.name === '.bin') continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      const inner = await folderSize(path);
      bytes += inner.bytes;
      files += inner.files;
    } else if (entry.isFile()) {
      bytes += (await lstat(path)).size;
      files++;
    }
  }
  return { bytes, files };
}

export default {
  id: 'footprint',
  title: 'footprint',
  unit: 'packages, bytes',
  target: { text: 'fewer packages and bytes' },
  skip: (settings) => (settings.skipFootprint ? 'BENCH_SKIP_FOOTPRINT=1 / --skip-footprint' : undefined),
  pending: () => missingOtelite({ index: [] }),
  async run(settings, { pending }) {
    const root = await mkdtemp(join(os.tmpdir(), 'otelite-bench-footprint-'));
    try {
      const openTelemetryJsSpecs = await openTelemetryJsSet();
      const sides = {};
      try {
        sides['opentelemetry-js'] = await installAndMeasure(root, 'with-opentelemetry-js', openTelemetryJsSpecs);
        if (!pending) {
          const packed = await npm(['pack', '--silent', '--pack-destination', root], REPOSITORY);
          const tarball = join(root, packed.trim().split('\n').pop());
          const tarballBytes = (await lstat(tarball)).size;
          // The peer (@opentelemetry/api) at the version the opentelemetry-js set gets.
          const { peerDependencies = {} } = JSON.parse(await readFile(join(REPOSITORY, 'package.json'), 'utf8'));
          const peers = Object.keys(peerDependencies).map(
            (name) => openTelemetryJsSpecs.find((spec) => spec.startsWith(`${name}@`)) ?? name,
          );
          sides.otelite = { ...(await installAndMeasure(root, 'with-otelite', [tarball, ...peers])), tarballBytes };
          // The same three contrib instrumentations added on both sides.
          sides['otelite+contrib'] = await installAndMeasure(root, 'with-otelite-contrib', [
            tarball,
            ...peers,
            ...CONTRIB_INSTRUMENTATIONS,
          ]);
          sides['opentelemetry-js+contrib'] = await installAndMeasure(root, 'with-opentelemetry-js-contrib', [
            ...openTelemetryJsSpecs,
            ...CONTRIB_INSTRUMENTATIONS,
          ]);
        }
      } catch (error) {
        return { skipped: error.message };
      }
      const openTelemetryJs = sides['opentelemetry-js'];
      const describe = (side) => `${side.packages} packages, ${formatBytes(side.bytes)}`;
      const parts = ['otelite', 'opentelemetry-js'].filter((name) => sides[name]).map((name) => `${name} ${describe(sides[name])}`);
      const result = { sides, line: parts.join('   '), lines: [] };
      if (sides.otelite) {
        result.ratio = sides.otelite.bytes / openTelemetryJs.bytes;
        result.packageRatio = sides.otelite.packages / openTelemetryJs.packages;
        result.met = sides.otelite.packages < openTelemetryJs.packages && sides.otelite.bytes < openTelemetryJs.bytes;
        result.line += `   ratio ${formatRatio(result.packageRatio)} packages, ${formatRatio(result.ratio)} bytes   target ${this.target.text}   ${result.met ? 'met' : 'MISSED'}`;
        result.lines.push(`otelite installs: ${sides.otelite.packageList.join(', ')} (tarball ${formatBytes(sides.otelite.tarballBytes)})`);
        const withContrib = sides['otelite+contrib'];
        const openTelemetryJsContrib = sides['opentelemetry-js+contrib'];
        result.contribRatio = withContrib.bytes / openTelemetryJsContrib.bytes;
        result.lines.push(
          `with ${CONTRIB_INSTRUMENTATIONS.slice(0, 3)
            .map((spec) => spec.replace('@opentelemetry/', ''))
            .join(
              ', ',
            )} on both sides: otelite ${describe(withContrib)}, opentelemetry-js ${describe(openTelemetryJsContrib)} = ${formatRatio(withContrib.packages / openTelemetryJsContrib.packages)} packages, ${formatRatio(result.contribRatio)} bytes`,
        );
      }
      const doubled = Object.entries(sides).flatMap(([name, side]) => duplicates(side.packageList).map((pkg) => `${pkg} (${name})`));
      result.lines.push(doubled.length === 0 ? 'no package installed twice on any side' : `installed twice: ${doubled.join(', ')}`);
      return result;
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  },
};
