// Types of jaeger.mjs (plain JavaScript so that it runs by hand with `node`, without a build).

/** The Jaeger release the suite runs against. */
export declare const JAEGER_VERSION: string;

/** What one Jaeger does (see `jaegerConfiguration` in jaeger.mjs). */
export type JaegerRole = 'all-in-one' | 'storage' | 'collector';

/** The loopback ports one Jaeger listens on; which ones depends on its role. */
export interface JaegerPorts {
  /** OTLP/HTTP receiver (all-in-one, collector). */
  otlpHttp?: number;
  /** OTLP/gRPC receiver: the storage Jaeger's write path. */
  otlpGrpc?: number;
  /** The storage Jaeger's read path (`remote_storage`). */
  remoteStorage?: number;
  /** Query API and UI (all-in-one, storage). */
  queryHttp?: number;
  queryGrpc?: number;
  health: number;
}

/** A running Jaeger. */
export interface JaegerInstance {
  readonly pid: number;
  readonly role: JaegerRole;
  readonly ports: JaegerPorts;
  /** OTLP/HTTP base URL (`/v1/traces` is appended by the exporter); undefined for the storage role. */
  readonly otlpUrl: string | undefined;
  /** Query API (and UI) base URL; undefined for the collector role. */
  readonly queryUrl: string | undefined;
  /** Where the configuration and the log are. */
  readonly workDirectory: string;
  /** SIGTERM to the PID, SIGKILL after 20 s; resolves with how it ended. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last lines of Jaeger's log. */
  logTail(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export declare function jaegerCacheDirectory(): string;
export declare function findGo(): string | undefined;
export declare function buildJaeger(options?: {
  log?: (line: string) => void;
}): Promise<{ binary: string | undefined; skipped: string | undefined }>;
export declare function jaegerConfiguration(options: { role: JaegerRole; ports: JaegerPorts; storagePorts?: JaegerPorts }): string;
export declare function startJaeger(options: {
  binary: string;
  role?: JaegerRole;
  storage?: JaegerInstance;
  ports?: JaegerPorts;
  workDirectory?: string;
}): Promise<JaegerInstance>;
export declare function listeningAddresses(pid: number): string[] | undefined;
