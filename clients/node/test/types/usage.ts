// Compiled by `npm run typecheck` (tsc, no output): the API as a TypeScript user writes it, through
// the package's own name, so the `exports` map and `types` are what is checked. Each line under an
// expect-error directive must stay an error.
import {
  connect,
  DOC_EVENTS_ADDRESS,
  ErrorCodes,
  TroupeClient,
  TroupeError,
  type ChangeEvent,
  type ErrorCodeName,
  type JobView,
  type ReadResult,
} from 'troupe-client';

interface Book {
  [key: string]: unknown;
  title: string;
}

export async function usage(): Promise<void> {
  const troupe: TroupeClient = connect({
    port: 7000,
    apiKey: 's3cret',
    timeoutMs: 5_000,
    reconnect: { initialDelayMs: 100, maxDelayMs: 5_000 },
  });
  const jwt = connect({ host: 'troupe.internal', port: 7000, token: async () => 'eyJ...', reconnect: false });
  await jwt.close();

  troupe.on('connected', ({ reconnected }) => console.log(reconnected ? 'back' : 'up'));
  troupe.on('reconnecting', ({ attempt, delayMs }) => console.log(attempt, delayMs));
  troupe.on('disconnected', (error) => console.log(error?.message));
  troupe.on('error', (error) => console.log(error.message));
  troupe.once('closed', (why) => console.log(why?.code));
  // @ts-expect-error: no such event
  troupe.on('message', () => {});

  const put = await troupe.put<Book>('books', 'dune', { title: 'Dune' }, { idempotencyKey: 'order-1' });
  const title: string = put.document.data.title;
  const read: ReadResult<Book> = await troupe.get<Book>('books', 'dune', { timeoutMs: 1_000 });
  const version: number = read.document.version;
  await troupe.put('books', 'dune', { title }, { ifMatch: version });
  // @ts-expect-error: a delete has no mustNotExist
  await troupe.delete('books', 'dune', { mustNotExist: true });
  const deleted = await troupe.delete('books', 'dune', { ifMatch: version + 1 });
  console.log(deleted.version);

  const page = await troupe.list('books', { limit: 100, after: null });
  for (const doc of page.items) console.log(doc.id, doc.updatedAt);
  const many = await troupe.getMany('books', ['a', 'b'], { partial: true });
  console.log(many.found['a']?.version, many.missing, many.failed?.[0]?.code);
  const batch = await troupe.putMany('books', [{ id: 'a', data: { n: 1 }, mustNotExist: true }], { idempotencyKey: 'b-1' });
  console.log(batch.items.length);
  const job: JobView = await troupe.job('0123456789abcdef0123456789abcdef');
  console.log(job.state, job.etaSec);
  const pong = await troupe.ping();
  console.log(pong.service);
  const raw = await troupe.request<{ members: number }>('troupe.chat.v1', 'join', { room: 'r', user: 'u' });
  console.log(raw.members);

  const stop = troupe.onChange((event: ChangeEvent) => console.log(event.op, event.version), { collection: 'books' });
  const unsubscribe = troupe.subscribe<ChangeEvent>(DOC_EVENTS_ADDRESS, (event, message) =>
    console.log(event.id, message.address, message.headers['action']),
  );
  stop();
  unsubscribe();
  const resumed: () => void = await troupe.onChange((event: ChangeEvent) => console.log(event.seq), {
    since: 41,
    collection: 'books',
    onEnd: (error: TroupeError) => console.log(error.code === 'GONE' ? error.earliest : error.message),
  });
  resumed();

  try {
    await troupe.get('books', 'missing');
  } catch (e) {
    if (e instanceof TroupeError) {
      const code: ErrorCodeName = e.code;
      const n: number = e.failureCode;
      const again: boolean = e.retryable;
      console.log(code === 'NOT_FOUND', n === ErrorCodes.NOT_FOUND, again, e.address);
    }
  }
  const state: 'connecting' | 'connected' | 'disconnected' | 'closed' = troupe.state;
  console.log(state);
  // @ts-expect-error: state is read-only
  troupe.state = 'closed';
  await troupe.close();
}
