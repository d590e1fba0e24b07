// troupe-client against a real Troupe node; run by testkit's NodeClientPackageTest, which starts the
// node, reads the JSON lines this prints, and restarts the node when asked ({"step":"restart-me"}).
//
//   TROUPE_BRIDGE_PORT=<port> TROUPE_API_KEY=<key with docs:read docs:write> node it/real-node.js
//
// Steps: a put and a get; typed errors (NOT_FOUND, PRECONDITION_FAILED, a job that does not exist);
// a change event of a put; then, after the node restarted on the same bridge port, the client is
// connected again by itself, a get succeeds and the same subscription sees a new put's event; a feed
// resumed from the event before the restart (since) replays the one after it from the log. Exit 0
// when all passed, 1 with {"step":"failed","why":...} otherwise (never later than IT_TIMEOUT_MS).
import { connect, TroupeError } from 'troupe-client';

const port = Number(process.env.TROUPE_BRIDGE_PORT);
const apiKey = process.env.TROUPE_API_KEY;
const collection = process.env.IT_COLLECTION || 'nodepkg';
const budgetMs = Number(process.env.IT_TIMEOUT_MS || 150_000);

function say(step, details = {}) {
  process.stdout.write(JSON.stringify({ step, ...details }) + '\n');
}

function check(condition, why) {
  if (!condition) {
    throw new Error(why);
  }
}

const giveUp = setTimeout(() => {
  say('failed', { why: `not done within ${budgetMs} ms` });
  process.exit(1);
}, budgetMs);

const troupe = connect({
  port,
  apiKey,
  timeoutMs: 10_000,
  reconnect: { initialDelayMs: 100, maxDelayMs: 1_000 },
  pingIntervalMs: 5_000,
});
const lifecycle = [];
for (const name of ['connected', 'disconnected', 'reconnecting', 'closed']) {
  troupe.on(name, () => lifecycle.push(name));
}
troupe.on('error', (error) => say('error-event', { code: error.code, message: error.message }));

/** The next event about `id` of at least `version`, or null after `ms`. */
const events = [];
let wake = () => {};
troupe.onChange(
  (event) => {
    events.push(event);
    wake();
  },
  { collection },
);

function eventOf(id, version, ms) {
  return new Promise((resolve) => {
    const look = () => events.find((e) => e.id === id && e.version >= version);
    const timer = setTimeout(() => {
      wake = () => {};
      resolve(look() ?? null);
    }, ms);
    wake = () => {
      const found = look();
      if (found) {
        clearTimeout(timer);
        wake = () => {};
        resolve(found);
      }
    };
    wake();
  });
}

/**
 * Puts `id` until its change event arrives: a subscription reaches the cluster asynchronously, so
 * an event of a put made before it did is not delivered (at most 40 puts, half a second apart).
 */
async function putUntilEvent(id, label) {
  for (let round = 0; round < 40; round++) {
    const put = await troupe.put(collection, id, { label, round }, { idempotencyKey: `${label}-${id}-${round}` });
    const event = await eventOf(id, put.document.version, 500);
    if (event) {
      check(event.op === 'put' && event.collection === collection, `event ${JSON.stringify(event)}`);
      return event;
    }
  }
  throw new Error(`no change event of ${collection}/${id} after 40 puts (${label})`);
}

async function failure(promise) {
  try {
    await promise;
  } catch (e) {
    check(e instanceof TroupeError, `not a TroupeError: ${e}`);
    return { code: e.code, failureCode: e.failureCode, retryable: e.retryable };
  }
  throw new Error('expected a failure');
}

async function run() {
  const put = await troupe.put(collection, 'dune', { title: 'Dune' }, { idempotencyKey: `dune-${Date.now()}` });
  const read = await troupe.get(collection, 'dune');
  check(read.document.data.title === 'Dune', `read ${JSON.stringify(read)}`);
  check(read.document.version === put.document.version, 'the read is the version written');
  say('put-get', { version: read.document.version, cache: read.cache });

  const missing = await failure(troupe.get(collection, 'no-such-document'));
  const stale = await failure(troupe.put(collection, 'dune', { title: 'x' }, { ifMatch: put.document.version + 100 }));
  const job = await failure(troupe.job('0'.repeat(32)));
  check(missing.code === 'NOT_FOUND' && missing.failureCode === 4040 && !missing.retryable, JSON.stringify(missing));
  check(stale.code === 'PRECONDITION_FAILED' && stale.failureCode === 4120, JSON.stringify(stale));
  check(job.code === 'NOT_FOUND', `job ${JSON.stringify(job)}`);
  say('errors', { missing, stale, job });

  const before = await putUntilEvent('before', 'before-restart');
  say('event', { id: before.id, version: before.version });

  const disconnected = new Promise((resolve) => troupe.once('disconnected', resolve));
  say('restart-me');
  await disconnected;
  say('disconnected');
  await new Promise((resolve) => {
    const onConnected = ({ reconnected }) => {
      if (reconnected) {
        troupe.off('connected', onConnected);
        resolve();
      }
    };
    troupe.on('connected', onConnected);
  });
  say('reconnected', { lifecycle });

  const again = await troupe.get(collection, 'dune');
  check(again.document.data.title === 'Dune', `read after restart ${JSON.stringify(again)}`);
  const after = await putUntilEvent('after', 'after-restart');
  say('event-after-restart', { id: after.id, version: after.version });

  // Resumed from the position of the event before the restart: the log has what came after it.
  const resumed = [];
  const stop = await troupe.onChange((event) => resumed.push(event), { since: before.seq, collection });
  stop();
  const seqs = resumed.map((e) => e.seq);
  check(seqs.every((seq, i) => seq > before.seq && (i === 0 || seq > seqs[i - 1])), `seqs ${seqs}`);
  check(resumed.some((e) => e.id === 'after' && e.version === after.version), `resumed ${JSON.stringify(resumed)}`);
  say('resumed', { ids: resumed.map((e) => e.id), from: before.seq });
}

run().then(
  async () => {
    clearTimeout(giveUp);
    say('done', { lifecycle });
    await troupe.close();
    process.exit(0);
  },
  (e) => {
    say('failed', { why: e instanceof TroupeError ? `${e.code} ${e.message}` : String(e.stack ?? e) });
    process.exit(1);
  },
);
