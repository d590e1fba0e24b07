// A change feed from a position of the change log, with nothing skipped or repeated: the same
// algorithm as the JVM's ChangeFollower (troupe-contracts). The bus delivers change events at most
// once and in no promised order across db-service instances; the log (request-service's read-only
// `changes`) numbers them in commit order without gaps. So an event whose seq is the next one is
// delivered at once, and one that leaves a gap (or a reconnect) sends the follower to the log.
// When no later event comes to show a gap, tick() (every TICK_MS) reads the log once the bus has
// been quiet for a tick, then after 2, 4 ... up to 32 quiet ticks while the log has nothing new.

/** The largest page request-service's `changes` returns. */
export const MAX_PAGE = 1000;

/** How often to call ChangeFollower.tick(). */
export const TICK_MS = 1000;

const MAX_QUIET_SHIFT = 5;

/** A row of the log as the event the bus would have carried. */
export function eventOf(item) {
  return { op: item.op, collection: item.collection, id: item.id, version: item.version, seq: item.seq };
}

export class ChangeFollower {
  #page;
  #deliver;
  #broken;
  #early = new Map();
  #cursor = -1;
  #reading = false;
  #stopped = false;
  #arrivedSinceTick = false;
  #cursorAtTick = -1;
  #quietTicks = 0;
  #emptyReads = 0;

  /**
   * `page(since)` resolves to a `changes` reply (`items`, `next`, `earliest`, `head`); `deliver`
   * gets each event once, in seq order; `broken(error)` is called when the log cannot be read once
   * started (the follower stops; start a new one from `cursor`).
   */
  constructor(page, deliver, broken) {
    this.#page = page;
    this.#deliver = deliver;
    this.#broken = broken;
  }

  /** The seq of the last change delivered (or the start position); -1 before the start. */
  get cursor() {
    return this.#cursor;
  }

  /**
   * Starts after `since`: resolves once every change up to the log's head was delivered. The bus
   * subscription must be registered before. Rejects with `refused(...)`'s error for a position
   * retention removed or one past the head.
   */
  async start(since, refused) {
    this.#reading = true;
    try {
      const first = await this.#page(since);
      const error = refused(since, first);
      if (error) {
        throw error;
      }
      this.#cursor = since;
      await this.#replay(first);
    } catch (e) {
      this.#stopped = true;
      throw e;
    } finally {
      this.#reading = false;
    }
    this.#drain();
  }

  /** Delivers nothing more. */
  stop() {
    this.#stopped = true;
    this.#early.clear();
  }

  /** An event of the bus subscription. */
  arrived(event) {
    if (this.#stopped || event === null || typeof event !== 'object') {
      return;
    }
    this.#arrivedSinceTick = true;
    const seq = event.seq;
    if (!Number.isSafeInteger(seq) || seq < 1) {
      this.catchUp();
      return;
    }
    if (this.#cursor >= 0 && seq <= this.#cursor) {
      return;
    }
    this.#early.set(seq, event);
    this.#drain();
  }

  /**
   * Reads the log from the cursor when the bus brought nothing since the last ticks; call it every
   * TICK_MS once started. A failed read here is tried again at a later tick.
   */
  tick() {
    if (this.#stopped || this.#cursor < 0) {
      return;
    }
    if (this.#arrivedSinceTick || this.#cursor !== this.#cursorAtTick) {
      this.#arrivedSinceTick = false;
      this.#cursorAtTick = this.#cursor;
      this.#quietTicks = 0;
      this.#emptyReads = 0;
      return;
    }
    if (++this.#quietTicks < 1 << Math.min(this.#emptyReads, MAX_QUIET_SHIFT)) {
      return;
    }
    this.#quietTicks = 0;
    this.#emptyReads++;
    this.catchUp(true);
  }

  /** Reads the log from the cursor to its end (after a gap or a reconnect). */
  catchUp(quiet = false) {
    if (this.#reading || this.#cursor < 0 || this.#stopped) {
      return;
    }
    this.#reading = true;
    const from = this.#cursor;
    this.#page(from)
      .then((reply) => this.#replay(reply))
      .then(
        () => {
          this.#reading = false;
          const lowest = this.#lowest();
          if (this.#cursor === from && lowest !== undefined && lowest > from + 1) {
            // The log has nothing below an event the bus brought: rows retention removed. Go on
            // from the event.
            this.#cursor = lowest - 1;
          }
          this.#drain();
        },
        (error) => {
          this.#reading = false;
          if (quiet) {
            this.#drain();
            return;
          }
          if (!this.#stopped) {
            this.stop();
            this.#broken(error);
          }
        },
      );
  }

  #lowest() {
    let lowest;
    for (const seq of this.#early.keys()) {
      if (lowest === undefined || seq < lowest) {
        lowest = seq;
      }
    }
    return lowest;
  }

  #drain() {
    if (this.#cursor < 0 || this.#reading || this.#stopped) {
      return;
    }
    while (this.#early.has(this.#cursor + 1) && !this.#stopped) {
      this.#cursor++;
      const event = this.#early.get(this.#cursor);
      this.#early.delete(this.#cursor);
      this.#deliver(event);
    }
    if (this.#early.size > 0) {
      this.catchUp();
    }
  }

  async #replay(reply) {
    for (;;) {
      const items = Array.isArray(reply?.items) ? reply.items : [];
      for (const item of items) {
        if (this.#stopped) {
          return;
        }
        if (item.seq > this.#cursor) {
          this.#cursor = item.seq;
          this.#deliver(eventOf(item));
        }
      }
      for (const seq of this.#early.keys()) {
        if (seq <= this.#cursor) {
          this.#early.delete(seq);
        }
      }
      if (items.length === 0 || this.#stopped) {
        return;
      }
      reply = await this.#page(reply.next);
    }
  }
}
