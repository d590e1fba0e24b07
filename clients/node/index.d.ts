// Types of troupe-client (index.js). Shapes of bodies and replies follow Troupe's bus contract,
// docs/bus.md (shared/src/main/resources/asyncapi/troupe-bus.yaml).
import { EventEmitter } from 'node:events';

/** request-service: the documents (get, put, delete, list, getMany, putMany), its change log (changes), ping. */
export declare const REQUEST_ADDRESS: 'troupe.request.v1';
/** Background jobs; bridged only when TROUPE_BRIDGE_INBOUND names it. */
export declare const JOBS_ADDRESS: 'troupe.jobs.v1';
/** Document change events, published after each committed write or delete. */
export declare const DOC_EVENTS_ADDRESS: 'troupe.events.docs.v1';

/** Every ErrorCode of the bus contract, by name: the failureCode numbers. */
export declare const ErrorCodes: Readonly<{
  BAD_REQUEST: 4000;
  UNAUTHORIZED: 4010;
  FORBIDDEN: 4030;
  NOT_FOUND: 4040;
  CONFLICT: 4090;
  GONE: 4100;
  PRECONDITION_FAILED: 4120;
  PAYLOAD_TOO_LARGE: 4130;
  MOVED: 4210;
  TOO_MANY_REQUESTS: 4290;
  INTERNAL: 5000;
  UNAVAILABLE: 5030;
  OVERLOADED: 5031;
  TIMEOUT: 5040;
}>;

export type ErrorCodeName = keyof typeof ErrorCodes;

/** A failed call or connection. */
export declare class TroupeError extends Error {
  constructor(
    code: ErrorCodeName,
    message: string,
    options?: {
      failureCode?: number;
      retryable?: boolean;
      address?: string;
      earliest?: number;
      since?: number;
      cause?: unknown;
    },
  );
  readonly name: 'TroupeError';
  /** The ErrorCode name; a failure code the contract does not know counts as INTERNAL. */
  readonly code: ErrorCodeName;
  /** The number the bridge sent (or the code's own number for the bridge's and client's failures). */
  readonly failureCode: number;
  /** Whether a new attempt may succeed: UNAVAILABLE, OVERLOADED, TIMEOUT (not after close). */
  readonly retryable: boolean;
  /** For a refused subscription: the address it was for. */
  readonly address?: string;
  /** For GONE: the first position the change log still holds. */
  readonly earliest?: number;
  /** For GONE: the position that was asked for. */
  readonly since?: number;
  /** The error an err frame of the bridge stands for. */
  static fromFrame(frame: {
    failureCode?: number;
    failureType?: string;
    message?: string;
  }): TroupeError;
}

export interface ReconnectOptions {
  /** First wait after the connection dropped (default 100 ms); doubles per failed attempt. */
  initialDelayMs?: number;
  /** Longest wait between attempts (default 10,000 ms). */
  maxDelayMs?: number;
  /** Failed attempts in a row after which the client gives up and closes (default Infinity). */
  maxAttempts?: number;
}

export interface RetryOptions {
  /** Attempts of one idempotent call, the first included (default 4). */
  maxAttempts?: number;
  /** Wait before the first retry (default 50 ms); doubles per retry. */
  initialDelayMs?: number;
  /** Longest wait between attempts (default 1,000 ms). */
  maxDelayMs?: number;
}

export interface ConnectOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** The bridge's TCP port (TROUPE_BRIDGE_PORT). */
  port: number;
  /** Sent as `ApiKey <key>` (TROUPE_AUTH=apikey). */
  apiKey?: string;
  /** Sent as `Bearer <token>` (TROUPE_AUTH=jwt); a function is asked again on every connection. */
  token?: string | (() => string | Promise<string>);
  /** Deadline of every call unless the call gives its own (default 10,000 ms). */
  timeoutMs?: number;
  /** How long a connection may take until the bridge answers its first ping (default 10,000 ms). */
  connectTimeoutMs?: number;
  /** Ping period; below TROUPE_BRIDGE_IDLE_TIMEOUT_SECONDS (default 20,000 ms). */
  pingIntervalMs?: number;
  /** Largest frame sent; match TROUPE_BRIDGE_MAX_FRAME_BYTES (default 1 MiB). */
  maxFrameBytes?: number;
  /** Reconnect after the connection drops (the default), or `false` to close instead. */
  reconnect?: ReconnectOptions | false;
  /** Retries of idempotent calls after a transient fault, within their deadline. */
  retry?: RetryOptions;
}

export type ClientState = 'connecting' | 'connected' | 'disconnected' | 'closed';

export interface CallOptions {
  /** This call's deadline, instead of the client's timeoutMs. */
  timeoutMs?: number;
}

export interface WriteOptions extends CallOptions {
  /** Write only over this version (the ETag). */
  ifMatch?: number;
  /** Write only if the document exists. */
  mustExist?: boolean;
  /** The same key again answers the first write's result without writing; makes the call retried. */
  idempotencyKey?: string;
}

export interface PutOptions extends WriteOptions {
  /** Write only if the document does not exist (not with ifMatch or mustExist). */
  mustNotExist?: boolean;
}

export type DeleteOptions = WriteOptions;

export interface ListOptions extends CallOptions {
  /** 1 to 1,000 (default 50). */
  limit?: number;
  /** Ids greater than this; the previous page's `next`. */
  after?: string | null;
}

export interface GetManyOptions extends CallOptions {
  /** List a failed part under `failed` instead of failing the call. */
  partial?: boolean;
}

export interface PutManyOptions extends CallOptions {
  idempotencyKey?: string;
}

export interface RequestOptions extends CallOptions {
  /** Whether the call may be sent again after a transient fault (default false). */
  idempotent?: boolean;
}

export type JsonObject = { [key: string]: unknown };

/** A stored document, the envelope every service and client sees. */
export interface Document<T extends JsonObject = JsonObject> {
  collection: string;
  id: string;
  version: number;
  /** ISO-8601 instant in UTC. */
  updatedAt: string;
  data: T;
}

export interface ReadResult<T extends JsonObject = JsonObject> {
  document: Document<T>;
  cache: 'HIT' | 'MISS' | 'BYPASS';
}

export interface PutResult<T extends JsonObject = JsonObject> {
  document: Document<T>;
  created: boolean;
}

export interface DeleteResult {
  collection: string;
  id: string;
  version: number;
}

export interface DocPage<T extends JsonObject = JsonObject> {
  items: Document<T>[];
  next: string | null;
}

export interface MultiGetResult<T extends JsonObject = JsonObject> {
  found: { [id: string]: Document<T> };
  missing: string[];
  failed?: { ids: string[]; code: number; message: string }[];
}

export interface PutManyItem {
  id: string;
  data: JsonObject;
  ifMatch?: number;
  mustExist?: boolean;
  mustNotExist?: boolean;
}

export interface PutManyResult {
  items: PutResult[];
}

export interface JobView {
  id: string;
  type: 'import' | 'export' | 'warmup';
  collection: string;
  state: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  done: number;
  total: number | null;
  failed: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  ratePerSec: number | null;
  etaSec: number | null;
}

/** A committed change of one document. */
export interface ChangeEvent {
  collection: string;
  id: string;
  op: 'put' | 'delete';
  version: number;
  /** The change's position in the change log; absent from a node built before it was numbered. */
  seq?: number;
}

export interface BusMessage {
  address: string;
  headers: { [name: string]: string };
}

export interface TroupeClientEvents {
  /** The bridge answered this connection's first ping; subscriptions are registered again. */
  connected: [info: { reconnected: boolean }];
  /** An established connection dropped (its error, if the socket had one). */
  disconnected: [error: Error | null];
  /** The next connection attempt comes after `delayMs`. */
  reconnecting: [info: { attempt: number; delayMs: number; error: Error | null }];
  /**
   * Something went wrong outside any call: a refused subscription, an err frame of the bridge, a
   * subscriber that threw. Dropped when nobody listens, never thrown.
   */
  error: [error: Error];
  /** For good: close() (null), or a refused credential or exhausted reconnects (the error). */
  closed: [error: TroupeError | null];
}

export declare class TroupeClient extends EventEmitter {
  constructor(options: ConnectOptions);
  readonly state: ClientState;
  get<T extends JsonObject = JsonObject>(collection: string, id: string, options?: CallOptions): Promise<ReadResult<T>>;
  put<T extends JsonObject = JsonObject>(
    collection: string,
    id: string,
    data: T,
    options?: PutOptions,
  ): Promise<PutResult<T>>;
  delete(collection: string, id: string, options?: DeleteOptions): Promise<DeleteResult>;
  list<T extends JsonObject = JsonObject>(collection: string, options?: ListOptions): Promise<DocPage<T>>;
  getMany<T extends JsonObject = JsonObject>(
    collection: string,
    ids: string[],
    options?: GetManyOptions,
  ): Promise<MultiGetResult<T>>;
  putMany(collection: string, items: PutManyItem[], options?: PutManyOptions): Promise<PutManyResult>;
  job(id: string, options?: CallOptions): Promise<JobView>;
  ping(options?: CallOptions): Promise<{ service: string }>;
  request<R = unknown>(address: string, action: string, body?: unknown, options?: RequestOptions): Promise<R>;
  subscribe<B = unknown>(address: string, handler: (body: B, message: BusMessage) => void): () => void;
  /** Live change events, at most once; returns the function that ends the subscription. */
  onChange(handler: (event: ChangeEvent, message: BusMessage) => void, options?: { collection?: string }): () => void;
  /**
   * Every change after `since` exactly once and in log order: the log first, then live. Resolves
   * with the function that ends the feed once the replay reached the log's head; rejects with a
   * TroupeError GONE (see `earliest`) or BAD_REQUEST. `onEnd` is called if a running feed cannot go on.
   */
  onChange(
    handler: (event: ChangeEvent) => void,
    options: { since: number; collection?: string; onEnd?: (error: TroupeError) => void },
  ): Promise<() => void>;
  close(): Promise<void>;

  on<E extends keyof TroupeClientEvents>(event: E, listener: (...args: TroupeClientEvents[E]) => void): this;
  once<E extends keyof TroupeClientEvents>(event: E, listener: (...args: TroupeClientEvents[E]) => void): this;
  off<E extends keyof TroupeClientEvents>(event: E, listener: (...args: TroupeClientEvents[E]) => void): this;
}

/** A client of the bridge; it connects at once, and calls made meanwhile wait for the connection. */
export declare function connect(options: ConnectOptions): TroupeClient;
