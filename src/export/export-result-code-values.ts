import type { ExportResultCode } from './span-exporter.js';

/**
 * The members of {@link ExportResultCode} as constants of the members' own types, for the exporters and
 * processors. This module has no import at run time (the one above is type-only) on purpose: bundlers
 * then write the number at every use, where `ExportResultCode.FAILED` is a property read on the enum
 * object at run time.
 */

export const EXPORT_SUCCESS = 0 as ExportResultCode.SUCCESS;
export const EXPORT_FAILED = 1 as ExportResultCode.FAILED;
