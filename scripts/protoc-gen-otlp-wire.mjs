#!/usr/bin/env node
/**
 * A protoc plugin (run by `buf generate`, see buf.gen.yaml) that writes, next to each generated
 * `*_pb.ts`, a `*_wire.ts` of wire constants as plain numbers: for every field of every message its tag,
 * the number written on the wire before its value (`field number << 3 | wire type`), and for every enum
 * its values:
 *
 *   export const TAG_SPAN_TRACE_ID = 10; // field 1, length-delimited
 *   export const SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK = 256;
 *
 * The fast binary encoder imports these instead of reading the descriptors at load, so it needs no
 * descriptor (and no protobuf runtime) to load; the proto stays the single source of truth, and
 * `make check-generated` catches drift like for the rest of gen/.
 */

import { createEcmaScriptPlugin, runNodeJs } from '@bufbuild/protoplugin';
import { ScalarType } from '@bufbuild/protobuf';

const WIRE = { varint: 0, bit64: 1, lengthDelimited: 2, startGroup: 3, bit32: 5 };
const WIRE_NAMES = { 0: 'varint', 1: 'fixed 64-bit', 2: 'length-delimited', 3: 'group', 5: 'fixed 32-bit' };

function scalarWireType(scalar) {
  switch (scalar) {
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return WIRE.bit64;
    case ScalarType.FLOAT:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return WIRE.bit32;
    case ScalarType.STRING:
    case ScalarType.BYTES:
      return WIRE.lengthDelimited;
    default:
      return WIRE.varint;
  }
}

/** The wire type a field's values are written with (packed repeated scalars are length-delimited). */
function wireTypeOf(field) {
  switch (field.fieldKind) {
    case 'scalar':
      return scalarWireType(field.scalar);
    case 'enum':
      return WIRE.varint;
    case 'message':
      return field.delimitedEncoding ? WIRE.startGroup : WIRE.lengthDelimited;
    case 'list':
      if (field.listKind === 'message') return field.delimitedEncoding ? WIRE.startGroup : WIRE.lengthDelimited;
      if (field.packed) return WIRE.lengthDelimited;
      return field.listKind === 'enum' ? WIRE.varint : scalarWireType(field.scalar);
    case 'map':
      return WIRE.lengthDelimited;
  }
  throw new Error(`unknown field kind ${field.fieldKind}`);
}

/** `ExportTraceServiceRequest` → `EXPORT_TRACE_SERVICE_REQUEST`, `Span.Event` → `SPAN_EVENT`. */
function constantCase(name) {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[.]/g, '_')
    .toUpperCase();
}

function messageName(message) {
  return message.typeName.slice(message.file.proto.package.length + 1);
}

function* allMessages(messages) {
  for (const message of messages) {
    yield message;
    yield* allMessages(message.nestedMessages);
  }
}

function* allEnums(file) {
  yield* file.enums;
  for (const message of allMessages(file.messages)) yield* message.nestedEnums;
}

function generateTs(schema) {
  for (const file of schema.files) {
    const messages = [...allMessages(file.messages)];
    const enums = [...allEnums(file)];
    if (messages.length === 0 && enums.length === 0) continue;
    const f = schema.generateFile(`${file.name}_wire.ts`);
    f.preamble(file);
    f.print('// Wire tags (field number << 3 | wire type) of every field and the values of every enum, for hand-written encoders.');
    for (const message of messages) {
      f.print();
      f.print(`// ${message.typeName}`);
      for (const field of message.fields) {
        const wireType = wireTypeOf(field);
        const tag = ((field.number << 3) | wireType) >>> 0;
        f.print(
          `export const TAG_${constantCase(messageName(message))}_${field.name.toUpperCase()} = ${tag}; // field ${field.number}, ${WIRE_NAMES[wireType]}`,
        );
      }
    }
    for (const enumeration of enums) {
      f.print();
      f.print(`// ${enumeration.typeName}`);
      for (const value of enumeration.values) f.print(`export const ${value.name} = ${value.number};`);
    }
  }
}

runNodeJs(
  createEcmaScriptPlugin({
    name: 'protoc-gen-otlp-wire',
    version: 'v1',
    generateTs,
  }),
);
