import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CONTENT_SECURITY_POLICY } from '../../src/bridge/responses.js';
import { closeTestBridges, request, startTestBridge, type TestBridge } from '../helpers/bridge-harness.js';

/** The renderer's files: content types, headers, no listing, no way out of staticDir, and the not-built page. */

const SECRET = 'SECRET-OUTSIDE-STATIC-7f3a';
let t: TestBridge;
before(async () => {
  t = await startTestBridge({
    files: {
      'index.html': '<!doctype html><title>agent-janitor</title>',
      'app.js': 'console.log(1);',
      'app.css': 'body{}',
      'app.js.map': '{"version":3}',
      'assets/logo.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
      'assets/data.bin': 'raw',
      '.hidden': 'dotfile',
    },
  });
  // Outside staticDir, beside it: what a traversal would be after.
  fs.writeFileSync(path.join(t.base, 'secret.txt'), SECRET);
  fs.writeFileSync(path.join(t.base, 'package.json'), SECRET);
  fs.symlinkSync(path.join(t.base, 'secret.txt'), path.join(t.staticDir, 'leak.txt'));
  fs.symlinkSync(t.base, path.join(t.staticDir, 'up'));
  fs.symlinkSync('../secret.txt', path.join(t.staticDir, 'assets', 'relative-leak.txt'));
  // A symlink that stays inside staticDir is fine.
  fs.symlinkSync('app.css', path.join(t.staticDir, 'alias.css'));
});
after(closeTestBridges);

/** Static files need no token (request-guard.ts): they hold no secret, and the page must load to read its token. */
const get = (p: string) => request(t.bridge.port, { path: p });

describe('web bridge: static files', () => {
  it('serves index.html for / and each file with its content type and the security headers', async () => {
    const expected: Array<[string, string, string]> = [
      ['/', 'text/html; charset=utf-8', '<!doctype html><title>agent-janitor</title>'],
      ['/index.html', 'text/html; charset=utf-8', '<!doctype html><title>agent-janitor</title>'],
      ['/app.js', 'text/javascript; charset=utf-8', 'console.log(1);'],
      ['/app.css', 'text/css; charset=utf-8', 'body{}'],
      ['/app.js.map', 'application/json; charset=utf-8', '{"version":3}'],
      ['/assets/logo.svg', 'image/svg+xml', '<svg xmlns="http://www.w3.org/2000/svg"/>'],
      ['/assets/data.bin', 'application/octet-stream', 'raw'],
      ['/alias.css', 'text/css; charset=utf-8', 'body{}'],
      ['/app.js?v=2', 'text/javascript; charset=utf-8', 'console.log(1);'],
    ];
    for (const [p, type, body] of expected) {
      const res = await get(p);
      assert.equal(res.status, 200, p);
      assert.equal(res.headers['content-type'], type, p);
      assert.equal(res.body, body, p);
      assert.equal(res.headers['content-security-policy'], CONTENT_SECURITY_POLICY, p);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', p);
      assert.equal(res.headers['referrer-policy'], 'no-referrer', p);
    }
  });

  it('answers 404 for missing files and folders, and lists no directory', async () => {
    for (const p of ['/missing.js', '/assets', '/assets/', '//app.js', '/.hidden', '/app.js/']) {
      const res = await get(p);
      assert.equal(res.status, 404, p);
      assert.doesNotMatch(res.body, /logo\.svg|data\.bin/, p);
    }
  });

  it('never serves a file outside staticDir, however the path is written', async () => {
    const attempts = [
      '/../secret.txt',
      '/../package.json',
      '/../../../../../../etc/passwd',
      '/%2e%2e/secret.txt',
      '/%2E%2E/package.json',
      '/.%2e/secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/..%5csecret.txt',
      '/..\\secret.txt',
      '/%252e%252e/secret.txt',
      '/app.js%00.html',
      '/%c0%ae%c0%ae/secret.txt',
      '/%',
      `/${encodeURIComponent(path.join(t.base, 'secret.txt'))}`,
      '/index.html/../../secret.txt',
    ];
    for (const p of attempts) {
      const res = await get(p);
      assert.ok(res.status === 400 || res.status === 404, `${p}: ${res.status}`);
      assert.ok(!res.body.includes(SECRET), `${p} leaked the file`);
      assert.ok(!res.body.includes('root:'), `${p} leaked /etc/passwd`);
    }
  });

  it('refuses a symlink in staticDir that points outside it', async () => {
    for (const p of ['/leak.txt', '/up/secret.txt', '/up/package.json', '/assets/relative-leak.txt']) {
      const res = await get(p);
      assert.equal(res.status, 404, p);
      assert.ok(!res.body.includes(SECRET), `${p} leaked the file`);
    }
  });

  it('refuses a request target that is not a path (absolute form)', async () => {
    const res = await get(`http://127.0.0.1:${t.bridge.port}/app.js`);
    assert.equal(res.status, 400);
  });

  it('serves files by GET only', async () => {
    const res = await request(t.bridge.port, {
      method: 'POST',
      path: '/app.js',
      headers: { Authorization: `Bearer ${t.bridge.token}` },
      body: '',
    });
    assert.equal(res.status, 405);
  });

  it('answers / with 503 and says to run `npm run build` when the renderer is not built', async () => {
    const empty = await startTestBridge({ files: {} });
    const res = await request(empty.bridge.port, { path: `/?token=${empty.bridge.token}` });
    assert.equal(res.status, 503);
    assert.match(res.body, /npm run build/);
    assert.equal(res.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
    assert.equal((await request(empty.bridge.port, { path: '/app.js' })).status, 404);

    // Built after the bridge started: picked up without a restart.
    fs.writeFileSync(path.join(empty.staticDir, 'index.html'), '<!doctype html><title>built</title>');
    const built = await request(empty.bridge.port, { path: '/' });
    assert.equal(built.status, 200);
    assert.match(built.body, /built/);
  });

  it('answers 503 too when staticDir does not exist at all', async () => {
    const gone = await startTestBridge();
    fs.rmSync(gone.staticDir, { recursive: true });
    const res = await request(gone.bridge.port, { path: '/' });
    assert.equal(res.status, 503);
    assert.match(res.body, /npm run build/);
  });
});
