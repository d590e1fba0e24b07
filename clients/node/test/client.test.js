// Unit tests of troupe-client against BridgeDouble, a test double of the bridge's protocol layer.
import { test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import {
  connect,
  TroupeClient,
  TroupeError,
  ErrorCodes,
  DOC_EVENTS_ADDRESS,
  JOBS_ADDRESS,
  REQUEST_ADDRESS,
} from '../index.js';
import { BridgeDouble, encode } from './bridge-double.js';

// Every test waits on events, never on fixed sleeps: one that waits in vain fails after this.
const TEST_TIMEOUT_MS = 10_000;
const test = (name, fn) => nodeTest(name, { timeout: TEST_TIMEOUT_MS }, fn);

const KEY = 's3cret';
const FAST_RECONNECT = { initialDelayMs: 5, maxDelayMs: 20 };
const DOC = {
  collection: 'books',
  id: 'dune',
  version: 1,
  updatedAt: '2026-01-31T12:00:00Z',
  data: { title: 'Dune' },
};

async function setup(t, { bridge: bridgeOptions = {}, client: clientOptions = {} } = {}) {
  const bridge = new BridgeDouble({ credential: `ApiKey ${KEY}`, ...bridgeOptions });
  const port = await bridge.listen();
  const client = connect({ port, apiKey: KEY, timeoutMs: 5_000, reconnect: FAST_RECONNECT, ...clientOptions });
  t.after(async () => {
    await client.close();
    await bridge.stop();
  });
  return { bridge, client };
}

/** Resolves once the client is connected. */
async function connected(client) {
  if (client.state !== 'connected') {
    await once(client, 'connected');
  }
}

const sends = (bridge) => bridge.frames.filter((f) => f.type === 'send');

/** Resolves with the error an operation rejects with (fails the test if it resolves). */
async function rejection(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  assert.fail('expected the call to fail');
}

test('a get is one send frame with the action header, a deadline and the credential; its reply resolves it', async (t) => {
  const { bridge, client } = await setup(t, {
    bridge: { answer: (frame, reply) => reply.ok({ document: DOC, cache: 'MISS' }) },
  });
  const read = await client.get('books', 'dune', { timeoutMs: 3_000 });
  assert.deepEqual(read, { document: DOC, cache: 'MISS' });
  const [frame] = sends(bridge);
  assert.equal(frame.address, REQUEST_ADDRESS);
  assert.equal(frame.headers.action, 'get');
  assert.equal(frame.headers.authorization, `ApiKey ${KEY}`);
  assert.ok(frame.headers.timeout > 0 && frame.headers.timeout <= 3_000, `timeout header ${frame.headers.timeout}`);
  assert.deepEqual(frame.body, { collection: 'books', id: 'dune' });
  assert.equal(typeof frame.replyAddress, 'string');
  assert.equal(client.state, 'connected');
});

test('writes, pages and batches send the bodies of the bus contract', async (t) => {
  const { bridge, client } = await setup(t, {
    bridge: { answer: (frame, reply) => reply.ok({ action: frame.headers.action }) },
  });
  await client.put('books', 'dune', { title: 'Dune' }, { ifMatch: 2, idempotencyKey: 'order-1' });
  await client.put('books', 'new', { title: 'New' }, { mustNotExist: true });
  await client.delete('books', 'dune', { mustExist: true });
  await client.list('books', { limit: 10, after: 'a' });
  await client.getMany('books', ['a', 'b'], { partial: true });
  await client.putMany('books', [{ id: 'a', data: { n: 1 }, ifMatch: 3 }, { id: 'b', data: { n: 2 } }], {
    idempotencyKey: 'batch-1',
  });
  await client.job('0123456789abcdef0123456789abcdef');
  await client.ping();
  await client.request('troupe.chat.v1', 'user', { user: 'ann' });
  const bodies = sends(bridge).map((f) => [f.address, f.headers.action, f.body]);
  assert.deepEqual(bodies, [
    [
      REQUEST_ADDRESS,
      'put',
      { collection: 'books', id: 'dune', data: { title: 'Dune' }, precondition: { ifMatch: 2 }, idempotencyKey: 'order-1' },
    ],
    [REQUEST_ADDRESS, 'put', { collection: 'books', id: 'new', data: { title: 'New' }, precondition: { mustNotExist: true } }],
    [REQUEST_ADDRESS, 'delete', { collection: 'books', id: 'dune', precondition: { mustExist: true } }],
    [REQUEST_ADDRESS, 'list', { collection: 'books', limit: 10, after: 'a' }],
    [REQUEST_ADDRESS, 'getMany', { collection: 'books', ids: ['a', 'b'], partial: true }],
    [
      REQUEST_ADDRESS,
      'putMany',
      {
        collection: 'books',
        items: [
          { id: 'a', data: { n: 1 }, precondition: { ifMatch: 3 } },
          { id: 'b', data: { n: 2 } },
        ],
        idempotencyKey: 'batch-1',
      },
    ],
    [JOBS_ADDRESS, 'get', { id: '0123456789abcdef0123456789abcdef' }],
    [REQUEST_ADDRESS, 'ping', {}],
    ['troupe.chat.v1', 'user', { user: 'ann' }],
  ]);
  assert.deepEqual(
    sends(bridge).map((f) => f.headers.authorization !== undefined),
    [true, false, false, false, false, false, false, false, false],
    'only the first frame of the connection carries the credential',
  );
});

test('frames split across reads and several frames in one read are parsed', async (t) => {
  const { client } = await setup(t, {
    bridge: {
      answer: (frame, reply) => {
        const bytes = encode({ type: 'message', address: frame.replyAddress, body: { id: frame.body.id, text: 'é'.repeat(5_000) } });
        if (frame.body.id === 'split') {
          // A byte at a time for the length, then the rest in two pieces, each on its own turn.
          const pieces = [bytes.subarray(0, 1), bytes.subarray(1, 2), bytes.subarray(2, 4), bytes.subarray(4, 900), bytes.subarray(900)];
          const next = () => {
            const piece = pieces.shift();
            if (piece) {
              reply.raw(piece);
              setImmediate(next);
            }
          };
          next();
        } else {
          reply.raw(Buffer.concat([bytes, encode({ type: 'message', address: 'nobody', body: {} })]));
        }
      },
    },
  });
  const [split, whole] = await Promise.all([client.get('c', 'split'), client.get('c', 'whole')]);
  assert.equal(split.id, 'split');
  assert.equal(split.text, 'é'.repeat(5_000));
  assert.equal(whole.id, 'whole');
});

test('err frames become TroupeErrors with the ErrorCode name, number and retryability', async (t) => {
  const answers = {
    missing: [4040, 'books/missing not found'],
    stale: [4120, 'version 3 is not 2'],
    newer: [4999, 'a code from a newer server'],
    slow: [-1, 'Timed out after waiting 10(ms) for a reply', 'TIMEOUT'],
    nobody: [-1, 'No handlers for address troupe.request.v1', 'NO_HANDLERS'],
    shed: [5031, 'request-service is at its limit'],
  };
  const { client } = await setup(t, {
    bridge: { answer: (frame, reply) => reply.fail(...answers[frame.body.id]) },
  });
  const expected = {
    missing: ['NOT_FOUND', 4040, false],
    stale: ['PRECONDITION_FAILED', 4120, false],
    newer: ['INTERNAL', 4999, false],
    slow: ['TIMEOUT', 5040, true],
    nobody: ['UNAVAILABLE', 5030, true],
    shed: ['OVERLOADED', 5031, true],
  };
  for (const [id, [code, failureCode, retryable]] of Object.entries(expected)) {
    // A write without an idempotency key is never retried: one answer, as sent.
    const error = await rejection(client.put('books', id, {}));
    assert.ok(error instanceof TroupeError, `${id}: ${error}`);
    assert.equal(error.name, 'TroupeError');
    assert.deepEqual([error.code, error.failureCode, error.retryable], [code, failureCode, retryable], id);
    assert.equal(error.message, answers[id][1]);
  }
});

test('err frames of the bridge itself map to ErrorCodes', () => {
  const denied = TroupeError.fromFrame({ type: 'err', message: 'access_denied' });
  assert.deepEqual([denied.code, denied.failureCode, denied.retryable], ['FORBIDDEN', 4030, false]);
  const unknown = TroupeError.fromFrame({ type: 'err', message: 'unknown_address' });
  assert.equal(unknown.code, 'BAD_REQUEST');
  const odd = TroupeError.fromFrame({ type: 'err' });
  assert.deepEqual([odd.code, odd.failureCode], ['INTERNAL', 5000]);
  assert.equal(ErrorCodes.OVERLOADED, 5031);
  assert.ok(Object.isFrozen(ErrorCodes));
});

test('a call nobody answers fails with TIMEOUT at its deadline, and the bridge is told the same deadline', async (t) => {
  const { bridge, client } = await setup(t, { bridge: { answer: () => {} } });
  await connected(client);
  const started = performance.now();
  const error = await rejection(client.get('books', 'dune', { timeoutMs: 150 }));
  const took = performance.now() - started;
  assert.equal(error.code, 'TIMEOUT');
  assert.equal(error.failureCode, 5040);
  assert.ok(took >= 145 && took < 1_000, `took ${took} ms`);
  const gets = sends(bridge).filter((f) => f.headers.action === 'get');
  assert.equal(gets.length, 1, 'no time was left for another attempt');
  assert.ok(gets[0].headers.timeout <= 150);
});

test('reads are retried after a transient fault within the deadline; writes only with an idempotency key', async (t) => {
  const failures = new Map();
  const { bridge, client } = await setup(t, {
    bridge: {
      answer: (frame, reply) => {
        const key = `${frame.headers.action}/${frame.body.id}`;
        const left = failures.get(key) ?? 0;
        if (left > 0) {
          failures.set(key, left - 1);
          reply.fail(5030, 'db-service is not reachable');
        } else {
          reply.ok({ attempt: key });
        }
      },
    },
  });
  failures.set('get/a', 2);
  assert.deepEqual(await client.get('books', 'a'), { attempt: 'get/a' });
  assert.equal(sends(bridge).filter((f) => f.body.id === 'a').length, 3);

  failures.set('put/b', 1);
  const error = await rejection(client.put('books', 'b', { n: 1 }));
  assert.equal(error.code, 'UNAVAILABLE');
  assert.equal(error.retryable, true);
  assert.equal(sends(bridge).filter((f) => f.body.id === 'b').length, 1, 'a write without a key is sent once');

  failures.set('put/c', 1);
  await client.put('books', 'c', { n: 1 }, { idempotencyKey: 'key-c' });
  const puts = sends(bridge).filter((f) => f.body.id === 'c');
  assert.equal(puts.length, 2);
  assert.ok(puts.every((f) => f.body.idempotencyKey === 'key-c'));
});

test('an answer about the request (4040) is final: no retry', async (t) => {
  const { bridge, client } = await setup(t, {
    bridge: { answer: (frame, reply) => reply.fail(4040, 'not found') },
  });
  const error = await rejection(client.get('books', 'gone'));
  assert.equal(error.code, 'NOT_FOUND');
  assert.equal(sends(bridge).length, 1);
});

test('retries stop in time for the deadline', async (t) => {
  const { bridge, client } = await setup(t, {
    bridge: { answer: (frame, reply) => reply.fail(5031, 'shed') },
    client: { retry: { maxAttempts: 1_000, initialDelayMs: 20, maxDelayMs: 40 } },
  });
  await connected(client);
  const started = performance.now();
  const error = await rejection(client.get('books', 'x', { timeoutMs: 300 }));
  const took = performance.now() - started;
  assert.ok(['OVERLOADED', 'TIMEOUT'].includes(error.code), error.code);
  assert.ok(took < 600, `took ${took} ms`);
  assert.ok(sends(bridge).filter((f) => f.body.id === 'x').length >= 3);
});

test('after the bridge drops the connection the client reconnects, sends the credential again and re-subscribes', async (t) => {
  const { bridge, client } = await setup(t);
  const events = [];
  client.onChange((event) => events.push(event), { collection: 'books' });
  await bridge.frame((f) => f.type === 'register' && f.connection === 1);
  const order = [];
  for (const name of ['disconnected', 'reconnecting', 'connected']) {
    client.on(name, (info) => order.push([name, name === 'connected' ? info.reconnected : undefined]));
  }
  const reconnected = once(client, 'connected');
  bridge.drop();
  assert.deepEqual(await reconnected, [{ reconnected: true }]);
  assert.deepEqual(order.map(([name]) => name), ['disconnected', 'reconnecting', 'connected']);
  const register = await bridge.frame((f) => f.type === 'register' && f.connection === 2);
  assert.equal(register.address, DOC_EVENTS_ADDRESS);
  assert.equal(register.headers.authorization, `ApiKey ${KEY}`, 'the new connection starts with the credential');
  assert.equal(bridge.publish(DOC_EVENTS_ADDRESS, { collection: 'songs', id: 'x', op: 'put', version: 1 }), 1);
  assert.equal(bridge.publish(DOC_EVENTS_ADDRESS, { collection: 'books', id: 'dune', op: 'put', version: 2 }), 1);
  await client.ping(); // a round trip: the events, sent before its answer, have arrived
  assert.deepEqual(events, [{ collection: 'books', id: 'dune', op: 'put', version: 2 }]);
});

test('calls in flight when the connection drops: reads are sent again, a write without a key fails UNAVAILABLE', async (t) => {
  let hold = true;
  const { bridge, client } = await setup(t, {
    bridge: {
      answer: (frame, reply) => {
        if (!hold) {
          reply.ok({ id: frame.body.id, connection: frame.connection });
        }
      },
    },
  });
  const read = client.get('books', 'r');
  const write = client.put('books', 'w', {});
  await bridge.frame((f) => f.type === 'send' && f.body.id === 'w');
  hold = false;
  bridge.drop();
  const error = await rejection(write);
  assert.equal(error.code, 'UNAVAILABLE');
  assert.equal(error.failureCode, 5030);
  assert.equal(error.retryable, true);
  assert.match(error.message, /may or may not have been applied/);
  assert.deepEqual(await read, { id: 'r', connection: 2 });
});

test('calls made while the bridge is down wait for the reconnect, which backs off until the bridge listens again', async (t) => {
  const { bridge, client } = await setup(t, {
    bridge: { answer: (frame, reply) => reply.ok({ id: frame.body.id }) },
  });
  await client.ping();
  const port = bridge.port;
  const attempts = [];
  client.on('reconnecting', (info) => attempts.push(info));
  const disconnected = once(client, 'disconnected');
  await bridge.stop();
  await disconnected;
  const waiting = client.get('books', 'later');
  while (attempts.length < 3) {
    await once(client, 'reconnecting');
  }
  assert.deepEqual(
    attempts.slice(0, 3).map((a) => a.attempt),
    [1, 2, 3],
  );
  assert.ok(attempts.every((a) => a.delayMs >= 1 && a.delayMs <= FAST_RECONNECT.maxDelayMs));
  assert.equal(attempts[1].error?.code, 'ECONNREFUSED');
  assert.equal(client.state, 'disconnected');
  await bridge.listen(port);
  assert.deepEqual(await waiting, { id: 'later' });
});

test('the client gives up after reconnect.maxAttempts and fails what waits, not retryable', async (t) => {
  const { bridge, client } = await setup(t, { client: { reconnect: { ...FAST_RECONNECT, maxAttempts: 2 } } });
  await client.ping();
  const closed = once(client, 'closed');
  await bridge.stop();
  const waiting = rejection(client.get('books', 'never'));
  const [why] = await closed;
  assert.equal(why.code, 'UNAVAILABLE');
  assert.match(why.message, /gave up reconnecting .* after 2 attempts/);
  const error = await waiting;
  assert.equal(error.code, 'UNAVAILABLE');
  assert.equal(error.retryable, false);
  assert.equal(client.state, 'closed');
  assert.equal((await rejection(client.get('books', 'after'))).retryable, false);
});

test('a refused credential fails the calls with UNAUTHORIZED and closes the client without reconnecting', async (t) => {
  const { bridge, client } = await setup(t, { client: { apiKey: 'wrong' } });
  const closed = once(client, 'closed');
  const errors = [];
  client.on('error', (e) => errors.push(e));
  const error = await rejection(client.get('books', 'dune'));
  assert.deepEqual([error.code, error.failureCode, error.retryable], ['UNAUTHORIZED', 4010, false]);
  const [why] = await closed;
  assert.equal(why.code, 'UNAUTHORIZED');
  assert.equal(client.state, 'closed');
  assert.equal(bridge.connections, 1);
  assert.equal((await rejection(client.ping())).code, 'UNAUTHORIZED');
  assert.deepEqual(errors, [], "the failure is the calls' and closed's, not an error event");
});

test('close() fails the calls in flight, ends the socket and stops reconnecting', async (t) => {
  const { bridge, client } = await setup(t, { bridge: { answer: () => {} } });
  const closedEvent = once(client, 'closed');
  const inFlight = rejection(client.get('books', 'dune'));
  await bridge.frame((f) => f.type === 'send');
  const socketClosed = once([...bridge.sockets][0], 'close');
  await client.close();
  await socketClosed;
  assert.deepEqual(await closedEvent, [null]);
  const error = await inFlight;
  assert.deepEqual([error.code, error.retryable], ['UNAVAILABLE', false]);
  assert.equal(client.state, 'closed');
  assert.equal(bridge.connections, 1);
  assert.throws(() => client.subscribe('a', () => {}), TroupeError);
  await client.close(); // twice is fine
});

test('pings keep the connection alive; a bridge that stops answering is left for a new connection', async (t) => {
  const { bridge, client } = await setup(t, { client: { pingIntervalMs: 20 } });
  await client.ping();
  await bridge.frame(() => bridge.frames.filter((f) => f.type === 'ping').length >= 3);
  bridge.answerPings = false;
  const [error] = await once(client, 'disconnected');
  assert.match(error.message, /no frame from the bridge/);
  bridge.answerPings = true;
  assert.deepEqual(await once(client, 'connected'), [{ reconnected: true }]);
});

test('a frame larger than maxFrameBytes fails at once with PAYLOAD_TOO_LARGE and the connection stays', async (t) => {
  const { bridge, client } = await setup(t, {
    bridge: { answer: (frame, reply) => reply.ok({}) },
    client: { maxFrameBytes: 300 },
  });
  const error = await rejection(client.put('books', 'big', { text: 'x'.repeat(400) }, { idempotencyKey: 'k' }));
  assert.deepEqual([error.code, error.failureCode, error.retryable], ['PAYLOAD_TOO_LARGE', 4130, false]);
  assert.equal(sends(bridge).length, 0);
  await client.get('books', 'small');
  assert.equal(bridge.connections, 1);
  assert.equal(sends(bridge)[0].headers.authorization, `ApiKey ${KEY}`, 'the refused frame did not use up the credential');
});

test('a refused subscription is reported on error with its address; the bridge follow-up err is not', async (t) => {
  const { bridge, client } = await setup(t);
  bridge.refuseRegister = (frame) =>
    frame.address === 'secret' ? { failureCode: 4030, message: "'dash' lacks the scope docs:read" } : null;
  const errors = [];
  client.on('error', (e) => errors.push(e));
  client.subscribe('secret', () => {});
  await bridge.frame((f) => f.type === 'register');
  await client.ping();
  assert.equal(errors.length, 1);
  assert.deepEqual([errors[0].code, errors[0].failureCode, errors[0].address], ['FORBIDDEN', 4030, 'secret']);
});

test('one register per address however many handlers; unregister when the last one goes', async (t) => {
  const { bridge, client } = await setup(t);
  const seen = [];
  const first = client.subscribe('news', (body) => seen.push(['first', body.n]));
  const second = client.subscribe('news', (body, message) => seen.push(['second', body.n, message.address]));
  await client.ping();
  assert.equal(bridge.frames.filter((f) => f.type === 'register').length, 1);
  bridge.publish('news', { n: 1 });
  await client.ping();
  first();
  first();
  bridge.publish('news', { n: 2 });
  await client.ping();
  second();
  await bridge.frame((f) => f.type === 'unregister' && f.address === 'news');
  assert.equal(bridge.publish('news', { n: 3 }), 0);
  assert.deepEqual(seen, [
    ['first', 1],
    ['second', 1, 'news'],
    ['second', 2, 'news'],
  ]);
});

test('a subscriber that throws is reported on error; the others still get the message', async (t) => {
  const { bridge, client } = await setup(t);
  const errors = [];
  client.on('error', (e) => errors.push(e));
  const seen = [];
  client.subscribe('news', () => {
    throw new Error('subscriber bug');
  });
  client.subscribe('news', (body) => seen.push(body));
  await client.ping();
  bridge.publish('news', { n: 1 });
  await client.ping();
  assert.deepEqual(seen, [{ n: 1 }]);
  assert.equal(errors[0].message, 'subscriber bug');
});

test('a token function is asked again for every connection', async (t) => {
  let asked = 0;
  const { bridge, client } = await setup(t, {
    bridge: { credential: undefined, answer: (frame, reply) => reply.ok({}) },
    client: { apiKey: undefined, token: async () => `jwt-${++asked}` },
  });
  await client.ping();
  const reconnected = once(client, 'connected');
  bridge.drop();
  await reconnected;
  await client.ping();
  assert.deepEqual(
    sends(bridge).map((f) => f.headers.authorization),
    ['Bearer jwt-1', 'Bearer jwt-2'],
  );
});

test('options are checked when the client is made', () => {
  assert.throws(() => connect({}), /port/);
  assert.throws(() => connect({ port: 1, apiKey: 'a', token: 'b' }), /not both/);
  assert.throws(() => connect({ port: 1, timeoutMs: 0 }), /timeoutMs/);
  assert.throws(() => connect({ port: 1, reconnect: { initialDelayMs: 0 } }), /reconnect.initialDelayMs/);
  assert.ok(TroupeClient.prototype instanceof Object);
});
