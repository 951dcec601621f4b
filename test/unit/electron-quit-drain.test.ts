import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QuitDrain, type QuitDrainPorts } from '../../src/electron-main/quit-drain.js';

/** Fake ports: a close() the test resolves by hand, a timer the test fires by hand, and a record of exits. */
function harness(limitMs = 5000) {
  let finishClose: (() => void) | null = null;
  let failClose: ((e: Error) => void) | null = null;
  const timers: { fn: () => void; ms: number; cancelled: boolean }[] = [];
  const exits: number[] = [];
  const logs: string[] = [];
  let closes = 0;
  const ports: QuitDrainPorts = {
    close: () => {
      closes++;
      return new Promise<void>((resolve, reject) => {
        finishClose = resolve;
        failClose = reject;
      });
    },
    exit: (code) => exits.push(code),
    setTimer: (fn, ms) => {
      const t = { fn, ms, cancelled: false };
      timers.push(t);
      return { cancel: () => (t.cancelled = true) };
    },
    log: (level, message) => logs.push(`${level}: ${message}`),
  };
  const quitEvent = () => {
    const e = { prevented: 0, preventDefault: () => void e.prevented++ };
    return e;
  };
  return {
    drain: new QuitDrain(ports, limitMs),
    timers,
    exits,
    logs,
    quitEvent,
    closes: () => closes,
    finish: () => finishClose!(),
    fail: (e: Error) => failClose!(e),
  };
}

describe('quit drain', () => {
  it('holds the quit, closes the service, and exits 0 once it has drained', async () => {
    const h = harness();
    const e = h.quitEvent();
    const done = h.drain.onBeforeQuit(e);
    assert.equal(e.prevented, 1, 'the first quit is held');
    assert.equal(h.drain.state, 'draining');
    assert.equal(h.closes(), 1);
    assert.deepEqual(h.exits, [], 'no exit before the drain ends');
    h.finish();
    assert.deepEqual(await done, { kind: 'drained' });
    assert.deepEqual(h.exits, [0]);
    assert.equal(h.drain.state, 'exited');
    assert.equal(h.timers[0]!.cancelled, true, 'the time limit is cancelled');
  });

  it('holds a second quit during the drain without closing twice or exiting twice', async () => {
    const h = harness();
    const first = h.drain.onBeforeQuit(h.quitEvent());
    const again = h.quitEvent();
    const second = h.drain.onBeforeQuit(again);
    assert.equal(again.prevented, 1, 'the second quit is held too (the drain answers it)');
    assert.equal(second, first, 'both wait on the same drain');
    assert.equal(h.closes(), 1);
    assert.equal(h.drain.heldRequests, 1);
    h.finish();
    await first;
    assert.deepEqual(h.exits, [0]);
    assert.ok(h.logs.some((l) => /quit requested again while draining/.test(l)));
  });

  it('exits when the drain runs past its limit, and says so', async () => {
    const h = harness(2500);
    const done = h.drain.onBeforeQuit(h.quitEvent());
    assert.equal(h.timers[0]!.ms, 2500);
    h.timers[0]!.fn(); // the time limit passes; close() never finished
    assert.deepEqual(await done, { kind: 'timed-out', afterMs: 2500 });
    assert.deepEqual(h.exits, [0]);
    assert.ok(h.logs.some((l) => l.startsWith('warn:') && /still running after 2500 ms/.test(l)));
    // a close that finishes late changes nothing
    h.finish();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(h.exits, [0]);
  });

  it('exits 1 when closing fails, naming the error', async () => {
    const h = harness();
    const done = h.drain.onBeforeQuit(h.quitEvent());
    h.fail(new Error('lock release failed: EACCES'));
    assert.deepEqual(await done, { kind: 'failed', error: 'lock release failed: EACCES' });
    assert.deepEqual(h.exits, [1]);
    assert.ok(h.logs.some((l) => l.startsWith('error:') && /EACCES/.test(l)));
  });

  it('lets a quit after the drain through without holding it', async () => {
    const h = harness();
    const done = h.drain.onBeforeQuit(h.quitEvent());
    h.finish();
    await done;
    const late = h.quitEvent();
    h.drain.onBeforeQuit(late);
    assert.equal(late.prevented, 0);
    assert.equal(h.closes(), 1);
    assert.deepEqual(h.exits, [0]);
  });
});
