import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { DaemonProcess } from '../helpers/daemon-process.js';
import { Sandbox, waitFor } from '../helpers/sandbox.js';

/**
 * Issue 10 point 2: the window's address survives a daemon restart (one access key per user, mode 0600 in the state
 * dir, and the port reused), `status` prints it, a rotation applies at once, and a browser without the key gets a
 * page that says what to do.
 */
function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const call = (origin: string, token: string) => get(`${origin}/api/getState`, { Authorization: `Bearer ${token}` }, 'POST');

async function serve(sb: Sandbox): Promise<{ daemon: DaemonProcess; url: URL }> {
  const daemon = DaemonProcess.start(sb, ['--ui']);
  await daemon.waitFor((e) => e.event === 'ready');
  assert.ok(await waitFor(() => /UI at http/.test(daemon.stderr)), daemon.stderr);
  return { daemon, url: new URL(/UI at (\S+)/.exec(daemon.stderr)![1]!) };
}

describe("the window's address across restarts", () => {
  const sb = Sandbox.create();
  const daemons: DaemonProcess[] = [];
  after(async () => {
    for (const d of daemons) await d.stop();
    await sb.cleanup();
  });

  it('keeps its key and port across a restart, is printed by status, rotates on demand, and explains itself to a browser without the key', async () => {
    const first = await serve(sb);
    daemons.push(first.daemon);
    const token = first.url.searchParams.get('token')!;
    const file = path.join(sb.dir, 'state', 'agent-janitor', 'ui-access.json');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600, 'the key is readable by this user only');
    assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).token, token);
    assert.match((await runCli(sb, ['status'])).stdout, new RegExp(`window: ${first.url.href.replace(/[?]/g, '\\?')}`));

    assert.equal(await first.daemon.stop(), 0);
    assert.match((await runCli(sb, ['status'])).stdout, /window: not served/);
    const second = await serve(sb);
    daemons.push(second.daemon);
    assert.equal(second.url.href, first.url.href, 'same port, same key: an open window reconnects by itself');
    assert.equal((await call(second.url.origin, token)).status, 200);

    const rotated = await runCli(sb, ['status', '--rotate-key', '--json']);
    const address = new URL(JSON.parse(rotated.stdout).window as string);
    const newToken = address.searchParams.get('token')!;
    assert.notEqual(newToken, token);
    assert.equal((await call(second.url.origin, token)).status, 401, 'the old key is refused at once, without a restart');
    assert.equal((await call(second.url.origin, newToken)).status, 200);

    const page = await get(`${second.url.origin}/api/getState`, { Accept: 'text/html,application/xhtml+xml' });
    assert.equal(page.status, 401);
    assert.match(page.type, /text\/html/);
    assert.match(page.body, /agent-janitor status/);
    assert.doesNotMatch(page.body, /\{"error"/);
    const json = await get(`${second.url.origin}/api/getState`, {}, 'POST');
    assert.equal(json.status, 401);
    assert.match(json.type, /application\/json/, 'a program still gets JSON');
  });

  it('takes another port, and says so, when the one used last time is taken', async () => {
    const access = JSON.parse(fs.readFileSync(path.join(sb.dir, 'state', 'agent-janitor', 'ui-access.json'), 'utf8')) as { port: number };
    for (const d of daemons.splice(0)) await d.stop();
    const squatter = http.createServer((_req, res) => res.end('not the janitor'));
    await new Promise<void>((resolve) => squatter.listen(access.port, '127.0.0.1', resolve));
    try {
      const moved = await serve(sb);
      daemons.push(moved.daemon);
      assert.notEqual(Number(moved.url.port), access.port);
      assert.match(moved.daemon.stderr, new RegExp(`port ${access.port} \\(used last time\\) is taken`));
      assert.match((await runCli(sb, ['status'])).stdout, new RegExp(`window: http://127.0.0.1:${moved.url.port}/`));
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });
});
