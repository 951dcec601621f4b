import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { UiEvent } from '../../src/shared/index.js';
import { STATE, closeTestBridges, request, startTestBridge, type TestBridge } from '../helpers/bridge-harness.js';
import { waitFor } from '../helpers/sandbox.js';

/**
 * The web bridge's token against another server on 127.0.0.1, in Chromium (issue 9, point 4). Browsers do not scope
 * cookies by port, so a cookie the bridge set would reach any other local server the same browser visits (an agent's
 * own dev server, say) and ride along on that page's requests to the bridge. The bridge now sets no cookie: the page
 * keeps its token in sessionStorage (per origin, so per port) and sends it as a header. Here the real built renderer
 * runs over a real bridge (a fake engine behind it), and a page served from another port tries its luck.
 */

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const RENDERER = path.resolve(import.meta.dirname, '../../dist/renderer');

/** The page's globals these tests read (this file is typed for Node, without the DOM's types). */
interface PageGlobals {
  location: { href: string };
  sessionStorage: { getItem(key: string): string | null };
}

/** What the foreign page found out; see FOREIGN_SCRIPT. */
interface ProbeResults {
  cookie: string;
  stored: Array<string | null>;
  attempts: Array<{ name: string; outcome: string }>;
  ownProbe: number;
}

/**
 * The foreign page's script: reads what it can (cookies, storage), calls the bridge's API every way a page can
 * (CORS with and without credentials, no-cors, the event stream), and calls its own server with credentials, so
 * the test sees every header the browser sends to another port.
 */
const FOREIGN_SCRIPT = (bridge: string) => `
window.probe = (async () => {
  const attempt = async (name, url, init) => {
    try {
      const res = await fetch(url, init);
      return { name, outcome: res.type + ' ' + res.status + ' ' + (res.type === 'opaque' ? '' : await res.text()) };
    } catch (err) {
      return { name, outcome: 'refused: ' + err.name };
    }
  };
  const post = { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' };
  const attempts = [
    await attempt('cors+credentials', '${bridge}/api/getState', { ...post, credentials: 'include' }),
    await attempt('cors', '${bridge}/api/getState', { ...post, credentials: 'omit' }),
    await attempt('no-cors POST+credentials', '${bridge}/api/setPaused', { method: 'POST', mode: 'no-cors', credentials: 'include', body: '{"paused":true}' }),
    await attempt('events+credentials', '${bridge}/api/events', { credentials: 'include' }),
    await attempt('no-cors events+credentials', '${bridge}/api/events', { mode: 'no-cors', credentials: 'include' }),
    await attempt('no-cors GET getState', '${bridge}/api/getState', { mode: 'no-cors', credentials: 'include' }),
  ];
  const own = await fetch('/probe', { credentials: 'include' });
  return {
    cookie: document.cookie,
    stored: [sessionStorage.getItem('agent-janitor.token'), localStorage.getItem('agent-janitor.token')],
    attempts,
    ownProbe: own.status,
  };
})();`;

interface Foreign {
  origin: string;
  /** Every request it received, with every header. */
  seen: Array<{ url: string; headers: http.IncomingHttpHeaders }>;
  close(): Promise<void>;
}

/** Another local server, as an agent's dev server would be: any page, no CSP, on its own 127.0.0.1 port. */
async function startForeign(bridgeOrigin: string): Promise<Foreign> {
  const seen: Foreign['seen'] = [];
  const server = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    if (req.url === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><title>dev server</title><script>${FOREIGN_SCRIPT(bridgeOrigin)}</script>`);
    } else res.writeHead(req.url === '/probe' ? 204 : 404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The built renderer (npm run build), copied into the test bridge's staticDir. */
function builtRenderer(): Record<string, string> {
  assert.ok(fs.existsSync(path.join(RENDERER, 'index.html')), 'run `npm run build` first: the test serves dist/renderer');
  return Object.fromEntries(fs.readdirSync(RENDERER).map((f) => [f, fs.readFileSync(path.join(RENDERER, f), 'utf8')]));
}

interface RawExchange {
  url: string;
  method: string;
  /** Exactly what went on the wire (CDP's ExtraInfo events), names lower-cased. */
  requestHeaders: Record<string, string>;
  /** null when no answer came back. */
  status: number | null;
  responseHeaders: Record<string, string>;
}

const lower = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));

/**
 * Every request a page sends to `origin`, preflights and requests the page is not allowed to read included, as the
 * network saw them: Chromium's DevTools protocol reports the raw headers and status even where CORS or CORP then
 * hides the answer from the page (Playwright's own events skip those).
 */
async function watch(page: Page, origin: string): Promise<() => Promise<RawExchange[]>> {
  const cdp = await page.context().newCDPSession(page);
  const byId = new Map<string, RawExchange>();
  // Requests the page got an answer for: the renderer reports those in order, the ExtraInfo events come from
  // Chromium's network service on its own schedule, possibly after fetch() has resolved in the page.
  const answered = new Set<string>();
  const entry = (id: string) => {
    let e = byId.get(id);
    if (!e) byId.set(id, (e = { url: '', method: '', requestHeaders: {}, status: null, responseHeaders: {} }));
    return e;
  };
  cdp.on('Network.requestWillBeSent', (e) => Object.assign(entry(e.requestId), { url: e.request.url, method: e.request.method }));
  cdp.on('Network.responseReceived', (e) => answered.add(e.requestId));
  cdp.on('Network.requestWillBeSentExtraInfo', (e) => (entry(e.requestId).requestHeaders = lower(e.headers)));
  cdp.on('Network.responseReceivedExtraInfo', (e) =>
    Object.assign(entry(e.requestId), { status: e.statusCode, responseHeaders: lower(e.headers) }),
  );
  await cdp.send('Network.enable');
  return async () => {
    assert.ok(
      await waitFor(
        () =>
          [...answered].every((id) => {
            const e = byId.get(id)!;
            return e.status !== null && Object.keys(e.requestHeaders).length > 0;
          }),
        5000,
      ),
      'timed out waiting',
    );
    return [...byId.values()].filter((e) => e.url.startsWith(origin));
  };
}

const isApi = (url: string) => new URL(url).pathname.startsWith('/api/');

describe('web bridge token vs a page on another 127.0.0.1 port, in Chromium', () => {
  let t: TestBridge;
  let origin: string;
  let foreign: Foreign;
  let browser: Browser;
  let context: BrowserContext;
  let bridgePage: Page;
  let subscriptions = 0;
  const pageErrors: string[] = [];

  before(async () => {
    t = await startTestBridge({ files: builtRenderer() });
    origin = `http://127.0.0.1:${t.bridge.port}`;
    // Counts every event stream the bridge opens, however briefly.
    const subscribe = t.fake.service.subscribe.bind(t.fake.service);
    t.fake.service.subscribe = (listener: (event: UiEvent) => void) => {
      subscriptions++;
      return subscribe(listener);
    };
    foreign = await startForeign(origin);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    context = await browser.newContext();
  });

  after(async () => {
    await browser?.close();
    await foreign?.close();
    await closeTestBridges();
  });

  it('(a) the page takes ?token= out of the address bar, keeps it per origin, and calls the API with the header only', async () => {
    bridgePage = await context.newPage();
    bridgePage.on('pageerror', (e) => pageErrors.push(e.message));
    const seen = await watch(bridgePage, origin);
    await bridgePage.goto(t.bridge.url);
    const status = bridgePage.getByTestId('status-line');
    await status.filter({ hasText: STATE.message }).waitFor();

    assert.equal(bridgePage.url(), `${origin}/`, 'the token is gone from the address bar');
    assert.equal(await bridgePage.evaluate(() => (globalThis as unknown as PageGlobals).location.href), `${origin}/`);
    assert.equal(
      await bridgePage.evaluate(() => (globalThis as unknown as PageGlobals).sessionStorage.getItem('agent-janitor.token')),
      t.bridge.token,
    );
    assert.ok(
      t.fake.calls.some((c) => c.method === 'getState'),
      'an API call reached the engine',
    );

    // The event stream (fetch with the header, not EventSource) delivers a pushed state.
    assert.ok(await waitFor(() => t.fake.listeners() === 1, 5000), 'timed out waiting');
    t.fake.push({ event: 'state', state: { ...STATE, message: 'Pushed over the stream' } });
    await status.filter({ hasText: 'Pushed over the stream' }).waitFor();

    // A reload finds the token in sessionStorage; the address bar stays clean.
    await bridgePage.reload();
    await status.filter({ hasText: STATE.message }).waitFor();
    assert.equal(bridgePage.url(), `${origin}/`);

    const exchanges = await seen();
    const api = exchanges.filter((r) => isApi(r.url));
    assert.ok(
      api.some((r) => r.url.endsWith('/api/events')) && api.some((r) => r.url.endsWith('/api/getState')),
      api.map((r) => r.url).join(' '),
    );
    for (const r of api) {
      assert.equal(r.requestHeaders.authorization, `Bearer ${t.bridge.token}`, r.url);
      assert.ok(!r.url.includes('token='), `${r.url} carries the token in its URL`);
      assert.equal(r.status, 200, r.url);
    }
    for (const r of exchanges) {
      assert.equal(r.requestHeaders.cookie, undefined, `${r.url} carried a cookie`);
      assert.equal(r.responseHeaders['set-cookie'], undefined, `${r.url} set a cookie`);
    }
    assert.deepEqual(await context.cookies(), [], 'no cookie at all in the browser');
    assert.deepEqual(pageErrors, []);
  });

  it('(b) a page on another port reads no token and gets no answer; its server receives neither cookie nor token', async () => {
    const callsBefore = t.fake.calls.length;
    const subscriptionsBefore = subscriptions;
    const probe = async (page: Page) => {
      const seen = await watch(page, origin);
      await page.goto(`${foreign.origin}/`);
      const results = await page.evaluate(() => (globalThis as unknown as { probe: Promise<ProbeResults> }).probe);
      return { results, exchanges: await seen() };
    };
    // In its own tab while the bridge's tab is open, then in the bridge's own tab (the user followed a link there).
    const tab = await context.newPage();
    const runs = [await probe(tab), await probe(bridgePage)];

    for (const { results, exchanges } of runs) {
      assert.equal(results.cookie, '', 'no cookie readable');
      assert.deepEqual(results.stored, [null, null], 'its storage is its own origin: no token there');
      assert.equal(results.ownProbe, 204);
      assert.equal(results.attempts.length, 6);
      for (const a of results.attempts) assert.match(a.outcome, /^refused: TypeError$/, a.name);
      // On the wire: the bridge answered each request that reached it with 401 or 403, and no cookie went to it.
      const api = exchanges.filter((r) => isApi(r.url));
      assert.ok(api.length >= 6, api.map((r) => `${r.method} ${r.url} ${r.status}`).join('\n'));
      for (const r of api) {
        // A POST whose preflight the bridge refused (403) is never sent: no headers went out, no status came back.
        if (r.status === null) assert.deepEqual(r.requestHeaders, {}, `${r.method} ${r.url} went out and got no answer`);
        else assert.ok(r.status === 401 || r.status === 403, `${r.method} ${r.url}: ${r.status}`);
        assert.equal(r.requestHeaders.cookie, undefined, `${r.url} carried a cookie`);
      }
      const noCorsEvents = api.filter((r) => r.url.endsWith('/api/events') && r.requestHeaders.origin === undefined);
      assert.ok(
        noCorsEvents.length > 0 && noCorsEvents.every((r) => r.status === 401),
        'a no-cors GET carries no Origin: only the missing token stops it',
      );
    }
    assert.equal(t.fake.calls.length, callsBefore, 'no call reached the engine');
    assert.equal(subscriptions, subscriptionsBefore, 'no event stream was opened');

    assert.deepEqual(await context.cookies(), [], 'still no cookie in the browser');
    assert.ok(foreign.seen.length >= 4, 'two pages, two probes');
    for (const r of foreign.seen) {
      assert.doesNotMatch(String(r.headers.cookie ?? ''), /aj_/, `${r.url} received an aj_ cookie`);
      for (const [name, value] of Object.entries(r.headers))
        assert.ok(!String(value).includes(t.bridge.token), `${r.url}: the token in ${name}`);
    }
    await tab.close();
  });

  it('(c) the old aj_token cookie alone is refused, over HTTP and in the browser', async () => {
    const cookie = `aj_token=${t.bridge.token}`;
    const sameOrigin = { Origin: origin };
    for (const headers of [{ Cookie: cookie }, { Cookie: cookie, ...sameOrigin }]) {
      const post = await request(t.bridge.port, { method: 'POST', path: '/api/getState', headers, body: '{}' });
      assert.equal(post.status, 401);
      assert.equal((await request(t.bridge.port, { path: '/api/events', headers })).status, 401);
    }

    // A cookie left in the browser by an older version, and a tab without the token in its storage: the app sends
    // no cookie (credentials: 'omit') and gets 401; a request that does carry the cookie gets 401 as well.
    await context.addCookies([{ name: 'aj_token', value: t.bridge.token, url: `${origin}/` }]);
    const fresh = await context.newPage();
    const seen = await watch(fresh, origin);
    await fresh.goto(`${origin}/`);
    await fresh.getByTestId('state-error').waitFor();
    assert.match(await fresh.getByTestId('state-error').innerText(), /token/);
    const withCookie = await fresh.evaluate(() =>
      fetch('/api/getState', { method: 'POST', body: '{}', credentials: 'include' }).then((r) => r.status),
    );
    assert.equal(withCookie, 401);
    const api = (await seen()).filter((r) => isApi(r.url));
    assert.ok(
      api.some((r) => r.requestHeaders.cookie === cookie),
      'the browser did send the old cookie with that request',
    );
    for (const r of api) {
      assert.equal(r.requestHeaders.authorization, undefined, `${r.url}: no token in this tab`);
      assert.equal(r.status, 401, r.url);
    }
    await fresh.close();
    await context.clearCookies();
  });
});
