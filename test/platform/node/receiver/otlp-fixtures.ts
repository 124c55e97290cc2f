// Builders shared by the receiver tests: real OTLP requests from the generated types, and a raw HTTP client.
import { create, toBinary, toJson } from '@bufbuild/protobuf';
import { request as httpRequest } from 'node:http';
import {
  ExportTraceServiceRequestSchema,
  Span_SpanKind,
  type Status_StatusCode,
  type ExportTraceServiceRequest,
} from '../../../../src/proto.js';

export const TRACE_A = '4bf92f3577b34da6a3ce929d0e0e4736';
export const TRACE_B = '0af7651916cd43dd8448eb211c80319c';

/** Start of every fixture span, in epoch nanoseconds. */
export const T0 = 1_700_000_000_000_000_000n;

export interface SpanSpec {
  traceId?: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: Span_SpanKind;
  startMillis?: number;
  durationMillis: number;
  status?: { code: Status_StatusCode; message?: string };
  attributes?: Record<string, string | number>;
}

export function hex(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text, 'hex'));
}

/** One ExportTraceServiceRequest holding `spans` under a resource with `service.name = service`. */
export function buildRequest(service: string, spans: SpanSpec[]): ExportTraceServiceRequest {
  return create(ExportTraceServiceRequestSchema, {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { value: { case: 'stringValue', value: service } } }] },
        scopeSpans: [
          {
            scope: { name: 'test-scope', version: '1.2.3' },
            spans: spans.map((spec) => {
              const start = T0 + BigInt(Math.round((spec.startMillis ?? 0) * 1e6));
              return {
                traceId: hex(spec.traceId ?? TRACE_A),
                spanId: hex(spec.spanId),
                parentSpanId: spec.parentSpanId === undefined ? new Uint8Array(0) : hex(spec.parentSpanId),
                name: spec.name,
                kind: spec.kind ?? Span_SpanKind.INTERNAL,
                startTimeUnixNano: start,
                endTimeUnixNano: start + BigInt(Math.round(spec.durationMillis * 1e6)),
                status: spec.status === undefined ? undefined : { code: spec.status.code, message: spec.status.message ?? '' },
                attributes: Object.entries(spec.attributes ?? {}).map(([key, value]) => ({
                  key,
                  value: {
                    value:
                      typeof value === 'string'
                        ? { case: 'stringValue' as const, value }
                        : { case: 'intValue' as const, value: BigInt(value) },
                  },
                })),
              };
            }),
          },
        ],
      },
    ],
  });
}

export function toProtobuf(request: ExportTraceServiceRequest): Uint8Array {
  return toBinary(ExportTraceServiceRequestSchema, request);
}

/** OTLP/JSON: the protobuf JSON mapping with trace and span ids as hex instead of base64. */
export function toOtlpJson(request: ExportTraceServiceRequest): string {
  const json = toJson(ExportTraceServiceRequestSchema, request) as {
    resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[];
  };
  for (const resourceSpans of json.resourceSpans) {
    for (const scopeSpans of resourceSpans.scopeSpans) {
      for (const span of scopeSpans.spans) {
        for (const key of ['traceId', 'spanId', 'parentSpanId']) {
          if (typeof span[key] === 'string') span[key] = Buffer.from(span[key] as string, 'base64').toString('hex');
        }
      }
    }
  }
  return JSON.stringify(json);
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A POST (or another method) over a real socket, resolving with the whole response. */
export function send(
  url: string,
  body: Uint8Array | string | undefined,
  headers: Record<string, string> = {},
  method = 'POST',
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A text sink that collects what is printed. */
export function collectingSink(): { write(text: string): boolean; text(): string } {
  let text = '';
  return {
    write(chunk: string) {
      text += chunk;
      return true;
    },
    text: () => text,
  };
}
