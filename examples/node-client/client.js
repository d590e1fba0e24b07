#!/usr/bin/env node
// A service outside the JVM calling Troupe over the TCP event-bus bridge (TROUPE_BRIDGE_PORT), with
// the troupe-client package (clients/node; `npm ci` here links it).
//
//   TROUPE_BRIDGE_PORT=7000 TROUPE_API_KEY=... node client.js <collection> <id>
//
// It subscribes to document change events, reads <collection>/<id>, and prints one JSON line per
// thing it sees:
//   {"kind":"reply","body":{...}}   the read (a ReadResult: {"document":{...},"cache":"MISS"})
//   {"kind":"event","body":{...}}   a change event of <collection>
//   {"kind":"error","error":{...}}  a failure: {"code":"NOT_FOUND","failureCode":4040,"retryable":false,...}
// It exits 0 after the first event about <collection>/<id>, 1 on a failure, 2 when it waited too long.
// The client reconnects by itself if the bridge's node restarts, and subscribes again.
import { connect } from 'troupe-client';

const port = Number(process.env.TROUPE_BRIDGE_PORT);
const [collection, id] = process.argv.slice(2);
const waitMs = Number(process.env.CLIENT_TIMEOUT_MS || 60000);

if (!port || !collection || !id) {
  console.error('usage: TROUPE_BRIDGE_PORT=<port> [TROUPE_API_KEY=<key>] node client.js <collection> <id>');
  process.exit(1);
}

const troupe = connect({
  host: process.env.TROUPE_BRIDGE_HOST || '127.0.0.1',
  port,
  apiKey: process.env.TROUPE_API_KEY || undefined,
});

function print(line) {
  process.stdout.write(JSON.stringify(line) + '\n');
}

async function finish(code) {
  clearTimeout(giveUp);
  await troupe.close();
  process.exit(code);
}

function failed(error) {
  const { code, failureCode, retryable, message } = error;
  print({ kind: 'error', error: { code, failureCode, retryable, message } });
  return finish(1);
}

const giveUp = setTimeout(() => {
  console.error(`no event about ${collection}/${id} within ${waitMs} ms`);
  process.exit(2);
}, waitMs);

troupe.on('reconnecting', ({ attempt, delayMs }) => console.error(`bridge connection lost; attempt ${attempt} in ${delayMs} ms`));
troupe.on('error', (error) => console.error(`bridge: ${error.message}`));
troupe.on('closed', (error) => error && failed(error));

troupe.onChange(
  (event) => {
    print({ kind: 'event', body: event });
    if (event.id === id) {
      finish(0);
    }
  },
  { collection },
);

troupe.get(collection, id).then((read) => print({ kind: 'reply', body: read }), failed);
