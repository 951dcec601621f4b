import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createBridgeClient, TOKEN_KEY, type BridgeEnv, type EventSourceLike } from '../../renderer/src/api/bridge-client.js';
import { issuesOf, messageOf, uiErrorOf } from '../../renderer/src/api/errors.js';
import type { UiEvent, UiState } from '../../src/shared/index.js';

/** The web bridge's protocol as the renderer speaks it, against a real HTTP server standing in for the bridge. */

const TOKEN = 'tok-123';
const state: UiState = { tray: 'idle', message: 'ok', paused: false, sweeping: false, lastSweepAt: null, agents: 0, tasks: 0, alerts: 0, failures: 0, watch: null, host: 'web' };
const seen: { method: string; auth: string | undefined; type: string | undefined; body: unknown }[] = [];
let server: http.Server;
let base = '';

before(async () => {
  server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const method = (req.url ?? '').replace(/^\/api\//, '');
      seen.push({ method, auth: req.headers.authorization, type: req.headers['content-type'], body: raw ? JSON.parse(raw) : null });
      const send = (status: number, body: unknown) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(typeof body === 'string' ? body : JSON.stringify(body));
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { error: 'missing or wrong token', issues: [] });
      if (method === 'getState') return send(200, state);
      if (method === 'setPaused') return send(200, { ...state, paused: true, tray: 'paused' });
      if (method === 'saveSettings') return send(400, { error: 'invalid config', issues: [{ path: 'retention.maxAgeDays', message: 'must be > 0' }] });
      if (method === 'listAgents') return send(200, [{ agentId: 'x' }]);
      if (method === 'activity') return send(500, 'oops, not json');
      return send(404, { error: `no method ${method}`, issues: [] });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

class FakeEventSource implements EventSourceLike {
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onopen: ((ev: unknown) => void) | null = null;
  closed = false;
  constructor(readonly url: string) {}
  close() {
    this.closed = true;
  }
}

function env(href: string, stored: Record<string, string> = {}) {
  const storage = new Map(Object.entries(stored));
  const replaced: string[] = [];
  const sources: FakeEventSource[] = [];
  const errors: string[] = [];
  const e: BridgeEnv = {
    fetch: (url, init) => fetch(url, init),
    href,
    replaceUrl: (u) => replaced.push(u),
    storage: { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v) },
    openEvents: (url) => {
      const s = new FakeEventSource(url);
      sources.push(s);
      return s;
    },
    reportError: (m) => errors.push(m),
  };
  return { e, storage, replaced, sources, errors };
}

describe('web bridge client', () => {
  it('moves the token from the address bar to sessionStorage, keeping the rest of the URL', () => {
    const { e, storage, replaced } = env(`${base}/?token=${TOKEN}&x=1#/alerts/a1`);
    createBridgeClient(e);
    assert.equal(storage.get(TOKEN_KEY), TOKEN);
    assert.deepEqual(replaced, ['/?x=1#/alerts/a1']);
  });

  it('calls POST /api/<method> with the bearer token and JSON, and validates the answer', async () => {
    seen.length = 0;
    const { e } = env(`${base}/?token=${TOKEN}`);
    const api = createBridgeClient(e);
    assert.deepEqual(await api.getState({}), state);
    assert.equal((await api.setPaused({ paused: true })).paused, true);
    assert.deepEqual(seen.map((s) => [s.method, s.auth, s.type, s.body]), [
      ['getState', `Bearer ${TOKEN}`, 'application/json', {}],
      ['setPaused', `Bearer ${TOKEN}`, 'application/json', { paused: true }],
    ]);
  });

  it('after a reload (no token in the URL) it uses the stored token', async () => {
    const { e, replaced } = env(`${base}/#/disk`, { [TOKEN_KEY]: TOKEN });
    const api = createBridgeClient(e);
    assert.equal((await api.getState({})).tray, 'idle');
    assert.deepEqual(replaced, []);
  });

  it('an error answer throws with its field issues', async () => {
    const api = createBridgeClient(env(`${base}/?token=${TOKEN}`).e);
    await assert.rejects(api.saveSettings({ config: {} }), (err: unknown) => {
      assert.equal(messageOf(err), 'invalid config');
      assert.deepEqual(issuesOf(err), [{ path: 'retention.maxAgeDays', message: 'must be > 0' }]);
      return true;
    });
  });

  it('a wrong token, a non-JSON error and a malformed answer are named errors', async () => {
    const bad = createBridgeClient(env(`${base}/?token=nope`).e);
    await assert.rejects(bad.getState({}), /missing or wrong token/);
    const api = createBridgeClient(env(`${base}/?token=${TOKEN}`).e);
    await assert.rejects(api.activity({}), /activity: HTTP 500: oops, not json/);
    await assert.rejects(api.listAgents({}), /listAgents: unexpected answer at 0\./);
  });

  it('a bridge that is down is reported, not hung on', async () => {
    const { e } = env('http://127.0.0.1:1/?token=t');
    await assert.rejects(createBridgeClient(e).getState({}), /getState: the janitor did not answer/);
  });

  it('one EventSource on /api/events, fanned out; bad events reported; closed with the last listener', () => {
    const { e, sources, errors } = env(`${base}/?token=${TOKEN}`);
    const api = createBridgeClient(e);
    const a: UiEvent[] = [];
    const b: UiEvent[] = [];
    const conn: string[] = [];
    api.onConnection((s) => conn.push(s));
    const offA = api.onEvent((ev) => a.push(ev));
    const offB = api.onEvent((ev) => b.push(ev));
    assert.equal(sources.length, 1);
    const es = sources[0]!;
    assert.equal(es.url, `${base}/api/events`);
    es.onopen?.({});
    es.onmessage?.({ data: JSON.stringify({ event: 'state', state }) });
    es.onmessage?.({ data: '{"event":"nope"}' });
    es.onmessage?.({ data: 'not json' });
    es.onerror?.({});
    assert.equal(a.length, 1);
    assert.deepEqual(a, b);
    assert.equal(errors.length, 2);
    assert.deepEqual(conn, ['connecting', 'open', 'reconnecting']);
    offA();
    assert.equal(es.closed, false);
    offB();
    assert.equal(es.closed, true);
  });
});

describe('errors over Electron IPC', () => {
  it('reads the UiError JSON the preload puts in the message', () => {
    const err = new Error(JSON.stringify({ error: 'bad settings', issues: [{ path: 'roots.0', message: 'must be absolute' }] }));
    assert.deepEqual(uiErrorOf(err), { error: 'bad settings', issues: [{ path: 'roots.0', message: 'must be absolute' }] });
    assert.equal(messageOf(new Error('plain')), 'plain');
    assert.deepEqual(issuesOf(new Error('{not json')), []);
  });
});
