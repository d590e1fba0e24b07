// A test double of Troupe's TCP bridge for the client's unit tests: the protocol layer only (the
// framing, ping/pong, register/unregister, a send answered with a message or an err frame, and
// the guard's rule that a connection's first send or register carries the credential). What a
// send is answered with is up to each test. Troupe itself is tested against real nodes
// (testkit's NodeClientTest and NodeClientPackageTest).
import net from 'node:net';
import { EventEmitter, once } from 'node:events';

export class BridgeDouble extends EventEmitter {
  /**
   * @param {object} options
   * @param {string} [options.credential] the authorization header a connection must start with
   * @param {(frame: object, reply: Reply) => void} [options.answer] answers each send
   */
  constructor({ credential, answer } = {}) {
    super();
    this.credential = credential;
    this.answer = answer ?? ((frame, reply) => reply.ok({ echo: frame.body }));
    this.frames = [];
    this.sockets = new Set();
    this.connections = 0;
    this.answerPings = true;
    /** Refuses a register when it returns `{failureCode, message}`, as the bridge's guard does. */
    this.refuseRegister = () => null;
    this.server = null;
    this.port = 0;
  }

  /** Listens on 127.0.0.1 (on `port`, or a free one); resolves with the port. */
  async listen(port = 0) {
    this.server = net.createServer((socket) => this.#accept(socket));
    this.server.listen(port, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = this.server.address().port;
    return this.port;
  }

  /** Drops every connection; the server keeps listening. */
  drop() {
    for (const socket of this.sockets) {
      socket.destroy();
    }
  }

  /** Stops listening and drops every connection: the port refuses connections until listen(). */
  async stop() {
    const closed = new Promise((resolve) => this.server.close(resolve));
    this.drop();
    await closed;
  }

  /** Publishes `body` to every connection registered to `address`. */
  publish(address, body) {
    let delivered = 0;
    for (const socket of this.sockets) {
      if (socket.registered.has(address)) {
        write(socket, { type: 'message', address, headers: {}, body, send: false });
        delivered++;
      }
    }
    return delivered;
  }

  /** Resolves with the first frame received (earlier ones included) that `test` accepts. */
  async frame(test, from = 0) {
    for (;;) {
      const found = this.frames.slice(from).find(test);
      if (found) {
        return found;
      }
      from = this.frames.length;
      await once(this, 'frame');
    }
  }

  #accept(socket) {
    this.connections++;
    socket.connection = this.connections;
    socket.registered = new Set();
    socket.authenticated = this.credential === undefined;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 4 && buffer.length >= 4 + buffer.readUInt32BE(0)) {
        const length = buffer.readUInt32BE(0);
        const frame = JSON.parse(buffer.subarray(4, 4 + length).toString('utf8'));
        buffer = buffer.subarray(4 + length);
        this.#handle(socket, frame);
      }
    });
    this.emit('connection', socket);
  }

  #handle(socket, frame) {
    frame.connection = socket.connection;
    this.frames.push(frame);
    this.emit('frame', frame);
    if (frame.type === 'ping') {
      if (this.answerPings) {
        write(socket, { type: 'pong' });
      }
      return;
    }
    if (!socket.authenticated && ['send', 'publish', 'register'].includes(frame.type)) {
      if (frame.headers?.authorization !== this.credential) {
        const err = { type: 'err', failureCode: 4010, failureType: 'RECIPIENT_FAILURE', message: 'bad credential' };
        if (frame.replyAddress) {
          err.address = frame.replyAddress;
        }
        write(socket, err);
        socket.end();
        return;
      }
      socket.authenticated = true;
    }
    if (frame.type === 'register') {
      const refusal = this.refuseRegister(frame);
      if (refusal) {
        write(socket, { type: 'err', address: frame.replyAddress, failureType: 'RECIPIENT_FAILURE', ...refusal });
        write(socket, { type: 'err', message: 'blocked by bridgeEvent handler' });
        return;
      }
      socket.registered.add(frame.address);
    } else if (frame.type === 'unregister') {
      socket.registered.delete(frame.address);
    } else if (frame.type === 'send') {
      this.answer(frame, new Reply(socket, frame));
    }
  }
}

/** How a test answers one send. */
export class Reply {
  constructor(socket, frame) {
    this.socket = socket;
    this.frame = frame;
  }

  ok(body) {
    write(this.socket, { type: 'message', address: this.frame.replyAddress, headers: {}, body, send: true });
  }

  fail(failureCode, message, failureType = 'RECIPIENT_FAILURE') {
    write(this.socket, {
      type: 'err',
      address: this.frame.replyAddress,
      sourceAddress: this.frame.address,
      failureCode,
      failureType,
      message,
    });
  }

  /** Sends raw bytes (for framing tests). */
  raw(bytes) {
    this.socket.write(bytes);
  }
}

export function encode(frame) {
  const json = Buffer.from(JSON.stringify(frame), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(json.length, 0);
  return Buffer.concat([length, json]);
}

function write(socket, frame) {
  if (!socket.destroyed) {
    socket.write(encode(frame));
  }
}
