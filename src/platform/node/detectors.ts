import { arch, hostname, type as osType } from 'node:os';
import { basename } from 'node:path';
import type { Attributes } from '@opentelemetry/api';
import { resourceFromAttributes, type Resource } from '../../resource/resource.js';

/** `service.name` when neither `OTEL_SERVICE_NAME` nor `OTEL_RESOURCE_ATTRIBUTES` names the service. */
export const DEFAULT_SERVICE_NAME = 'unknown_service:node';

let detected: Resource | undefined;

/**
 * The process and host this SDK runs in, as resource attributes: `process.pid`,
 * `process.executable.name`, `process.runtime.name`/`version`/`description`, `host.name`, `host.arch`
 * and `os.type`. Only cheap facts; computed once per process and then shared.
 *
 * @example
 * ```ts
 * const resource = mergeResources(detectResources(), resourceFromAttributes({ 'service.name': 'checkout' }));
 * ```
 */
export function detectResources(): Resource {
  if (detected !== undefined) return detected;
  const attributes: Attributes = {};
  const attempt = (key: string, read: () => string | number | undefined): void => {
    try {
      const value = read();
      if (value !== undefined && value !== '') attributes[key] = value;
    } catch {
      // A fact we cannot read is simply left out.
    }
  };
  attempt('process.pid', () => process.pid);
  attempt('process.executable.name', () => basename(process.execPath));
  attempt('process.runtime.name', () => 'nodejs');
  attempt('process.runtime.version', () => process.versions.node);
  attempt('process.runtime.description', () => 'Node.js');
  attempt('host.name', () => hostname());
  attempt('host.arch', () => hostArch(arch()));
  attempt('os.type', () => osTypeName(osType()));
  detected = resourceFromAttributes(attributes);
  return detected;
}

/** Node's `os.arch()` in the `host.arch` semantic-convention values. */
function hostArch(nodeArch: string): string {
  switch (nodeArch) {
    case 'x64':
      return 'amd64';
    case 'arm':
      return 'arm32';
    case 'ppc':
      return 'ppc32';
    default:
      return nodeArch;
  }
}

/** Node's `os.type()` in the `os.type` semantic-convention values. */
function osTypeName(nodeType: string): string {
  switch (nodeType) {
    case 'Windows_NT':
      return 'windows';
    case 'SunOS':
      return 'solaris';
    default:
      return nodeType.toLowerCase();
  }
}
