import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ALERTS_ROUTE, alertIdFor, alertIdFromRoute, alertRoute } from '../../src/shared/alert-id.js';
import { CONTENT_SECURITY_POLICY, ROUTES, navigationAllowed, urlAtRoute, withCsp } from '../../src/electron-main/window-policy.js';

const INDEX = path.resolve('/opt/aj/resources/app.asar/dist/renderer/index.html');

describe('window policy', () => {
  it("sets the bridge's CSP on every response, replacing any other, whatever its case", () => {
    const out = withCsp({
      'content-security-policy': ["default-src *; script-src 'unsafe-inline'"],
      'X-Other': 'kept',
      'CONTENT-SECURITY-POLICY': 'x',
    });
    assert.deepEqual(out, { 'X-Other': ['kept'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
    assert.deepEqual(withCsp(undefined), { 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
      "form-action 'none'",
    ]) {
      assert.ok(CONTENT_SECURITY_POLICY.split('; ').includes(directive), directive);
    }
    assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-inline|unsafe-eval|\*/);
  });

  it('allows navigation only within the index page (a route change)', () => {
    const index = pathToFileURL(INDEX).href;
    assert.equal(navigationAllowed(`${index}#/alerts`, INDEX), true);
    assert.equal(navigationAllowed(index, INDEX), true);
    for (const target of [
      'https://example.com/',
      'http://127.0.0.1:8080/',
      pathToFileURL('/etc/passwd').href,
      pathToFileURL(path.join(path.dirname(INDEX), 'x.html')).href,
      `${index}?q=1`,
      'javascript:alert(1)',
      'about:blank',
    ]) {
      assert.equal(navigationAllowed(target, INDEX), false, target);
    }
  });

  it('opens the window at a route (the renderer routes on location.hash)', () => {
    assert.equal(urlAtRoute(INDEX, null), pathToFileURL(INDEX).href);
    assert.equal(urlAtRoute(INDEX, ROUTES.settings), `${pathToFileURL(INDEX).href}#/settings`);
    const route = alertRoute('ghost-agent:TASK-20261124-000000-aaaaaaaa/builder-1');
    const url = urlAtRoute(INDEX, route);
    assert.equal(new URL(url).hash, route);
    assert.equal(alertIdFromRoute(new URL(url).hash), 'ghost-agent:TASK-20261124-000000-aaaaaaaa/builder-1');
    assert.equal(urlAtRoute(INDEX, 'javascript:alert(1)'), pathToFileURL(INDEX).href, 'only #/ routes are taken');
  });
});

describe('alert ids and routes', () => {
  it('gives each problem a stable id, and routes round-trip it', () => {
    const cases: [Parameters<typeof alertIdFor>[0], string][] = [
      [
        { event: 'orphan', ts: 't', orphan: { kind: 'orphan-session', session: 'agent_x', sessionId: '$3', reason: 'r', unreadable: [] } },
        'orphan-session:$3',
      ],
      [
        { event: 'orphan', ts: 't', orphan: { kind: 'ghost-agent', task: 'T', agentId: 'a', session: null, reason: 'r' } },
        'ghost-agent:T/a',
      ],
      [{ event: 'orphan', ts: 't', orphan: { kind: 'suspect', agentId: 'a', pid: 5, argv: 'x', reason: 'r' } }, 'suspect:5'],
      [{ event: 'orphan', ts: 't', orphan: { kind: 'zombie', agentId: null, pid: 6, ppid: 1, reason: 'r' } }, 'zombie:6'],
      [
        { event: 'orphan', ts: 't', orphan: { kind: 'leftover-process', agentId: 'a', pid: 7, argv: 'x', reason: 'r' } },
        'leftover-process:a:7',
      ],
      [{ event: 'idle-warning', ts: 't', task: 'T', agentId: 'a', idleMinutes: 100, cleanInMinutes: 10 }, 'idle-warning:T/a'],
      [{ event: 'stalled', ts: 't', step: 'archive', runningMs: 1, limitMs: 1 }, 'stalled:archive'],
      [{ event: 'breaker', ts: 't', task: 'T', failures: 3, retryAt: 't', lastError: 'e' }, 'breaker:T'],
    ];
    for (const [event, id] of cases) {
      assert.equal(alertIdFor(event), id);
      assert.equal(alertIdFromRoute(alertRoute(id)), id);
    }
    assert.equal(alertIdFor({ event: 'resume', ts: 't', sleptMs: 1 }), null);
    assert.equal(alertIdFromRoute(ALERTS_ROUTE), null);
    assert.equal(alertIdFromRoute(`${ALERTS_ROUTE}/`), null);
    assert.equal(alertIdFromRoute('#/settings'), null);
    assert.equal(alertIdFromRoute(`${ALERTS_ROUTE}/%E0%A4%A`), null, 'a malformed escape is no id');
  });
});
