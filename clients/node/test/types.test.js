// index.d.ts is written by hand: it must declare exactly what index.js exports, and exactly the
// public members of TroupeClient and TroupeError. (`npm run typecheck` compiles a usage file
// against it with TypeScript.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import * as api from '../index.js';

const dts = readFileSync(new URL('../index.d.ts', import.meta.url), 'utf8');

function classBody(name) {
  const start = dts.indexOf(`export declare class ${name} `);
  assert.ok(start >= 0, `index.d.ts declares class ${name}`);
  const open = dts.indexOf('{', start);
  let depth = 0;
  for (let i = open; i < dts.length; i++) {
    if (dts[i] === '{') depth++;
    if (dts[i] === '}' && --depth === 0) return dts.slice(open + 1, i);
  }
  throw new Error(`unbalanced class ${name}`);
}

/** Names of members declared at the class body's top level (two-space indent). */
function declaredMembers(name) {
  const members = new Set();
  for (const line of classBody(name).split('\n')) {
    const match = /^ {2}(?:static )?(?:readonly )?([A-Za-z_$][\w$]*)[?]?[(<:]/.exec(line);
    if (match && match[1] !== 'constructor') {
      members.add((line.startsWith('  static ') ? 'static ' : '') + match[1]);
    }
  }
  return members;
}

test('index.d.ts declares every runtime export and nothing else', () => {
  const declared = new Set(
    [...dts.matchAll(/^export declare (?:const|function|class) ([A-Za-z_$][\w$]*)/gm)].map((m) => m[1]),
  );
  assert.deepEqual([...declared].sort(), Object.keys(api).sort());
});

test('TroupeClient: the declared methods and properties are the public ones of the class', () => {
  const declared = declaredMembers('TroupeClient');
  const inherited = new Set(Object.getOwnPropertyNames(EventEmitter.prototype));
  const own = Object.getOwnPropertyNames(api.TroupeClient.prototype).filter((n) => n !== 'constructor');
  // on, once and off are EventEmitter's, declared again only to type the events.
  const declaredOwn = [...declared].filter((n) => !inherited.has(n));
  assert.deepEqual(declaredOwn.sort(), own.sort());
  for (const name of declared) {
    if (inherited.has(name)) {
      assert.equal(typeof EventEmitter.prototype[name], 'function', name);
    }
  }
});

test('TroupeError: the declared fields are the ones an instance has', () => {
  const declared = declaredMembers('TroupeError');
  assert.ok(declared.has('static fromFrame'));
  assert.equal(typeof api.TroupeError.fromFrame, 'function');
  const error = new api.TroupeError('FORBIDDEN', 'no', { address: 'a', earliest: 5, since: 2 });
  const fields = [...declared].filter((n) => !n.startsWith('static ')).sort();
  assert.deepEqual(fields, ['address', 'code', 'earliest', 'failureCode', 'name', 'retryable', 'since']);
  for (const field of fields) {
    assert.ok(field in error, field);
  }
  assert.deepEqual([error.name, error.code, error.failureCode, error.retryable, error.address], [
    'TroupeError',
    'FORBIDDEN',
    4030,
    false,
    'a',
  ]);
});

test('ErrorCodes and the addresses declared match the runtime values', () => {
  for (const [name, code] of Object.entries(api.ErrorCodes)) {
    assert.match(dts, new RegExp(`^ {2}${name}: ${code};$`, 'm'), name);
  }
  assert.equal((dts.match(/^ {2}[A-Z_]+: \d{4};$/gm) ?? []).length, Object.keys(api.ErrorCodes).length);
  for (const name of ['REQUEST_ADDRESS', 'JOBS_ADDRESS', 'DOC_EVENTS_ADDRESS']) {
    assert.match(dts, new RegExp(`export declare const ${name}: '${api[name].replaceAll('.', '\\.')}';`), name);
  }
});
