import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CONTENT_SECURITY_POLICY } from '../../src/bridge/responses.js';
import { bearer, closeTestBridges, request, startTestBridge, type RawResponse, type TestBridge } from '../helpers/bridge-harness.js';

/**
 * Who may talk to the bridge: Host, Origin and the token (the Authorization header only: no cookie, no query), each
 * refusing and accepting over real HTTP. In Chromium, with a page on another port: hostile-web-token.test.ts.
 */

let t: TestBridge;
let port: number;
let token: string;
before(async () => {
  t = await startTestBridge();
  port = t.bridge.port;
  token = t.bridge.token;
});
after(closeTestBridges);

function assertSecurityHeaders(res: RawResponse): void {
  assert.equal(res.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
  assert.equal(res.headers['x-content-type-options'], 'nosniff');
  assert.equal(res.headers['referrer-policy'], 'no-referrer');
  assert.equal(res.headers['cache-control'], 'no-store');
}

const getState = (headers: Record<string, string>, extra: { host?: string | null; path?: string; method?: string } = {}) =>
  request(port, {
    method: extra.method ?? 'POST',
    path: extra.path ?? '/api/getState',
    headers,
    ...(extra.host !== undefined ? { host: extra.host } : {}),
    ...(extra.method === 'GET' ? {} : { body: '{}' }),
  });

describe('web bridge: access', () => {
  it('starts with a 32-byte base64url token in its URL, on 127.0.0.1', () => {
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(t.bridge.url, `http://127.0.0.1:${port}/?token=${token}`);
  });

  it('refuses an API request without a token (401, JSON error, security headers)', async () => {
    for (const path of ['/api/events', '/api/getState', '/api', '/api/nope']) {
      const res = await request(port, { path });
      assert.equal(res.status, 401, path);
      assert.match(JSON.parse(res.body).error, /token/);
      assert.equal(res.headers['www-authenticate'], 'Bearer');
      assertSecurityHeaders(res);
    }
    const post = await getState({});
    assert.equal(post.status, 401);
    assert.equal(t.fake.calls.length, 0, 'the service was never reached');
  });

  it('serves the page and its files without a token (they hold no secret), and never sets a cookie', async () => {
    for (const path of ['/', `/?token=${token}`, '/?token=wrong', '/index.html', '/app.js', '/app.css']) {
      const res = await request(port, { path });
      assert.equal(res.status, 200, path);
      assert.equal(res.headers['set-cookie'], undefined, path);
      assert.ok(!res.body.includes(token), `${path} carries the token`);
      assertSecurityHeaders(res);
    }
    assert.equal((await request(port, { path: '/missing.js' })).status, 404);
  });

  it('refuses a wrong token in the header', async () => {
    const wrongs = [
      token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'),
      token.slice(1),
      token + 'x',
      token.toLowerCase() === token ? token.toUpperCase() : token.toLowerCase(),
      '',
    ];
    for (const wrong of wrongs) {
      assert.equal((await getState({ Authorization: `Bearer ${wrong}` })).status, 401, `header ${wrong}`);
    }
    assert.equal((await getState({ Authorization: `Basic ${token}` })).status, 401, 'another scheme');
    assert.equal((await getState({ Authorization: token })).status, 401, 'no scheme');
  });

  it('refuses the right token as a cookie (the old aj_token) or in the query, whatever the method and Origin', async () => {
    const callsAtStart = t.fake.calls.length;
    const origin = { Origin: `http://127.0.0.1:${port}` };
    for (const headers of [{ Cookie: `aj_token=${token}` }, { Cookie: `theme=dark; aj_token=${token}`, ...origin }]) {
      assert.equal((await getState(headers)).status, 401, `POST ${JSON.stringify(headers)}`);
      assert.equal((await request(port, { path: '/api/events', headers })).status, 401, `events ${JSON.stringify(headers)}`);
      const pin = await request(port, {
        method: 'POST',
        path: '/api/setPinned',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: '{"agentId":"a1","pinned":true}',
      });
      assert.equal(pin.status, 401);
    }
    assert.equal((await request(port, { path: `/api/events?token=${token}` })).status, 401, 'query on a GET');
    assert.equal((await getState(origin, { path: `/api/getState?token=${token}` })).status, 401, 'query on a POST');
    assert.equal(
      (await getState({ Authorization: 'Bearer nope', Cookie: `aj_token=${token}`, ...origin })).status,
      401,
      'a right cookie rescues no wrong header',
    );
    assert.equal(t.fake.calls.length, callsAtStart, 'the service was never reached');
  });

  it('accepts the token as a Bearer header, with or without our Origin, and answers without a cookie', async () => {
    const viaHeader = await getState(bearer(token));
    assert.equal(viaHeader.status, 200);
    assert.equal(JSON.parse(viaHeader.body).tray, 'idle');
    assert.equal(viaHeader.headers['set-cookie'], undefined);
    assert.equal((await getState({ Authorization: `bearer  ${token}` })).status, 200, 'the scheme is case-insensitive');
    const pin = await request(port, {
      method: 'POST',
      path: '/api/setPinned',
      headers: { ...bearer(token), Origin: `http://127.0.0.1:${port}` },
      body: '{"agentId":"a1","pinned":true}',
    });
    assert.equal(pin.status, 200);
    const curl = await request(port, {
      method: 'POST',
      path: '/api/setPinned',
      headers: bearer(token),
      body: '{"agentId":"a2","pinned":true}',
    });
    assert.equal(curl.status, 200);
    assert.deepEqual(JSON.parse(curl.body), { pins: ['a1', 'a2'] });
  });

  it('refuses a Host other than 127.0.0.1:PORT or localhost:PORT (403, checked before the token)', async () => {
    const callsAtStart = t.fake.calls.length;
    const other = port === 65535 ? port - 1 : port + 1;
    for (const host of [
      'evil.example:' + port,
      `127.0.0.1:${other}`,
      `localhost:${other}`,
      '127.0.0.1',
      'localhost',
      `[::1]:${port}`,
      `0.0.0.0:${port}`,
      `127.0.0.1.evil.example:${port}`,
    ]) {
      const withToken = await getState(bearer(token), { host });
      assert.equal(withToken.status, 403, `${host} with the token`);
      assert.match(JSON.parse(withToken.body).error, /Host/);
      assertSecurityHeaders(withToken);
      assert.equal((await getState({}, { host })).status, 403, `${host} without the token: 403, not 401`);
      assert.equal((await request(port, { path: '/', host })).status, 403, `${host}: the page too (DNS rebinding)`);
    }
    assert.equal(t.fake.calls.length, callsAtStart, 'no refused request reached the service');
    // Node itself answers an HTTP/1.1 request without Host with 400 before the bridge sees it; the guard's own 403 for
    // that case is in test/unit/bridge-request-guard.test.ts.
    const callsBefore = t.fake.calls.length;
    const noHost = await getState(bearer(token), { host: null });
    assert.ok(noHost.status === 400 || noHost.status === 403, `no Host at all: ${noHost.status}`);
    assert.equal(t.fake.calls.length, callsBefore, 'no refused request reached the service');
  });

  it('accepts Host localhost:PORT as well as 127.0.0.1:PORT', async () => {
    assert.equal((await getState(bearer(token), { host: `localhost:${port}` })).status, 200);
    assert.equal((await getState(bearer(token), { host: `127.0.0.1:${port}` })).status, 200);
  });

  it("refuses an Origin other than the bridge's own (403), even with the token", async () => {
    const other = port === 65535 ? port - 1 : port + 1;
    for (const origin of [
      'http://evil.example',
      `http://evil.example:${port}`,
      `http://127.0.0.1:${other}`,
      `https://127.0.0.1:${port}`,
      'null',
      `http://127.0.0.1:${port}.evil.example`,
    ]) {
      const res = await getState({ ...bearer(token), Origin: origin });
      assert.equal(res.status, 403, origin);
      assert.match(JSON.parse(res.body).error, /Origin/);
      const get = await request(port, { path: '/app.js', headers: { Origin: origin } });
      assert.equal(get.status, 403, `a static file for ${origin}`);
    }
  });

  it('accepts Origin http://127.0.0.1:PORT and http://localhost:PORT', async () => {
    for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`]) {
      assert.equal((await getState({ ...bearer(token), Origin: origin })).status, 200, origin);
    }
  });
});
