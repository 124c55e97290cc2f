/**
 * The otelite version, reported as `telemetry.sdk.version`. A plain constant so that it reads the
 * same from `src/` (tests) and `dist/src/` (the built package); a test keeps it equal to the
 * `version` in package.json.
 */
export const VERSION = '0.1.0';
