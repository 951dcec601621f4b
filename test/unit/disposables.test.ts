import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DisposableStore, toDisposable } from '../../src/core/base/disposables.js';

describe('DisposableStore', () => {
  it('disposes newest first, once, however often it is asked', async () => {
    const order: string[] = [];
    const store = new DisposableStore();
    for (const name of ['lock', 'log', 'watcher']) store.add(toDisposable(() => void order.push(name)));
    store.add(
      toDisposable(async () => {
        await new Promise((r) => setTimeout(r, 10));
        order.push('timer');
      }),
    );
    await Promise.all([store.dispose(), store.dispose()]);
    await store.dispose();
    assert.deepEqual(order, ['timer', 'watcher', 'log', 'lock']);
    assert.equal(store.isDisposed, true);
  });

  it('one failing disposal does not keep the others from running; the failures are thrown together', async () => {
    const order: string[] = [];
    const store = new DisposableStore();
    store.add(toDisposable(() => void order.push('first')));
    store.add(
      toDisposable(() => {
        throw new Error('log close failed');
      }),
    );
    store.add(toDisposable(() => void order.push('middle')));
    store.add(toDisposable(async () => Promise.reject(new Error('watcher close failed'))));
    await assert.rejects(store.dispose(), (err: unknown) => {
      assert.ok(err instanceof AggregateError);
      assert.deepEqual(
        err.errors.map((e: Error) => e.message),
        ['watcher close failed', 'log close failed'],
      );
      return true;
    });
    assert.deepEqual(order, ['middle', 'first']);
  });

  it('a single failure is thrown as it is', async () => {
    const store = new DisposableStore();
    store.add(
      toDisposable(() => {
        throw new Error('lock release failed');
      }),
    );
    await assert.rejects(store.dispose(), /lock release failed/);
  });

  it('what is added after dispose() is disposed at once, and its failure goes to onLateError', async () => {
    const late: unknown[] = [];
    const store = new DisposableStore((err) => late.push(err));
    await store.dispose();
    let released = false;
    store.add(
      toDisposable(() => {
        released = true;
      }),
    );
    store.add(
      toDisposable(() => {
        throw new Error('late failure');
      }),
    );
    await new Promise((r) => setImmediate(r));
    assert.equal(released, true, 'a lock taken after stop is released, not leaked');
    assert.equal(late.length, 1);
    assert.match(String(late[0]), /late failure/);
  });
});
