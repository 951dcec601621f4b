import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fieldIssues } from '../../src/shared/field-issues.js';
import { bearerToken, checkRequest, cookieValues, tokensEqual, type GuardRequest } from '../../src/bridge/request-guard.js';
import { staticPathSegments } from '../../src/bridge/static-files.js';
import { uiMethods } from '../../src/shared/index.js';

/** The bridge's request rules as pure functions; test/integration/bridge-*.test.ts checks them again over HTTP. */

const ctx = { port: 4321, token: 'T0ken_of-the-bridge-1234567890abcdef' };
const host = '127.0.0.1:4321';
const req = (r: Partial<GuardRequest> & { headers?: GuardRequest['headers'] }): GuardRequest => ({ method: 'GET', url: '/', ...r, headers: { host, ...r.headers } });

describe('web bridge: request guard', () => {
  it('tokensEqual is equality, whatever the lengths', () => {
    fc.assert(fc.property(fc.string(), fc.string(), (a, b) => tokensEqual(a, b) === (a === b)));
    fc.assert(fc.property(fc.string(), (a) => tokensEqual(a, a)));
  });

  it('reads Bearer tokens and cookies', () => {
    assert.equal(bearerToken('Bearer abc'), 'abc');
    assert.equal(bearerToken('bearer   abc  '), 'abc');
    assert.equal(bearerToken('Bearer a b'), null);
    assert.equal(bearerToken('Basic abc'), null);
    assert.equal(bearerToken(undefined), null);
    assert.deepEqual(cookieValues('a=1; aj_token=x; aj_token=y;b=2', 'aj_token'), ['x', 'y']);
    assert.deepEqual(cookieValues('xaj_token=1; aj_token_2=3', 'aj_token'), []);
    assert.deepEqual(cookieValues(undefined, 'aj_token'), []);
  });

  it('refuses a missing or foreign Host with 403 before looking at the token', () => {
    const noHost = checkRequest({ method: 'GET', url: '/', headers: {} }, ctx);
    assert.deepEqual(noHost.ok ? null : noHost.status, 403);
    const foreign = checkRequest(req({ headers: { host: 'evil.example:4321', authorization: `Bearer ${ctx.token}` } }), ctx);
    assert.equal(foreign.ok ? null : foreign.status, 403);
    assert.equal(checkRequest(req({ headers: { host: 'LOCALHOST:4321', authorization: `Bearer ${ctx.token}` } }), ctx).ok, true);
  });

  it('the CSRF rule: a non-GET without Origin needs the Authorization header', () => {
    const cookie = `aj_token=${ctx.token}`;
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const v = checkRequest(req({ method, url: '/api/cleanNow', headers: { cookie } }), ctx);
      assert.equal(v.ok ? null : v.status, 403, method);
    }
    assert.equal(checkRequest(req({ method: 'POST', url: '/api/cleanNow', headers: { cookie, origin: 'http://localhost:4321' } }), ctx).ok, true);
    assert.equal(checkRequest(req({ method: 'POST', url: '/api/cleanNow', headers: { authorization: `Bearer ${ctx.token}` } }), ctx).ok, true);
    assert.equal(checkRequest(req({ method: 'GET', url: '/api/events', headers: { cookie } }), ctx).ok, true);
  });

  it('says which credential was accepted', () => {
    const credential = (r: GuardRequest) => {
      const v = checkRequest(r, ctx);
      return v.ok ? v.credential : v.status;
    };
    assert.equal(credential(req({ headers: { authorization: `Bearer ${ctx.token}` } })), 'header');
    assert.equal(credential(req({ url: `/?token=${ctx.token}` })), 'query');
    assert.equal(credential(req({ headers: { cookie: `aj_token=old; aj_token=${ctx.token}` } })), 'cookie');
    assert.equal(credential(req({ method: 'HEAD', url: `/?token=${ctx.token}` })), 401);
  });

  it('takes any request path apart into plain names, or refuses it', () => {
    assert.deepEqual(staticPathSegments('/'), { ok: true, segments: ['index.html'] });
    assert.deepEqual(staticPathSegments('/assets/a%20b.svg'), { ok: true, segments: ['assets', 'a b.svg'] });
    // Whatever the path, an accepted one never has a segment that could climb, hide, or carry a separator.
    fc.assert(
      fc.property(fc.array(fc.constantFrom('..', '.', '%2e', '%2E%2e', '%2f', '%5c', '\\', '%00', '%', 'a', 'b.js', '', '%c0%ae', '.git'), { maxLength: 6 }), (parts) => {
        const r = staticPathSegments('/' + parts.join('/'));
        if (!r.ok) return true;
        return r.segments.every((s) => s !== '' && !s.startsWith('.') && !/[/\\\0]/.test(s));
      }),
    );
  });

  it('names each field of a refused input by its dotted path, unknown keys included', () => {
    const r = uiMethods.setPinned.input.safeParse({ agentId: 1, pinned: true, stray: 1, other: 2 });
    assert.equal(r.success, false);
    const issues = fieldIssues(r.error!.issues).map((i) => i.path).sort();
    assert.deepEqual(issues, ['agentId', 'other', 'stray']);
    assert.deepEqual(fieldIssues([{ path: ['config', 'retention', 0], message: 'm' }]), [{ path: 'config.retention.0', message: 'm' }]);
  });
});
