import { create, toBinary, toJsonString } from '@bufbuild/protobuf';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { describe, expect, it } from 'vitest';
import { ExportTraceServiceResponseSchema } from '../../../../gen/opentelemetry/proto/collector/trace/v1/trace_service_pb.js';
import { decodeErrorStatus, decodePartialSuccess } from '../../../../src/export/otlp/wire/export-response.js';
import { encodeStatus } from '../otlp-test-receiver.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('decodePartialSuccess', () => {
  const response = (rejectedSpans: bigint, errorMessage: string) =>
    create(ExportTraceServiceResponseSchema, { partialSuccess: { rejectedSpans, errorMessage } });

  it('reads a binary partial success', () => {
    expect(decodePartialSuccess(toBinary(ExportTraceServiceResponseSchema, response(7n, 'too big')), false)).toEqual({
      rejectedSpans: 7,
      errorMessage: 'too big',
    });
  });

  it('reads a JSON partial success (int64 as a string or a number)', () => {
    expect(decodePartialSuccess(utf8(toJsonString(ExportTraceServiceResponseSchema, response(2n, 'x'))), true)).toEqual({
      rejectedSpans: 2,
      errorMessage: 'x',
    });
    expect(decodePartialSuccess(utf8('{"partialSuccess":{"rejectedSpans":3},"unknownField":1}'), true)).toEqual({
      rejectedSpans: 3,
      errorMessage: '',
    });
  });

  it('keeps a warning-only partial success (0 rejected, a message)', () => {
    expect(decodePartialSuccess(toBinary(ExportTraceServiceResponseSchema, response(0n, 'note')), false)).toEqual({
      rejectedSpans: 0,
      errorMessage: 'note',
    });
  });

  it('returns undefined for full success, empty or unreadable bodies', () => {
    expect(decodePartialSuccess(toBinary(ExportTraceServiceResponseSchema, response(0n, '')), false)).toBeUndefined();
    expect(
      decodePartialSuccess(toBinary(ExportTraceServiceResponseSchema, create(ExportTraceServiceResponseSchema)), false),
    ).toBeUndefined();
    expect(decodePartialSuccess(new Uint8Array(0), false)).toBeUndefined();
    expect(decodePartialSuccess(undefined, true)).toBeUndefined();
    expect(decodePartialSuccess(utf8('{}'), true)).toBeUndefined();
    expect(decodePartialSuccess(utf8('<html>'), true)).toBeUndefined();
    expect(decodePartialSuccess(new Uint8Array([0x0a, 0xff]), false)).toBeUndefined();
  });

  it('reads what the generated schema reads, by hand: proto field names, string int64, unknown and repeated fields', () => {
    expect(decodePartialSuccess(utf8('{"partial_success":{"rejected_spans":"12","error_message":"m"}}'), true)).toEqual({
      rejectedSpans: 12,
      errorMessage: 'm',
    });
    expect(decodePartialSuccess(utf8('{"partialSuccess":{"rejectedSpans":"x"}}'), true)).toBeUndefined();
    expect(decodePartialSuccess(utf8('{"partialSuccess":{"errorMessage":5}}'), true)).toBeUndefined();
    expect(decodePartialSuccess(utf8('{"partialSuccess":null}'), true)).toBeUndefined();
    // Unknown fields of every wire type around and inside the message, and the message seen twice (merged).
    const inner = (writer: BinaryWriter) => writer.tag(9, WireType.Bit64).fixed64(1n).tag(10, WireType.Bit32).fixed32(2);
    const body = inner(new BinaryWriter())
      .tag(1, WireType.LengthDelimited)
      .bytes(inner(new BinaryWriter().tag(1, WireType.Varint).int64(2n ** 40n)).finish())
      .tag(7, WireType.LengthDelimited)
      .string('unknown')
      .tag(1, WireType.LengthDelimited)
      .bytes(new BinaryWriter().tag(2, WireType.LengthDelimited).string('ü later').finish())
      .finish();
    expect(decodePartialSuccess(body, false)).toEqual({ rejectedSpans: 2 ** 40, errorMessage: 'ü later' });
    // Truncated bodies and groups are not readable.
    expect(decodePartialSuccess(body.subarray(0, body.length - 1), false)).toBeUndefined();
    expect(decodePartialSuccess(new BinaryWriter().tag(3, WireType.StartGroup).finish(), false)).toBeUndefined();
  });

  it('shortens a very long message', () => {
    const partial = decodePartialSuccess(toBinary(ExportTraceServiceResponseSchema, response(1n, 'm'.repeat(5000))), false);
    expect(partial?.errorMessage.length).toBe(1025);
  });
});

describe('decodeErrorStatus', () => {
  it('reads code and message of a binary google.rpc.Status', () => {
    expect(decodeErrorStatus(encodeStatus(8, 'slow down'), false)).toEqual({ code: 8, message: 'slow down' });
  });

  it('skips details and unknown fields', () => {
    const body = new BinaryWriter()
      .tag(3, WireType.LengthDelimited)
      .bytes(new Uint8Array([1, 2, 3]))
      .tag(2, WireType.LengthDelimited)
      .string('with details')
      .tag(9, WireType.Varint)
      .uint32(5)
      .finish();
    expect(decodeErrorStatus(body, false)).toEqual({ code: undefined, message: 'with details' });
  });

  it('reads a negative int32 code (a ten-byte varint)', () => {
    const body = new BinaryWriter().tag(1, WireType.Varint).int32(-2).tag(2, WireType.LengthDelimited).string('neg').finish();
    expect(decodeErrorStatus(body, false)).toEqual({ code: -2, message: 'neg' });
  });

  it('reads a JSON status', () => {
    expect(decodeErrorStatus(utf8('{"code":3,"message":"bad"}'), true)).toEqual({ code: 3, message: 'bad' });
    expect(decodeErrorStatus(utf8('{"message":"only message"}'), true)).toEqual({ code: undefined, message: 'only message' });
  });

  it('returns undefined for bodies without a message or not a Status', () => {
    expect(decodeErrorStatus(undefined, false)).toBeUndefined();
    expect(decodeErrorStatus(new Uint8Array(0), false)).toBeUndefined();
    expect(decodeErrorStatus(utf8('Bad Gateway'), false)).toBeUndefined();
    expect(decodeErrorStatus(utf8('Bad Gateway'), true)).toBeUndefined();
    expect(decodeErrorStatus(utf8('[1]'), true)).toBeUndefined();
    expect(decodeErrorStatus(new BinaryWriter().tag(1, WireType.Varint).int32(3).finish(), false)).toBeUndefined();
  });
});
