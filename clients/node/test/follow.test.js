// Unit tests of onChange from a position (since) against BridgeDouble answering request-service's
// read-only `changes` from a scripted change log.
import { test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, TroupeError, ErrorCodes, DOC_EVENTS_ADDRESS, REQUEST_ADDRESS } from '../index.js';
import { BridgeDouble } from './bridge-double.js';
import { ChangeFollower } from '../follower.js';

const TEST_TIMEOUT_MS = 10_000;
const test = (name, fn) => nodeTest(name, { timeout: TEST_TIMEOUT_MS }, fn);
const KEY = 's3cret';

/** A change log as request-service's `changes` reads it: two rows a page. */
class Log {
  rows = [];
  earliest = 1;
  reads = 0;
  onRead = () => {};

  upTo(head, collection = 'books') {
    for (let seq = this.rows.length + 1; seq <= head; seq++) {
      this.rows.push({ seq, collection, id: `d${seq}`, version: 1, op: 'put', at: '2026-01-01T00:00:00Z' });
    }
    return this;
  }

  answer(frame, reply) {
    if (frame.address !== REQUEST_ADDRESS || frame.headers.action !== 'changes') {
      reply.ok({});
      return;
    }
    this.onRead(++this.reads);
    const items = this.rows.filter((r) => r.seq > frame.body.since && r.seq >= this.earliest).slice(0, 2);
    reply.ok({
      items,
      next: items.length ? items[items.length - 1].seq : frame.body.since,
      earliest: this.earliest,
      head: this.rows.length,
    });
  }
}

async function setup(t, log) {
  const bridge = new BridgeDouble({ credential: `ApiKey ${KEY}`, answer: (f, r) => log.answer(f, r) });
  const port = await bridge.listen();
  const client = connect({ port, apiKey: KEY, timeoutMs: 5_000, reconnect: { initialDelayMs: 5, maxDelayMs: 20 } });
  t.after(async () => {
    await client.close();
    await bridge.stop();
  });
  return { bridge, client };
}

const event = (seq, collection = 'books') => ({ op: 'put', collection, id: `d${seq}`, version: 1, seq });

/** Resolves once `got` holds `n` events. */
function until(got, n) {
  return new Promise((resolve) => {
    const check = () => (got.length >= n ? resolve() : setImmediate(check));
    check();
  });
}

test('from a position: the log after it, then live events, a gap filled from the log, nothing twice', async (t) => {
  const log = new Log().upTo(3);
  const { bridge, client } = await setup(t, log);
  const got = [];
  const stop = await client.onChange((e) => got.push(e), { since: 1 });
  assert.deepEqual(got.map((e) => e.seq), [2, 3]);
  assert.deepEqual(got[0], event(2));
  const changes = bridge.frames.filter((f) => f.type === 'send' && f.headers.action === 'changes');
  assert.deepEqual(changes[0].body, { since: 1, limit: 1000 });
  assert.equal(changes[0].address, REQUEST_ADDRESS);
  // Live: 3 again (dropped), then 5 whose 4 never came on the bus: read from the log.
  log.upTo(5);
  bridge.publish(DOC_EVENTS_ADDRESS, event(3));
  bridge.publish(DOC_EVENTS_ADDRESS, event(5));
  await until(got, 4);
  log.upTo(6);
  bridge.publish(DOC_EVENTS_ADDRESS, event(6));
  await until(got, 5);
  assert.deepEqual(got.map((e) => e.seq), [2, 3, 4, 5, 6]);
  stop();
  bridge.publish(DOC_EVENTS_ADDRESS, event(7));
  await client.ping();
  assert.equal(got.length, 5);
  assert.ok(bridge.frames.some((f) => f.type === 'unregister' && f.address === DOC_EVENTS_ADDRESS));
});

test('after a reconnect, what was committed meanwhile is read from the log', async (t) => {
  const log = new Log().upTo(2);
  const { bridge, client } = await setup(t, log);
  const got = [];
  await client.onChange((e) => got.push(e), { since: 0 });
  assert.deepEqual(got.map((e) => e.seq), [1, 2]);
  const reconnected = once(client, 'connected');
  bridge.drop();
  log.upTo(4); // committed while the client was away: never published to it
  await reconnected;
  await until(got, 4);
  assert.deepEqual(got.map((e) => e.seq), [1, 2, 3, 4]);
});

test('one collection only: the others are skipped, the position still moves over them', async (t) => {
  const log = new Log().upTo(2, 'books').upTo(3, 'films');
  const { bridge, client } = await setup(t, log);
  const got = [];
  await client.onChange((e) => got.push(e), { since: 0, collection: 'books' });
  log.upTo(4, 'books');
  bridge.publish(DOC_EVENTS_ADDRESS, event(4, 'books'));
  await until(got, 3);
  assert.deepEqual(got.map((e) => [e.collection, e.seq]), [['books', 1], ['books', 2], ['books', 4]]);
});

test('a position retention removed rejects GONE naming the earliest; past the head BAD_REQUEST', async (t) => {
  const log = new Log().upTo(9);
  log.earliest = 5;
  const { bridge, client } = await setup(t, log);
  const got = [];
  const gone = await client.onChange((e) => got.push(e), { since: 2 }).then(
    () => assert.fail('resolved'),
    (e) => e,
  );
  assert.ok(gone instanceof TroupeError);
  assert.deepEqual([gone.code, gone.failureCode, gone.retryable, gone.earliest, gone.since], ['GONE', ErrorCodes.GONE, false, 5, 2]);
  assert.match(gone.message, /earliest it holds is 5/);
  const past = await client.onChange(() => {}, { since: 10 }).then(
    () => assert.fail('resolved'),
    (e) => e,
  );
  assert.equal(past.code, 'BAD_REQUEST');
  assert.deepEqual(got, []);
  // Neither left a subscription behind.
  await client.ping();
  const registers = bridge.frames.filter((f) => f.type === 'register').length;
  const unregisters = bridge.frames.filter((f) => f.type === 'unregister').length;
  assert.equal(registers, unregisters);
  // Right at the log's start is fine.
  const stop = await client.onChange((e) => got.push(e), { since: 4 });
  assert.deepEqual(got.map((e) => e.seq), [5, 6, 7, 8, 9]);
  stop();
});

test('since is checked: a negative or fractional position is a TypeError, and nothing is sent', async (t) => {
  const log = new Log();
  const { bridge, client } = await setup(t, log);
  assert.throws(() => client.onChange(() => {}, { since: -1 }), TypeError);
  assert.throws(() => client.onChange(() => {}, { since: 1.5 }), TypeError);
  assert.throws(() => client.onChange(() => {}, { since: 0, onEnd: 'x' }), TypeError);
  await client.ping();
  assert.equal(bridge.frames.filter((f) => f.type === 'register').length, 0);
});

/** A follower over an in-memory log of `head` rows; `fail` makes reads reject. */
function followerOver(rows) {
  const state = { rows, fail: false, reads: [] };
  const page = async (since) => {
    state.reads.push(since);
    if (state.fail) {
      throw new Error('db down');
    }
    const items = state.rows.filter((r) => r.seq > since).slice(0, 2);
    return { items, next: items.length ? items[items.length - 1].seq : since, earliest: 1, head: state.rows.length };
  };
  const got = [];
  const broken = [];
  const follower = new ChangeFollower(page, (e) => got.push(e.seq), (e) => broken.push(e));
  return { state, got, broken, follower };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));
const row = (seq) => ({ seq, collection: 'books', id: `d${seq}`, version: 1, op: 'put' });

test('a change whose event never came, with none after it, is read from the log at the next quiet tick', async () => {
  const { state, got, follower } = followerOver([row(1)]);
  await follower.start(1, () => null);
  state.rows.push(row(2)); // committed, its event lost
  follower.tick(); // notes where the follower stands
  await settled();
  assert.deepEqual(got, []);
  follower.tick(); // a whole tick heard nothing
  await until(got, 1);
  assert.deepEqual(got, [2]);
});

test('ticks read nothing while events flow, back off while the log is quiet, and survive a failed read', async () => {
  const { state, got, broken, follower } = followerOver([row(1)]);
  await follower.start(1, () => null);
  state.reads.length = 0;
  for (let seq = 2; seq <= 3; seq++) {
    state.rows.push(row(seq));
    follower.arrived(event(seq));
    follower.tick();
  }
  assert.deepEqual(state.reads, []);
  const readAt = [];
  for (let tick = 1; tick <= 20; tick++) {
    const before = state.reads.length;
    follower.tick();
    await settled();
    await settled();
    if (state.reads.length > before) {
      readAt.push(tick);
    }
  }
  assert.deepEqual(readAt, [1, 3, 7, 15]);
  state.fail = true;
  state.rows.push(row(4));
  for (let tick = 0; tick < 16; tick++) {
    follower.tick();
    await settled();
  }
  assert.deepEqual(broken, []);
  state.fail = false;
  for (let tick = 0; tick < 40 && got.length < 3; tick++) {
    follower.tick();
    await settled();
    await settled();
  }
  assert.deepEqual(got, [2, 3, 4]);
  assert.deepEqual(broken, []);
});
