import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fieldIssues } from '../../src/shared/field-issues.js';
import { bearerToken, checkRequest, isApiPath, pathOf, tokensEqual, type GuardRequest } from '../../src/bridge/request-guard.js';
import { staticPathSegments } from '../../src/bridge/static-files.js';
import { uiMethods } from '../../src/shared/index.js';

/** The bridge's request rules as pure functions; test/integration/bridge-*.test.ts checks them again over HTTP. */

const ctx = { port: 4321, token: 'T0ken_of-the-bridge-1234567890abcdef' };
const host = '127.0.0.1:4321';
const req = (r: Partial<GuardRequest> & { headers?: GuardRequest['headers'] }): GuardRequest => ({
  method: 'GET',
  url: '/',
  ...r,
  headers: { host, ...r.headers },
});

describe('web bridge: request guard', () => {
  it('tokensEqual is equality, whatever the lengths', () => {
    fc.assert(fc.property(fc.string(), fc.string(), (a, b) => tokensEqual(a, b) === (a === b)));
    fc.assert(fc.property(fc.string(), (a) => tokensEqual(a, a)));
  });

  it('reads Bearer tokens', () => {
    assert.equal(bearerToken('Bearer abc'), 'abc');
    assert.equal(bearerToken('bearer   abc  '), 'abc');
    assert.equal(bearerToken('Bearer a b'), null);
    assert.equal(bearerToken('Basic abc'), null);
    assert.equal(bearerToken(undefined), null);
  });

  it('tells API paths from static ones the way the router does', () => {
    for (const p of ['/api', '/api/getState', '/api/events?x=1', '/api/']) assert.equal(isApiPath(pathOf(p)), true, p);
    for (const p of ['/', '/?token=x', '/app.js', '/apix', '/%61pi/getState', '//api/getState', 'http://127.0.0.1:4321/api/getState']) {
      assert.equal(isApiPath(pathOf(p)), false, p);
    }
  });

  it('refuses a missing or foreign Host with 403 before looking at the token', () => {
    const noHost = checkRequest({ method: 'GET', url: '/', headers: {} }, ctx);
    assert.deepEqual(noHost.ok ? null : noHost.status, 403);
    const foreign = checkRequest(req({ headers: { host: 'evil.example:4321', authorization: `Bearer ${ctx.token}` } }), ctx);
    assert.equal(foreign.ok ? null : foreign.status, 403);
    assert.equal(checkRequest(req({ headers: { host: 'LOCALHOST:4321', authorization: `Bearer ${ctx.token}` } }), ctx).ok, true);
  });

  it('the API takes the token from the Authorization header only: no cookie, no query', () => {
    const status = (r: GuardRequest) => {
      const v = checkRequest(r, ctx);
      return v.ok ? 200 : v.status;
    };
    const cookie = `aj_token=${ctx.token}`;
    const origin = 'http://127.0.0.1:4321';
    assert.equal(status(req({ method: 'POST', url: '/api/getState', headers: { authorization: `Bearer ${ctx.token}` } })), 200);
    assert.equal(status(req({ method: 'GET', url: '/api/events', headers: { authorization: `Bearer ${ctx.token}` } })), 200);
    for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH']) {
      assert.equal(status(req({ method, url: '/api/cleanNow', headers: { cookie } })), 401, `${method} with the old cookie`);
      assert.equal(
        status(req({ method, url: '/api/cleanNow', headers: { cookie, origin } })),
        401,
        `${method} with the old cookie and our Origin`,
      );
    }
    assert.equal(status(req({ url: `/api/events?token=${ctx.token}` })), 401, 'a query token on a GET');
    assert.equal(
      status(req({ method: 'POST', url: `/api/getState?token=${ctx.token}`, headers: { origin } })),
      401,
      'a query token on a POST',
    );
    assert.equal(
      status(req({ method: 'POST', url: '/api/getState', headers: { authorization: 'Bearer nope', cookie } })),
      401,
      'a right cookie rescues nothing',
    );
  });

  it('static files need no token, but still the right Host and Origin', () => {
    const ok = (r: GuardRequest) => checkRequest(r, ctx).ok;
    for (const url of ['/', '/?token=whatever', '/index.html', '/app.js', '/app.css', '/missing.js'])
      assert.equal(ok(req({ url })), true, url);
    assert.equal(ok(req({ url: '/app.js', headers: { host: 'evil.example:4321' } })), false);
    assert.equal(ok(req({ url: '/app.js', headers: { origin: 'http://127.0.0.1:4322' } })), false);
  });

  it('takes any request path apart into plain names, or refuses it', () => {
    assert.deepEqual(staticPathSegments('/'), { ok: true, segments: ['index.html'] });
    assert.deepEqual(staticPathSegments('/assets/a%20b.svg'), { ok: true, segments: ['assets', 'a b.svg'] });
    // Whatever the path, an accepted one never has a segment that could climb, hide, or carry a separator.
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('..', '.', '%2e', '%2E%2e', '%2f', '%5c', '\\', '%00', '%', 'a', 'b.js', '', '%c0%ae', '.git'), {
          maxLength: 6,
        }),
        (parts) => {
          const r = staticPathSegments('/' + parts.join('/'));
          if (!r.ok) return true;
          return r.segments.every((s) => s !== '' && !s.startsWith('.') && !/[/\\\0]/.test(s));
        },
      ),
    );
  });

  it('names each field of a refused input by its dotted path, unknown keys included', () => {
    const r = uiMethods.setPinned.input.safeParse({ agentId: 1, pinned: true, stray: 1, other: 2 });
    assert.equal(r.success, false);
    const issues = fieldIssues(r.error!.issues)
      .map((i) => i.path)
      .sort();
    assert.deepEqual(issues, ['agentId', 'other', 'stray']);
    assert.deepEqual(fieldIssues([{ path: ['config', 'retention', 0], message: 'm' }]), [{ path: 'config.retention.0', message: 'm' }]);
  });
});
