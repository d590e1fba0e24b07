#!/usr/bin/env node
// A service outside the JVM calling Troupe over the TCP event-bus bridge (TROUPE_BRIDGE_PORT).
// Plain Node.js, no dependencies: the bridge's framing is a 4-byte big-endian length, then a JSON object.
//
//   TROUPE_BRIDGE_PORT=7000 TROUPE_API_KEY=... node client.js <collection> <id>
//
// It subscribes to document change events (troupe.events.docs.v1), reads <collection>/<id> with a `get`
// on troupe.request.v1, and prints one JSON line per thing it sees:
//   {"kind":"reply","body":{...}}   the get's reply (a ReadResult, see docs/bus.md)
//   {"kind":"event","body":{...}}   a change event
//   {"kind":"error","frame":{...}}  an err frame (failureCode is an ErrorCode number)
// It exits 0 after the first event about <collection>/<id>, 1 on a failure, 2 when it waited too long.
'use strict';

const net = require('net');

const EVENTS = 'troupe.events.docs.v1';
const REQUESTS = 'troupe.request.v1';
const host = process.env.TROUPE_BRIDGE_HOST || '127.0.0.1';
const port = Number(process.env.TROUPE_BRIDGE_PORT);
const apiKey = process.env.TROUPE_API_KEY;
const [collection, id] = process.argv.slice(2);
const waitMs = Number(process.env.CLIENT_TIMEOUT_MS || 60000);

if (!port || !collection || !id) {
  console.error('usage: TROUPE_BRIDGE_PORT=<port> [TROUPE_API_KEY=<key>] node client.js <collection> <id>');
  process.exit(1);
}

function print(line) {
  process.stdout.write(JSON.stringify(line) + '\n');
}

function frame(message) {
  const json = Buffer.from(JSON.stringify(message), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(json.length, 0);
  return Buffer.concat([length, json]);
}

const socket = net.connect({ host, port });
let pending = Buffer.alloc(0);
const giveUp = setTimeout(() => {
  console.error(`no event about ${collection}/${id} within ${waitMs} ms`);
  process.exit(2);
}, waitMs);
// The bridge closes connections silent for TROUPE_BRIDGE_IDLE_TIMEOUT_SECONDS: ping well within it.
const keepAlive = setInterval(() => socket.write(frame({ type: 'ping' })), 10000);

socket.on('connect', () => {
  // The first frame carries the credential; the connection is that caller from then on.
  const headers = apiKey ? { authorization: `ApiKey ${apiKey}` } : {};
  socket.write(frame({ type: 'register', address: EVENTS, headers }));
  socket.write(frame({
    type: 'send',
    address: REQUESTS,
    headers: { action: 'get' },
    body: { collection, id },
    replyAddress: 'get-1',
  }));
});

socket.on('data', (bytes) => {
  pending = Buffer.concat([pending, bytes]);
  while (pending.length >= 4) {
    const length = pending.readUInt32BE(0);
    if (pending.length < 4 + length) {
      break;
    }
    const message = JSON.parse(pending.subarray(4, 4 + length).toString('utf8'));
    pending = pending.subarray(4 + length);
    handle(message);
  }
});

function handle(message) {
  if (message.type === 'err') {
    print({ kind: 'error', frame: message });
    if (message.address === 'get-1' || message.failureCode === 4010) {
      finish(1);
    }
  } else if (message.type === 'message' && message.address === 'get-1') {
    print({ kind: 'reply', body: message.body });
  } else if (message.type === 'message' && message.address === EVENTS) {
    print({ kind: 'event', body: message.body });
    if (message.body.collection === collection && message.body.id === id) {
      finish(0);
    }
  }
}

function finish(code) {
  clearTimeout(giveUp);
  clearInterval(keepAlive);
  socket.removeAllListeners('close');
  socket.end(() => process.exit(code));
}

socket.on('error', (e) => {
  console.error(`bridge connection failed: ${e.message}`);
  process.exit(1);
});
socket.on('close', () => {
  console.error('the bridge closed the connection');
  process.exit(1);
});
