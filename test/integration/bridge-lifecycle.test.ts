import assert from 'node:assert/strict';
import net from 'node:net';
import os from 'node:os';
import { after, describe, it } from 'node:test';
import { startWebBridge } from '../../src/bridge/index.js';
import { UiEventSchema, type UiEvent } from '../../src/shared/index.js';
import { STATE, bearer, call, closeTestBridges, openEvents, request, startTestBridge } from '../helpers/bridge-harness.js';

/** The event stream, where the bridge listens, and what close() releases. */

after(closeTestBridges);

function dataOf(block: string): UiEvent {
  assert.match(block, /^data: /, `not a data block: ${block}`);
  return UiEventSchema.parse(JSON.parse(block.slice('data: '.length)));
}

/** Whether a TCP connection to host:port is accepted. */
function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

const RELOAD: UiEvent = { event: 'reload', ts: '2025-01-01T00:00:00.000Z', ok: true, message: 'config reloaded' };

describe('web bridge: events and lifecycle', () => {
  it('streams the state first, then each pushed event, then pings; unsubscribes when the client leaves', async () => {
    const t = await startTestBridge({ pingIntervalMs: 100 });
    const events = await openEvents(t.bridge.port, bearer(t.bridge.token));
    assert.equal(events.status, 200);
    assert.match(String(events.headers['content-type']), /^text\/event-stream/);
    assert.equal(events.headers['cache-control'], 'no-store');
    assert.equal(await events.next(), 'retry: 3000');
    assert.deepEqual(dataOf(await events.next()), { event: 'state', state: STATE });
    assert.equal(t.fake.listeners(), 1);

    t.fake.push(RELOAD);
    let block = await events.next();
    while (block === ': ping') block = await events.next();
    assert.deepEqual(dataOf(block), RELOAD);
    assert.equal(await events.next(), ': ping', 'a comment keeps the connection alive');

    events.close();
    const deadline = Date.now() + 2000;
    while (t.fake.listeners() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(t.fake.listeners(), 0, 'unsubscribed when the client went away');
  });

  it('holds events pushed while the state is being read until after the state', async () => {
    const t = await startTestBridge();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    t.fake.impl.getState = async () => {
      await gate;
      return { ...STATE, message: 'after the gate' };
    };
    const events = await openEvents(t.bridge.port, bearer(t.bridge.token));
    await events.next(); // retry:
    const deadline = Date.now() + 2000;
    while (t.fake.listeners() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    t.fake.push(RELOAD);
    release();
    const first = dataOf(await events.next());
    assert.equal(first.event, 'state');
    assert.deepEqual(dataOf(await events.next()), RELOAD);
  });

  it('ends the stream when the state cannot be read (the client retries)', async () => {
    const t = await startTestBridge();
    t.fake.impl.getState = async () => {
      throw new Error('engine not ready');
    };
    const events = await openEvents(t.bridge.port, bearer(t.bridge.token));
    await events.next();
    assert.match(await events.next(), /^: getState failed: engine not ready/);
    await events.ended;
    assert.equal(t.fake.listeners(), 0);
  });

  it('serves the event stream by GET only, and with the token only', async () => {
    const t = await startTestBridge();
    assert.equal(
      (await request(t.bridge.port, { method: 'POST', path: '/api/events', headers: bearer(t.bridge.token), body: '{}' })).status,
      405,
    );
    assert.equal((await openEvents(t.bridge.port, {})).status, 401);
    assert.equal((await openEvents(t.bridge.port, { Cookie: `aj_token=${t.bridge.token}` })).status, 401, 'the old cookie');
    assert.equal(t.fake.listeners(), 0);
  });

  it('binds 127.0.0.1 only', async () => {
    const t = await startTestBridge();
    const address = t.bridge.address();
    assert.equal(address?.address, '127.0.0.1');
    assert.equal(address?.family, 'IPv4');
    assert.equal(await connects('127.0.0.1', t.bridge.port), true);
    // Linux routes all of 127/8 to lo, so a bridge bound to 0.0.0.0 would answer here.
    if (os.platform() === 'linux') assert.equal(await connects('127.0.0.2', t.bridge.port), false, '127.0.0.2');
    assert.equal(await connects('::1', t.bridge.port), false, '::1');
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((i) => i && !i.internal && i.family === 'IPv4');
    if (external) assert.equal(await connects(external.address, t.bridge.port), false, external.address);
  });

  it('listens on the port asked for, and refuses to start on a port already taken', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const free = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const t = await startTestBridge();
    const fixed = await startWebBridge({
      service: t.fake.service,
      staticDir: t.staticDir,
      port: free,
      token: 'a-fixed-token-of-32-characters-x',
    });
    try {
      assert.equal(fixed.port, free);
      assert.equal(fixed.url, `http://127.0.0.1:${free}/?token=a-fixed-token-of-32-characters-x`);
      await assert.rejects(startWebBridge({ service: t.fake.service, staticDir: t.staticDir, port: free }), /EADDRINUSE/);
    } finally {
      await fixed.close();
    }
  });

  it('refuses a token that could not travel in a URL or a header', async () => {
    const t = await startTestBridge();
    for (const token of ['short', 'has;semicolon-and-is-long-enough', 'has space and is long enough too']) {
      await assert.rejects(startWebBridge({ service: t.fake.service, staticDir: t.staticDir, token }), /token/);
    }
  });

  it('close() ends the event streams, lets a call in flight answer, and releases the port', async () => {
    const t = await startTestBridge();
    const { port } = t.bridge;
    const events = await openEvents(port, bearer(t.bridge.token));
    await events.next();
    await events.next();

    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    t.fake.impl.fixAlert = async ({ id }) => {
      await gate;
      return { ok: true, message: `fixed ${id}` };
    };
    const inFlight = call(t, 'fixAlert', { id: 'x' });
    while (!t.fake.calls.some((c) => c.method === 'fixAlert')) await new Promise((r) => setTimeout(r, 5));

    const closing = t.bridge.close();
    await events.ended;
    assert.equal(t.fake.listeners(), 0);
    release();
    const answer = await inFlight;
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.connection, 'close');
    await closing;
    await t.bridge.close(); // idempotent
    assert.equal(t.bridge.address(), null);
    assert.equal(await connects('127.0.0.1', port), false);

    const again = net.createServer();
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject);
      again.listen(port, '127.0.0.1', resolve);
    });
    await new Promise<void>((r) => again.close(() => r()));
  });
});
