import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createBridgeClient, TOKEN_KEY, type BridgeEnv } from '../../renderer/src/api/bridge-client.js';
import { issuesOf, messageOf, uiErrorOf } from '../../renderer/src/api/errors.js';
import type { UiEvent, UiState } from '../../src/shared/index.js';

/** The web bridge's protocol as the renderer speaks it, against a real HTTP server standing in for the bridge. */

const TOKEN = 'tok-123';
const state: UiState = {
  tray: 'idle',
  message: 'ok',
  paused: false,
  sweeping: false,
  lastSweepAt: null,
  agents: 0,
  tasks: 0,
  alerts: 0,
  failures: 0,
  watch: null,
  host: 'web',
};
const seen: { method: string; auth: string | undefined; type: string | undefined; body: unknown }[] = [];
/** Each connection to /api/events: its headers, and whether the client has closed it. */
const streams: { auth: string | undefined; cookie: string | undefined; closed: boolean }[] = [];
let server: http.Server;
let base = '';

before(async () => {
  server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const method = (req.url ?? '').replace(/^\/api\//, '');
      seen.push({ method, auth: req.headers.authorization, type: req.headers['content-type'], body: raw ? JSON.parse(raw) : null });
      const send = (status: number, body: unknown) =>
        res.writeHead(status, { 'Content-Type': 'application/json' }).end(typeof body === 'string' ? body : JSON.stringify(body));
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { error: 'missing or wrong token', issues: [] });
      if (method === 'events') return serveEvents(req, res);
      if (method === 'getState') return send(200, state);
      if (method === 'setPaused') return send(200, { ...state, paused: true, tray: 'paused' });
      if (method === 'saveSettings')
        return send(400, { error: 'invalid config', issues: [{ path: 'retention.maxAgeDays', message: 'must be > 0' }] });
      if (method === 'listAgents') return send(200, [{ agentId: 'x' }]);
      if (method === 'activity') return send(500, 'oops, not json');
      return send(404, { error: `no method ${method}`, issues: [] });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

/**
 * The first connection sends a state, a bad event, a non-JSON one (split across writes, CRLF line ends) and ends,
 * as a restarting bridge would; later ones send the state and stay open.
 */
function serveEvents(req: http.IncomingMessage, res: http.ServerResponse): void {
  const entry = { auth: req.headers.authorization, cookie: req.headers.cookie, closed: false };
  streams.push(entry);
  res.on('close', () => (entry.closed = true));
  res.writeHead(200, { 'Content-Type': 'text/event-stream' });
  res.write(': hello\n\nretry: 20\n\n');
  res.write(`data: ${JSON.stringify({ event: 'state', state })}\n\n`);
  if (streams.length > 1) return;
  res.write('data: {"event":"nope"}\r\n\r');
  res.write('\ndata: not\r\ndata: json\r\n\r\n');
  res.end();
}

function env(href: string, stored: Record<string, string> = {}) {
  const storage = new Map(Object.entries(stored));
  const replaced: string[] = [];
  const errors: string[] = [];
  const e: BridgeEnv = {
    fetch: (url, init) => fetch(url, init),
    href,
    replaceUrl: (u) => replaced.push(u),
    storage: { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v) },
    reportError: (m) => errors.push(m),
  };
  return { e, storage, replaced, errors };
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
    assert.deepEqual(
      seen.map((s) => [s.method, s.auth, s.type, s.body]),
      [
        ['getState', `Bearer ${TOKEN}`, 'application/json', {}],
        ['setPaused', `Bearer ${TOKEN}`, 'application/json', { paused: true }],
      ],
    );
  });

  it('after a reload (no token in the URL) it uses the stored token', async () => {
    const { e, replaced } = env(`${base}/#/disk`, { [TOKEN_KEY]: TOKEN });
    const api = createBridgeClient(e);
    assert.equal((await api.getState({})).tray, 'idle');
    assert.deepEqual(replaced, []);
  });

  it('an error answer throws with its field issues', async () => {
    const api = createBridgeClient(env(`${base}/?token=${TOKEN}`).e);
    await assert.rejects(api.saveSettings({ changes: [{ path: 'retention.maxAgeDays', from: null, to: -1 }] }), (err: unknown) => {
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

  it('strips an empty ?token= too, and keeps working in memory when sessionStorage refuses', async () => {
    const empty = env(`${base}/?token=#/disk`, { [TOKEN_KEY]: TOKEN });
    createBridgeClient(empty.e);
    assert.deepEqual(empty.replaced, ['/#/disk']);
    const { e } = env(`${base}/?token=${TOKEN}`);
    e.storage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    assert.equal((await createBridgeClient(e).getState({})).tray, 'idle');
  });

  it('one event stream on /api/events with the bearer header: fanned out, bad events reported, reconnects, closed with the last listener', async () => {
    streams.length = 0;
    const { e, errors } = env(`${base}/?token=${TOKEN}`);
    const api = createBridgeClient(e);
    const a: UiEvent[] = [];
    const b: UiEvent[] = [];
    const conn: string[] = [];
    api.onConnection((s) => conn.push(s));
    const offA = api.onEvent((ev) => a.push(ev));
    const offB = api.onEvent((ev) => b.push(ev));
    // The first connection ends; the client reconnects after the server's `retry: 20` and gets the state again.
    await until(() => a.length === 2);
    assert.equal(streams.length, 2, 'one stream at a time, reconnected once');
    assert.deepEqual(a, [
      { event: 'state', state },
      { event: 'state', state },
    ]);
    assert.deepEqual(a, b);
    assert.equal(errors.length, 2, errors.join('\n'));
    assert.match(errors[0]!, /unexpected event: \{"event":"nope"\}/);
    assert.match(errors[1]!, /not JSON: not\njson/);
    assert.deepEqual(conn, ['connecting', 'open', 'reconnecting', 'open']);
    for (const s of streams) {
      assert.equal(s.auth, `Bearer ${TOKEN}`);
      assert.equal(s.cookie, undefined);
    }
    offA();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(streams[1]!.closed, false);
    offB();
    await until(() => streams[1]!.closed);
    assert.equal(conn.at(-1), 'connecting');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(streams.length, 2, 'no reconnection once closed');
  });

  it('an event stream the bridge refuses (401) is reported and not retried', async () => {
    streams.length = 0;
    seen.length = 0;
    const { e, errors } = env(`${base}/?token=stale`);
    e.retryMs = 20;
    const api = createBridgeClient(e);
    const conn: string[] = [];
    api.onConnection((s) => conn.push(s));
    const off = api.onEvent(() => undefined);
    await until(() => errors.length === 1);
    assert.match(errors[0]!, /event stream refused: HTTP 401: .*missing or wrong token.*open the address printed/);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(seen.filter((s) => s.method === 'events').length, 1, 'not retried');
    assert.deepEqual(conn, ['connecting', 'reconnecting']);
    off();
  });

  it('a bridge that went away is retried until it answers', async () => {
    const { e } = env('http://127.0.0.1:1/?token=t');
    e.retryMs = 10;
    const api = createBridgeClient(e);
    const conn: string[] = [];
    api.onConnection((s) => conn.push(s));
    const off = api.onEvent(() => undefined);
    await until(() => conn.length >= 3);
    assert.deepEqual(conn.slice(0, 3), ['connecting', 'reconnecting', 'reconnecting']);
    off();
  });
});

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('errors over Electron IPC', () => {
  it('reads the UiError JSON the preload puts in the message', () => {
    const err = new Error(JSON.stringify({ error: 'bad settings', issues: [{ path: 'roots.0', message: 'must be absolute' }] }));
    assert.deepEqual(uiErrorOf(err), { error: 'bad settings', issues: [{ path: 'roots.0', message: 'must be absolute' }] });
    assert.equal(messageOf(new Error('plain')), 'plain');
    assert.deepEqual(issuesOf(new Error('{not json')), []);
  });
});
