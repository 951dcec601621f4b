import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ApiError } from '../../renderer/src/api/errors.js';
import { createBridgeClient, type BridgeEnv, type EventSourceLike } from '../../renderer/src/api/bridge-client.js';
import type { UiEvent } from '../../src/shared/index.js';
import { STATE, closeTestBridges, openEvents, request, startTestBridge, type TestBridge } from '../helpers/bridge-harness.js';

/**
 * The renderer's own web-bridge client (renderer/src/api/bridge-client.ts) against the real bridge: the two halves of
 * one protocol, written by different hands, must agree. The browser is played by Node's fetch and a small EventSource
 * that sends the cookie the page load set, as a browser does.
 */

after(closeTestBridges);

class CookieEventSource implements EventSourceLike {
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onopen: ((ev: unknown) => void) | null = null;
  private stop: (() => void) | null = null;
  private closed = false;

  constructor(url: string, cookie: string) {
    const port = Number(new URL(url).port);
    void openEvents(port, { Cookie: cookie }).then(async (stream) => {
      this.stop = () => stream.close();
      if (this.closed) return stream.close();
      if (stream.status !== 200) return this.onerror?.(new Error(`HTTP ${stream.status}`));
      this.onopen?.({});
      for (;;) {
        const block = await stream.next(10_000).catch(() => null);
        if (block === null || this.closed) return;
        if (block.startsWith('data: ')) this.onmessage?.({ data: block.slice('data: '.length) });
      }
    });
  }

  close(): void {
    this.closed = true;
    this.stop?.();
  }
}

/** Loads the page as a browser would (the cookie comes from that answer), then builds the client over it. */
async function clientFor(t: TestBridge) {
  const page = await request(t.bridge.port, { path: `/?token=${t.bridge.token}` });
  assert.equal(page.status, 200);
  const cookie = String(page.headers['set-cookie']?.[0]).split(';')[0]!;
  const storage = new Map<string, string>();
  const errors: string[] = [];
  const env: BridgeEnv = {
    fetch: (url, init) => fetch(url, init),
    href: t.bridge.url,
    replaceUrl: () => undefined,
    storage: { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v) },
    openEvents: (url) => new CookieEventSource(url, cookie),
    reportError: (m) => errors.push(m),
  };
  return { client: createBridgeClient(env), errors };
}

describe('web bridge: the renderer client speaks its protocol', () => {
  it('calls methods, gets field issues back as ApiError, and receives events', async () => {
    const t = await startTestBridge();
    const { client, errors } = await clientFor(t);

    assert.deepEqual(await client.getState({}), STATE);
    assert.deepEqual(await client.setPinned({ agentId: 'a1', pinned: true }), { pins: ['a1'] });
    assert.deepEqual(await client.activity({}), { entries: [], total: 500 });

    const refused = await client.setPinned({ agentId: '', pinned: true }).then(
      () => null,
      (err: unknown) => err,
    );
    assert.ok(refused instanceof ApiError);
    assert.equal(refused.status, 400);
    assert.deepEqual(
      refused.issues.map((i) => i.path),
      ['agentId'],
    );

    const received: UiEvent[] = [];
    const off = client.onEvent((e) => received.push(e));
    const waitFor = async (n: number) => {
      const deadline = Date.now() + 5000;
      while (received.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    };
    await waitFor(1);
    assert.deepEqual(received[0], { event: 'state', state: STATE });
    const deadline = Date.now() + 2000;
    while (t.fake.listeners() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    t.fake.push({ event: 'resume', ts: '2025-01-01T00:00:00.000Z', sleptMs: 60_000 });
    await waitFor(2);
    assert.deepEqual(received[1], { event: 'resume', ts: '2025-01-01T00:00:00.000Z', sleptMs: 60_000 });
    off();
    assert.deepEqual(errors, []);
  });
});
