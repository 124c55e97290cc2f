import { create, toBinary, type DescMessage } from '@bufbuild/protobuf';
import { BinaryReader } from '@bufbuild/protobuf/wire';
import { describe, expect, it } from 'vitest';
import * as serviceWire from '../../gen/opentelemetry/proto/collector/trace/v1/trace_service_wire.js';
import * as commonWire from '../../gen/opentelemetry/proto/common/v1/common_wire.js';
import * as resourceWire from '../../gen/opentelemetry/proto/resource/v1/resource_wire.js';
import * as traceWire from '../../gen/opentelemetry/proto/trace/v1/trace_wire.js';
import * as proto from '../../src/proto.js';

/** `ExportTraceServiceRequest` → `EXPORT_TRACE_SERVICE_REQUEST`, `Span.Event` → `SPAN_EVENT`. */
function constantCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/\./g, '_')
    .toUpperCase();
}

const constants: Record<string, number> = { ...serviceWire, ...commonWire, ...resourceWire, ...traceWire };
const schemas = (Object.values(proto) as unknown[]).filter((value): value is DescMessage => (value as DescMessage)?.kind === 'message');

/** A message with only `field` set to a value that is not its default, so it alone reaches the wire. */
function messageWithOnly(schema: DescMessage, field: DescMessage['fields'][number]): Uint8Array {
  const message = create(schema) as Record<string, unknown>;
  switch (field.fieldKind) {
    case 'scalar': {
      const byType: Record<number, unknown> = { 1: 1.5, 2: 1.5, 8: true, 9: 'x', 12: new Uint8Array([1]) };
      message[field.localName] = byType[field.scalar] ?? (field.longAsString ? '1' : [3, 4, 6, 16, 18].includes(field.scalar) ? 1n : 1);
      break;
    }
    case 'enum':
      message[field.localName] = 1;
      break;
    case 'message':
      message[field.localName] = create(field.message);
      break;
    case 'list':
      message[field.localName] =
        field.listKind === 'message' ? [create(field.message)] : field.listKind === 'enum' ? [1] : field.scalar === 9 ? ['x'] : [1n];
      break;
    default:
      throw new Error(`no map fields in OTLP trace: ${field.name}`);
  }
  if (field.oneof) message[field.oneof.localName] = { case: field.localName, value: message[field.localName] };
  return toBinary(schema, message as never);
}

describe('gen/**/*_wire.ts (protoc-gen-otlp-wire)', () => {
  it('has, for every field of every generated message, the tag the generated encoder writes', () => {
    let checked = 0;
    for (const schema of schemas) {
      const messageName = schema.typeName.slice(schema.file.proto.package.length + 1);
      for (const field of schema.fields) {
        if (field.fieldKind === 'list' && field.listKind === 'scalar' && field.scalar !== 9) continue; // none in OTLP trace
        const name = `TAG_${constantCase(messageName)}_${field.name.toUpperCase()}`;
        const [number, wireType] = new BinaryReader(messageWithOnly(schema, field)).tag();
        expect(constants[name], name).toBe(((number << 3) | wireType) >>> 0);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(60);
  });

  it('has the values of the generated enums', () => {
    expect(traceWire.SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK).toBe(proto.SpanFlags.CONTEXT_HAS_IS_REMOTE_MASK);
    expect(traceWire.SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK).toBe(proto.SpanFlags.CONTEXT_IS_REMOTE_MASK);
    expect(traceWire.SPAN_FLAGS_TRACE_FLAGS_MASK).toBe(proto.SpanFlags.TRACE_FLAGS_MASK);
    expect(traceWire.SPAN_KIND_CONSUMER).toBe(proto.Span_SpanKind.CONSUMER);
    expect(traceWire.STATUS_CODE_ERROR).toBe(proto.Status_StatusCode.ERROR);
  });
});
