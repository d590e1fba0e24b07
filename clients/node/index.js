// troupe-client: Troupe over its TCP event-bus bridge (TROUPE_BRIDGE_PORT), for Node.js services.
// Plain Node (node:net, node:events); the wire format is vertx-tcp-eventbus-bridge's: each frame a
// 4-byte big-endian length, then one JSON object in UTF-8. See README.md and docs/http-api.md.
import net from 'node:net';
import { EventEmitter } from 'node:events';
import { ChangeFollower, MAX_PAGE, TICK_MS } from './follower.js';

/** request-service: the documents (get, put, delete, list, getMany, putMany), its change log (changes), ping. */
export const REQUEST_ADDRESS = 'troupe.request.v1';
/** Background jobs; bridged only when TROUPE_BRIDGE_INBOUND names it. */
export const JOBS_ADDRESS = 'troupe.jobs.v1';
/** Document change events, published after each committed write or delete. */
export const DOC_EVENTS_ADDRESS = 'troupe.events.docs.v1';

/** Every ErrorCode of the bus contract (docs/bus.md), by name: the failureCode numbers. */
export const ErrorCodes = Object.freeze({
  BAD_REQUEST: 4000,
  UNAUTHORIZED: 4010,
  FORBIDDEN: 4030,
  NOT_FOUND: 4040,
  CONFLICT: 4090,
  GONE: 4100,
  PRECONDITION_FAILED: 4120,
  PAYLOAD_TOO_LARGE: 4130,
  MOVED: 4210,
  TOO_MANY_REQUESTS: 4290,
  INTERNAL: 5000,
  UNAVAILABLE: 5030,
  OVERLOADED: 5031,
  TIMEOUT: 5040,
});

const NAME_OF = new Map(Object.entries(ErrorCodes).map(([name, code]) => [code, name]));
// As the contract's fault envelope says (BusFault.retryable): a new attempt may succeed.
const RETRYABLE = new Set(['UNAVAILABLE', 'OVERLOADED', 'TIMEOUT']);
// The bridge's own err frame after a frame its guard refused; the refusal itself came first,
// addressed to the frame's replyAddress (this client gives every send and register one).
const BLOCKED = 'blocked by bridgeEvent handler';
const BRIDGE_MESSAGES = {
  access_denied: 'FORBIDDEN',
  unknown_address: 'BAD_REQUEST',
  unknown_type: 'BAD_REQUEST',
  missing_address: 'BAD_REQUEST',
};
// The bridge's largest configurable frame (TROUPE_BRIDGE_MAX_FRAME_BYTES); a longer announced
// length is a broken stream, not a frame.
const MAX_INCOMING_FRAME_BYTES = 64 * 1024 * 1024;
const EMPTY = Buffer.alloc(0);

/** A failed call or connection: the ErrorCode name and number, and whether retrying may help. */
export class TroupeError extends Error {
  constructor(code, message, options = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TroupeError';
    this.code = code;
    this.failureCode = options.failureCode ?? ErrorCodes[code] ?? ErrorCodes.INTERNAL;
    this.retryable = options.retryable ?? RETRYABLE.has(code);
    for (const field of ['address', 'earliest', 'since']) {
      if (options[field] !== undefined) {
        this[field] = options[field];
      }
    }
  }

  /**
   * The error an err frame of the bridge stands for. A failure code the contract does not know (a
   * newer server) counts as INTERNAL and keeps its number; the bridge's own failures (no reply in
   * time, no consumer, an address not allowed) map to TIMEOUT, UNAVAILABLE and FORBIDDEN.
   */
  static fromFrame(frame) {
    const raw = frame.failureCode;
    const message = typeof frame.message === 'string' ? frame.message : 'the bridge refused the frame';
    let code;
    if (typeof raw === 'number' && NAME_OF.has(raw)) {
      code = NAME_OF.get(raw);
    } else if (frame.failureType === 'TIMEOUT') {
      code = 'TIMEOUT';
    } else if (frame.failureType === 'NO_HANDLERS') {
      code = 'UNAVAILABLE';
    } else if (raw === undefined && BRIDGE_MESSAGES[message] !== undefined) {
      code = BRIDGE_MESSAGES[message];
    } else {
      code = 'INTERNAL';
    }
    const failureCode = typeof raw === 'number' && raw > 0 ? raw : ErrorCodes[code];
    return new TroupeError(code, message, { failureCode });
  }
}

/** A position retention removed (GONE, naming the log's start) or one past its head, or null. */
function refused(since, first) {
  if (since + 1 < first.earliest) {
    return new TroupeError(
      'GONE',
      `the change log no longer holds every change after position ${since}; the earliest it holds is ` +
        `${first.earliest}: read the documents again, then follow from ${first.earliest - 1}`,
      { retryable: false, since, earliest: first.earliest },
    );
  }
  if (since > first.head) {
    return new TroupeError('BAD_REQUEST', `position ${since} is past the change log's head (${first.head})`);
  }
  return null;
}

const CONNECT_DEFAULTS = {
  host: '127.0.0.1',
  timeoutMs: 10_000,
  connectTimeoutMs: 10_000,
  pingIntervalMs: 20_000,
  maxFrameBytes: 1024 * 1024,
};
const RECONNECT_DEFAULTS = { initialDelayMs: 100, maxDelayMs: 10_000, maxAttempts: Infinity };
const RETRY_DEFAULTS = { maxAttempts: 4, initialDelayMs: 50, maxDelayMs: 1_000 };

/** A client of the bridge at `options.host`:`options.port`; it connects at once. */
export function connect(options) {
  return new TroupeClient(options);
}

let clients = 0;

export class TroupeClient extends EventEmitter {
  #options;
  #reconnect;
  #retry;
  #prefix;
  #seq = 0;
  #state = 'connecting';
  #conn = null;
  #everConnected = false;
  #failures = 0;
  #reconnectTimer = null;
  #calls = new Set();
  #queue = new Set();
  #pending = new Map();
  #subs = new Map();
  #registrations = new Map();
  #closing = null;
  #closedWith = null;

  constructor(options) {
    super();
    this.#options = checkOptions(options);
    this.#reconnect =
      options.reconnect === false ? null : { ...RECONNECT_DEFAULTS, ...definedOnly(options.reconnect ?? {}) };
    this.#retry = { ...RETRY_DEFAULTS, ...definedOnly(options.retry ?? {}) };
    this.#prefix = `troupe-client.${process.pid}.${++clients}.`;
    this.#connect();
  }

  /** 'connecting', 'connected', 'disconnected' (waiting to reconnect) or 'closed'. */
  get state() {
    return this.#state;
  }

  /** Reads a document: its envelope and how the cache served it. NOT_FOUND when absent. */
  get(collection, id, options) {
    return this.#call(REQUEST_ADDRESS, 'get', { collection, id }, options, true);
  }

  /** Creates or replaces a document; retried after a transient fault only with an idempotencyKey. */
  put(collection, id, data, options = {}) {
    const body = withWriteOptions({ collection, id, data }, options, true);
    return this.#call(REQUEST_ADDRESS, 'put', body, options, options.idempotencyKey != null);
  }

  /** Deletes a document; NOT_FOUND when absent. */
  delete(collection, id, options = {}) {
    const body = withWriteOptions({ collection, id }, options, false);
    return this.#call(REQUEST_ADDRESS, 'delete', body, options, options.idempotencyKey != null);
  }

  /** One page of a collection in id order; ask again with `after: page.next` until it is null. */
  list(collection, options = {}) {
    const body = { collection };
    if (options.limit !== undefined) {
      body.limit = options.limit;
    }
    if (options.after !== undefined && options.after !== null) {
      body.after = options.after;
    }
    return this.#call(REQUEST_ADDRESS, 'list', body, options, true);
  }

  /** Several documents of one collection; with `partial` a failed part is listed, not thrown. */
  getMany(collection, ids, options = {}) {
    const body = { collection, ids };
    if (options.partial) {
      body.partial = true;
    }
    return this.#call(REQUEST_ADDRESS, 'getMany', body, options, true);
  }

  /** Writes several documents of one collection in one transaction: all or none. */
  putMany(collection, items, options = {}) {
    const body = {
      collection,
      items: items.map((item) => {
        const written = { id: item.id, data: item.data };
        const precondition = preconditionOf(item, true);
        if (precondition) {
          written.precondition = precondition;
        }
        return written;
      }),
    };
    if (options.idempotencyKey != null) {
      body.idempotencyKey = options.idempotencyKey;
    }
    return this.#call(REQUEST_ADDRESS, 'putMany', body, options, options.idempotencyKey != null);
  }

  /** A background job and its progress (troupe.jobs.v1 must be in TROUPE_BRIDGE_INBOUND). */
  job(id, options) {
    return this.#call(JOBS_ADDRESS, 'get', { id }, options, true);
  }

  /** Whether request-service answers: `{service: 'request'}`. */
  ping(options) {
    return this.#call(REQUEST_ADDRESS, 'ping', {}, options, true);
  }

  /**
   * Any action on any address the bridge lets in (TROUPE_BRIDGE_INBOUND). Retried after a
   * transient fault only when `idempotent` is true.
   */
  request(address, action, body, options = {}) {
    return this.#call(address, action, body ?? {}, options, options.idempotent === true);
  }

  /**
   * Calls `handler(body, message)` for every message published to `address` (one the bridge lets
   * out, TROUPE_BRIDGE_OUTBOUND), from now on and again after every reconnect. Returns the function
   * that ends this subscription.
   */
  subscribe(address, handler) {
    if (typeof address !== 'string' || address.length === 0) {
      throw new TypeError('address must be a non-empty string');
    }
    if (typeof handler !== 'function') {
      throw new TypeError('handler must be a function');
    }
    if (this.#state === 'closed') {
      throw this.#closedError();
    }
    let sub = this.#subs.get(address);
    if (sub === undefined) {
      sub = new Set();
      this.#subs.set(address, sub);
      if (this.#state === 'connected') {
        this.#register(address);
      }
    }
    const entry = { handler };
    sub.add(entry);
    let live = true;
    return () => {
      if (!live) {
        return;
      }
      live = false;
      sub.delete(entry);
      if (sub.size === 0 && this.#subs.get(address) === sub) {
        this.#subs.delete(address);
        if (this.#state === 'connected') {
          this.#write({ type: 'unregister', address });
        }
      }
    };
  }

  /**
   * Document change events (`{collection, id, op, version, seq}`), of one collection if given.
   * Without `since`: live only, at most once; returns the function that ends the subscription.
   * With `since` (a change log position, the `seq` of the last change handled; 0 replays the whole
   * log): every change after it exactly once and in log order, first from the log (request-service's
   * read-only `changes`), then live, with gaps and reconnects filled from the log. Then it returns
   * a Promise of that function, resolved once the replay reached the log's head; it rejects with a
   * TroupeError GONE (`earliest`: where the log now starts) when retention removed changes after
   * `since`, BAD_REQUEST for a position past the head. `onEnd(error)` is called if a running feed
   * cannot go on (GONE after a long outage); other failures to read the log are retried.
   */
  onChange(handler, options = {}) {
    if (typeof handler !== 'function') {
      throw new TypeError('handler must be a function');
    }
    const { collection, since, onEnd } = options;
    if (onEnd !== undefined && typeof onEnd !== 'function') {
      throw new TypeError('onEnd must be a function');
    }
    const wanted = (event) => collection === undefined || (event && event.collection === collection);
    if (since === undefined) {
      return this.subscribe(DOC_EVENTS_ADDRESS, (event, message) => {
        if (wanted(event)) {
          handler(event, message);
        }
      });
    }
    if (!Number.isSafeInteger(since) || since < 0) {
      throw new TypeError(`since must be a change log position (an integer >= 0), got ${since}`);
    }
    if (this.#state === 'closed') {
      return Promise.reject(this.#closedError());
    }
    return this.#follow(since, (event) => wanted(event) && handler(event), onEnd);
  }

  /** onChange from a position: a ChangeFollower over `changes`, restarted when the log fails. */
  async #follow(since, deliver, onEnd) {
    let delivered = since;
    let follower = null;
    let ended = false;
    let timer = null;
    let failures = 0;
    const page = (from) => this.#call(REQUEST_ADDRESS, 'changes', { since: from, limit: MAX_PAGE }, {}, true);
    const make = () =>
      new ChangeFollower(
        page,
        (event) => {
          delivered = event.seq;
          deliver(event);
        },
        restart,
      );
    // A registration over the bridge is not acknowledged, and reaches the other nodes a moment
    // after it is sent: read the log once more when it has surely arrived.
    const settle = () => {
      clearTimeout(timer);
      timer = setTimeout(() => follower?.catchUp(), this.#retry.maxDelayMs);
      timer.unref?.();
    };
    // A change whose event never came, with no later one to show the gap: read the log when quiet.
    const ticks = setInterval(() => follower?.tick(), TICK_MS);
    ticks.unref?.();
    const stop = () => {
      ended = true;
      clearTimeout(timer);
      clearInterval(ticks);
      follower?.stop();
      unsubscribe();
      this.off('connected', reconnected);
    };
    const end = (error) => {
      if (!ended) {
        stop();
        onEnd?.(error);
      }
    };
    const restart = (error) => {
      if (ended) {
        return;
      }
      if (error?.code === 'GONE' || error?.code === 'BAD_REQUEST' || error?.retryable === false) {
        end(error);
        return;
      }
      const delay = Math.min(this.#retry.maxDelayMs, this.#retry.initialDelayMs * 2 ** failures++);
      clearTimeout(timer);
      timer = setTimeout(() => {
        follower = make();
        follower.start(delivered, refused).then(() => {
          failures = 0;
          settle();
        }, restart);
      }, delay);
      timer.unref?.();
    };
    const reconnected = () => {
      follower?.catchUp();
      settle();
    };
    const unsubscribe = this.subscribe(DOC_EVENTS_ADDRESS, (event) => follower?.arrived(event));
    this.on('connected', reconnected);
    follower = make();
    try {
      await follower.start(since, refused);
    } catch (e) {
      stop();
      throw e;
    }
    settle();
    return stop;
  }

  /**
   * Stops reconnecting, fails the calls not yet answered (UNAVAILABLE, not retryable) and ends the
   * connection; resolves once the socket is closed.
   */
  close() {
    if (this.#closing) {
      return this.#closing;
    }
    const conn = this.#conn;
    this.#shutdown(new TroupeError('UNAVAILABLE', 'the client was closed', { retryable: false }), null);
    const socket = conn?.socket;
    this.#closing =
      socket && !socket.destroyed
        ? new Promise((resolve) => {
            const force = setTimeout(() => socket.destroy(), 1_000);
            socket.once('close', () => {
              clearTimeout(force);
              resolve();
            });
            socket.end();
          })
        : Promise.resolve();
    return this.#closing;
  }

  // ---- calls ----

  #call(address, action, body, options, idempotent) {
    if (this.#state === 'closed') {
      return Promise.reject(this.#closedError());
    }
    const timeoutMs = options?.timeoutMs ?? this.#options.timeoutMs;
    if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
      return Promise.reject(new TypeError('timeoutMs must be a positive number'));
    }
    return new Promise((resolve, reject) => {
      const call = {
        address,
        action,
        body,
        idempotent,
        timeoutMs,
        deadline: now() + timeoutMs,
        attempts: 0,
        startedAt: 0,
        replyAddress: null,
        lastError: null,
        retryTimer: null,
        timer: null,
        done: false,
        resolve,
        reject,
      };
      call.timer = setTimeout(() => this.#expire(call), timeoutMs);
      this.#calls.add(call);
      this.#dispatch(call);
    });
  }

  #dispatch(call) {
    if (this.#state === 'connected') {
      this.#send(call);
    } else {
      this.#queue.add(call);
    }
  }

  #send(call) {
    call.attempts++;
    call.startedAt = now();
    call.replyAddress = this.#prefix + ++this.#seq;
    const frame = {
      type: 'send',
      address: call.address,
      // The bridge waits for the reply no longer than what is left of the deadline.
      headers: { action: call.action, timeout: Math.max(1, Math.ceil(call.deadline - now())) },
      body: call.body,
      replyAddress: call.replyAddress,
    };
    let written;
    try {
      written = this.#write(frame);
    } catch (e) {
      this.#settle(call, new TroupeError('BAD_REQUEST', `the body cannot be sent as JSON: ${e.message}`, { cause: e }));
      return;
    }
    if (!written) {
      this.#settle(
        call,
        new TroupeError(
          'PAYLOAD_TOO_LARGE',
          `the frame would exceed maxFrameBytes (${this.#options.maxFrameBytes}); the bridge would close the connection`,
        ),
      );
      return;
    }
    this.#pending.set(call.replyAddress, call);
  }

  /** An attempt failed: try again when the call may be repeated and its deadline allows. */
  #attemptFailed(call, error) {
    if (call.done) {
      return;
    }
    this.#pending.delete(call.replyAddress);
    if (call.idempotent && error.retryable && call.attempts < this.#retry.maxAttempts) {
      const wait = backoff(call.attempts, this.#retry);
      const took = now() - call.startedAt;
      // A retry unlikely to finish within the deadline would only turn the fault into a timeout.
      if (call.deadline - now() > wait + took) {
        call.lastError = error;
        call.retryTimer = setTimeout(() => {
          call.retryTimer = null;
          this.#dispatch(call);
        }, wait);
        return;
      }
    }
    this.#settle(call, error);
  }

  #expire(call) {
    const waited = call.attempts === 0 ? ' (never connected to the bridge)' : '';
    const cause = call.lastError ?? undefined;
    this.#settle(
      call,
      new TroupeError('TIMEOUT', `${call.action} on ${call.address}: no answer within ${call.timeoutMs} ms${waited}`, {
        cause,
      }),
    );
  }

  #settle(call, error, value) {
    if (call.done) {
      return;
    }
    call.done = true;
    clearTimeout(call.timer);
    clearTimeout(call.retryTimer);
    this.#calls.delete(call);
    this.#queue.delete(call);
    if (call.replyAddress !== null) {
      this.#pending.delete(call.replyAddress);
    }
    if (error) {
      call.reject(error);
    } else {
      call.resolve(value);
    }
  }

  // ---- the connection ----

  #connect() {
    this.#state = 'connecting';
    const conn = {
      socket: null,
      credential: null,
      authSent: false,
      open: false,
      fatal: null,
      error: null,
      buffer: EMPTY,
      lastReceived: 0,
      connectTimer: null,
      pingTimer: null,
    };
    this.#conn = conn;
    Promise.resolve()
      .then(() => this.#credential())
      .then(
        (credential) => {
          if (this.#conn !== conn) {
            return;
          }
          conn.credential = credential;
          this.#open(conn);
        },
        (e) => {
          if (this.#conn === conn) {
            conn.error = e instanceof Error ? e : new Error(String(e));
            this.#lost(conn);
          }
        },
      );
  }

  async #credential() {
    const { apiKey, token } = this.#options;
    if (apiKey !== undefined) {
      return `ApiKey ${apiKey}`;
    }
    if (token !== undefined) {
      const value = typeof token === 'function' ? await token() : token;
      if (typeof value !== 'string' || value.length === 0) {
        throw new TypeError('the token function must return a non-empty string');
      }
      return `Bearer ${value}`;
    }
    return null;
  }

  #open(conn) {
    const { host, port, connectTimeoutMs } = this.#options;
    const socket = net.connect({ host, port });
    conn.socket = socket;
    socket.setNoDelay(true);
    // Connected once the bridge answers a ping: the TCP front relays to the bridge behind it.
    conn.connectTimer = setTimeout(
      () => socket.destroy(new Error(`the bridge at ${host}:${port} did not answer within ${connectTimeoutMs} ms`)),
      connectTimeoutMs,
    );
    socket.on('connect', () => this.#write({ type: 'ping' }, conn));
    socket.on('data', (chunk) => this.#receive(conn, chunk));
    socket.on('error', (e) => {
      conn.error = e;
    });
    socket.on('close', () => this.#lost(conn));
  }

  #opened(conn) {
    clearTimeout(conn.connectTimer);
    conn.open = true;
    this.#state = 'connected';
    this.#failures = 0;
    const reconnected = this.#everConnected;
    this.#everConnected = true;
    const interval = this.#options.pingIntervalMs;
    conn.pingTimer = setInterval(() => {
      if (now() - conn.lastReceived > 2 * interval) {
        conn.socket.destroy(new Error(`no frame from the bridge for ${2 * interval} ms`));
      } else {
        this.#write({ type: 'ping' }, conn);
      }
    }, interval);
    for (const address of this.#subs.keys()) {
      this.#register(address);
    }
    const waiting = [...this.#queue];
    this.#queue.clear();
    for (const call of waiting) {
      if (this.#state !== 'connected') {
        this.#queue.add(call);
      } else if (!call.done) {
        this.#send(call);
      }
    }
    this.emit('connected', { reconnected });
  }

  #register(address) {
    // The bridge ignores a register's replyAddress, but its guard addresses a refusal to it.
    const id = this.#prefix + 'sub.' + ++this.#seq;
    this.#registrations.set(id, address);
    this.#write({ type: 'register', address, headers: {}, replyAddress: id });
  }

  /** The connection is gone: fail or retry what was in flight, then reconnect or give up. */
  #lost(conn) {
    if (this.#conn !== conn) {
      return;
    }
    this.#conn = null;
    clearTimeout(conn.connectTimer);
    clearInterval(conn.pingTimer);
    this.#registrations.clear();
    const inFlight = [...this.#pending.values()];
    this.#pending.clear();
    this.#state = 'disconnected';
    const { host, port } = this.#options;
    for (const call of inFlight) {
      this.#attemptFailed(
        call,
        new TroupeError(
          'UNAVAILABLE',
          `the connection to the bridge at ${host}:${port} was lost before the answer came; the call may or may not have been applied`,
          { cause: conn.error ?? undefined },
        ),
      );
    }
    if (conn.open) {
      this.emit('disconnected', conn.error);
    }
    if (this.#state === 'closed') {
      return;
    }
    if (conn.fatal) {
      this.#shutdown(conn.fatal);
      return;
    }
    if (this.#reconnect === null) {
      this.#shutdown(
        new TroupeError('UNAVAILABLE', `the connection to the bridge at ${host}:${port} was lost (reconnect is off)`, {
          retryable: false,
          cause: conn.error ?? undefined,
        }),
      );
      return;
    }
    this.#failures++;
    if (this.#failures > this.#reconnect.maxAttempts) {
      this.#shutdown(
        new TroupeError(
          'UNAVAILABLE',
          `gave up reconnecting to the bridge at ${host}:${port} after ${this.#reconnect.maxAttempts} attempts`,
          { retryable: false, cause: conn.error ?? undefined },
        ),
      );
      return;
    }
    const delayMs = backoff(this.#failures, this.#reconnect);
    this.#state = 'disconnected';
    this.emit('reconnecting', { attempt: this.#failures, delayMs, error: conn.error });
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null;
      this.#connect();
    }, delayMs);
  }

  /**
   * For good: fail every call with `error`, stop reconnecting, and emit 'closed' with `why` (null
   * for close(); not also 'error': every call and 'closed' carry it already).
   */
  #shutdown(error, why = error) {
    if (this.#state === 'closed') {
      return;
    }
    this.#state = 'closed';
    this.#closedWith = error;
    clearTimeout(this.#reconnectTimer);
    const conn = this.#conn;
    this.#conn = null;
    if (conn) {
      clearTimeout(conn.connectTimer);
      clearInterval(conn.pingTimer);
    }
    for (const call of [...this.#calls]) {
      this.#settle(call, error);
    }
    this.#subs.clear();
    this.emit('closed', why);
  }

  #closedError() {
    const cause = this.#closedWith;
    return new TroupeError(cause?.code ?? 'UNAVAILABLE', cause?.message ?? 'the client is closed', {
      retryable: false,
      failureCode: cause?.failureCode,
    });
  }

  // ---- frames ----

  /**
   * Writes one frame; the first send, publish or register of a connection carries the credential.
   * False when the frame is larger than maxFrameBytes (nothing written).
   */
  #write(frame, conn = this.#conn) {
    const socket = conn?.socket;
    if (!socket || socket.destroyed) {
      return true;
    }
    const authenticates =
      conn.credential !== null && !conn.authSent && ['send', 'publish', 'register'].includes(frame.type);
    const sent = authenticates
      ? { ...frame, headers: { ...frame.headers, authorization: conn.credential } }
      : frame;
    const json = Buffer.from(JSON.stringify(sent), 'utf8');
    if (json.length > this.#options.maxFrameBytes) {
      return false;
    }
    if (authenticates) {
      conn.authSent = true;
    }
    const length = Buffer.allocUnsafe(4);
    length.writeUInt32BE(json.length, 0);
    socket.write(Buffer.concat([length, json]));
    return true;
  }

  #receive(conn, chunk) {
    if (this.#conn !== conn) {
      return;
    }
    conn.lastReceived = now();
    let buffer = conn.buffer.length === 0 ? chunk : Buffer.concat([conn.buffer, chunk]);
    while (buffer.length >= 4) {
      const length = buffer.readUInt32BE(0);
      if (length > MAX_INCOMING_FRAME_BYTES) {
        conn.socket.destroy(new Error(`the bridge announced a frame of ${length} bytes`));
        return;
      }
      if (buffer.length < 4 + length) {
        break;
      }
      let frame;
      try {
        frame = JSON.parse(buffer.subarray(4, 4 + length).toString('utf8'));
      } catch (e) {
        conn.socket.destroy(new Error(`the bridge sent a frame that is not JSON: ${e.message}`));
        return;
      }
      buffer = buffer.subarray(4 + length);
      this.#handle(conn, frame);
      if (this.#conn !== conn) {
        return;
      }
    }
    conn.buffer = buffer.length === 0 ? EMPTY : buffer;
  }

  #handle(conn, frame) {
    if (frame === null || typeof frame !== 'object') {
      return;
    }
    if (frame.type === 'pong') {
      if (!conn.open) {
        this.#opened(conn);
      }
    } else if (frame.type === 'message') {
      const call = this.#pending.get(frame.address);
      if (call !== undefined) {
        this.#settle(call, null, frame.body);
      } else {
        this.#deliver(frame);
      }
    } else if (frame.type === 'err') {
      const error = TroupeError.fromFrame(frame);
      if (error.code === 'UNAUTHORIZED') {
        // The bridge closes the connection; the same credential would be refused again.
        conn.fatal = new TroupeError(error.code, error.message, { failureCode: error.failureCode, retryable: false });
      }
      const call = typeof frame.address === 'string' ? this.#pending.get(frame.address) : undefined;
      if (call !== undefined) {
        this.#attemptFailed(call, error);
      } else if (typeof frame.address === 'string' && this.#registrations.has(frame.address)) {
        const address = this.#registrations.get(frame.address);
        this.#report(
          new TroupeError(error.code, `subscribing to ${address}: ${error.message}`, {
            failureCode: error.failureCode,
            retryable: error.retryable,
            address,
          }),
        );
      } else if (frame.message !== BLOCKED && error.code !== 'UNAUTHORIZED') {
        this.#report(error);
      }
    }
  }

  #deliver(frame) {
    const sub = this.#subs.get(frame.address);
    if (sub === undefined) {
      return;
    }
    const message = { address: frame.address, headers: frame.headers ?? {} };
    for (const { handler } of [...sub]) {
      try {
        handler(frame.body, message);
      } catch (e) {
        if (this.listenerCount('error') > 0) {
          this.emit('error', e);
        } else {
          // As from any event listener: the subscriber's bug is not the connection's.
          process.nextTick(() => {
            throw e;
          });
        }
      }
    }
  }

  /** 'error' events inform; without a listener they are dropped, never thrown. */
  #report(error) {
    if (this.listenerCount('error') > 0) {
      this.emit('error', error);
    }
  }
}

function preconditionOf(options, allowMustNotExist) {
  const precondition = {};
  if (options.ifMatch !== undefined && options.ifMatch !== null) {
    precondition.ifMatch = options.ifMatch;
  }
  if (options.mustExist) {
    precondition.mustExist = true;
  }
  if (allowMustNotExist && options.mustNotExist) {
    precondition.mustNotExist = true;
  }
  return Object.keys(precondition).length === 0 ? null : precondition;
}

function withWriteOptions(body, options, allowMustNotExist) {
  const precondition = preconditionOf(options, allowMustNotExist);
  if (precondition) {
    body.precondition = precondition;
  }
  if (options.idempotencyKey != null) {
    body.idempotencyKey = options.idempotencyKey;
  }
  return body;
}

/** Exponential, capped, with equal jitter: between half and all of the capped delay. */
function backoff(attempt, { initialDelayMs, maxDelayMs }) {
  const capped = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(attempt - 1, 30));
  return Math.max(1, Math.round(capped / 2 + (Math.random() * capped) / 2));
}

function now() {
  return performance.now();
}

function checkOptions(options) {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('connect() needs an options object with at least a port');
  }
  const merged = { ...CONNECT_DEFAULTS, ...definedOnly(options) };
  if (!Number.isInteger(merged.port) || merged.port < 1 || merged.port > 65535) {
    throw new TypeError('port must be an integer from 1 to 65535');
  }
  if (merged.apiKey !== undefined && merged.token !== undefined) {
    throw new TypeError('give apiKey or token, not both');
  }
  if (merged.apiKey !== undefined && (typeof merged.apiKey !== 'string' || merged.apiKey.length === 0)) {
    throw new TypeError('apiKey must be a non-empty string');
  }
  if (merged.token !== undefined && typeof merged.token !== 'function' && (typeof merged.token !== 'string' || merged.token.length === 0)) {
    throw new TypeError('token must be a non-empty string or a function returning one');
  }
  for (const key of ['timeoutMs', 'connectTimeoutMs', 'pingIntervalMs', 'maxFrameBytes']) {
    if (!(Number.isFinite(merged[key]) && merged[key] > 0)) {
      throw new TypeError(`${key} must be a positive number`);
    }
  }
  for (const [name, value] of [
    ['reconnect', options.reconnect],
    ['retry', options.retry],
  ]) {
    if (value === undefined || value === false) {
      continue;
    }
    if (value === null || typeof value !== 'object') {
      throw new TypeError(`${name} must be an object${name === 'reconnect' ? ' or false' : ''}`);
    }
    for (const [key, number] of Object.entries(definedOnly(value))) {
      const least = key === 'maxAttempts' && name === 'reconnect' ? 0 : 1;
      if (!(typeof number === 'number' && number >= least)) {
        throw new TypeError(`${name}.${key} must be a number of at least ${least}`);
      }
    }
  }
  return merged;
}

function definedOnly(object) {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}
