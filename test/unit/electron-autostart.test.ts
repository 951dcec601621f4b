import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import {
  applyAutostart,
  autostartPath,
  desktopEntry,
  HIDDEN_FLAG,
  launchCommand,
  quoteExecArg,
} from '../../src/electron-main/autostart.js';

const execFileP = promisify(execFile);
const gio = ['/usr/bin/gio', '/bin/gio'].find((p) => existsSync(p)) ?? null;

/**
 * The reading side of the Desktop Entry spec, as a launcher does it: undo the string escapes (\\ \s \n \t \r), then
 * split Exec into arguments, undoing the quoting (\" \` \$ \\ inside double quotes) and the %% field-code escape.
 */
function execArgv(entry: string): string[] {
  const lines = entry.split('\n').filter((l) => l.startsWith('Exec='));
  assert.equal(lines.length, 1, 'exactly one Exec line');
  const raw = lines[0]!.slice('Exec='.length);
  let value = '';
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === '\\' && i + 1 < raw.length) {
      const next = raw[++i]!;
      value += ({ s: ' ', n: '\n', t: '\t', r: '\r', '\\': '\\' } as Record<string, string>)[next] ?? `\\${next}`;
    } else value += raw[i];
  }
  const args: string[] = [];
  let i = 0;
  while (i < value.length) {
    if (value[i] === ' ') {
      i++;
      continue;
    }
    let arg = '';
    if (value[i] === '"') {
      i++;
      while (i < value.length && value[i] !== '"') {
        if (value[i] === '\\' && '"`$\\'.includes(value[i + 1] ?? '')) i++;
        arg += value[i++];
      }
      assert.equal(value[i], '"', 'quoted argument is closed');
      i++;
    } else {
      while (i < value.length && value[i] !== ' ') arg += value[i++];
    }
    args.push(arg.replace(/%%/g, '%'));
  }
  return args;
}

describe('autostart entry (Linux)', () => {
  let tmp = '';
  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'aj-autostart-'));
  });
  after(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('lives in $XDG_CONFIG_HOME/autostart, or ~/.config/autostart when that is unset or relative', () => {
    assert.equal(autostartPath({ XDG_CONFIG_HOME: '/x/cfg' }, '/home/u'), '/x/cfg/autostart/agent-janitor.desktop');
    assert.equal(autostartPath({ HOME: '/home/v' }, '/home/u'), '/home/v/.config/autostart/agent-janitor.desktop');
    assert.equal(
      autostartPath({ XDG_CONFIG_HOME: 'relative/cfg', HOME: '/home/v' }, '/home/u'),
      '/home/v/.config/autostart/agent-janitor.desktop',
    );
  });

  it('is written when turned on, rewritten only when it changes, and removed when turned off', async () => {
    const env = { XDG_CONFIG_HOME: path.join(tmp, 'cfg') };
    const file = autostartPath(env, path.join(tmp, 'home-not-used'));
    assert.ok(file.startsWith(tmp));
    const command = ['/opt/Agent Janitor/agent-janitor', HIDDEN_FLAG];
    assert.equal(await applyAutostart(true, file, command), 'written');
    const content = await readFile(file, 'utf8');
    assert.match(content, /^\[Desktop Entry\]\n/);
    assert.match(content, /\nType=Application\n/);
    assert.deepEqual(execArgv(content), command);
    assert.equal((await stat(file)).mode & 0o777, 0o644);
    assert.equal(await applyAutostart(true, file, command), 'unchanged');
    assert.equal(await applyAutostart(true, file, ['/usr/bin/agent-janitor', HIDDEN_FLAG]), 'written');
    assert.deepEqual(execArgv(await readFile(file, 'utf8')), ['/usr/bin/agent-janitor', HIDDEN_FLAG]);
    assert.equal(await applyAutostart(false, file, command), 'removed');
    await assert.rejects(stat(file), /ENOENT/);
    assert.equal(await applyAutostart(false, file, command), 'absent');
  });

  it('keeps each hostile path one argument, unchanged (no shell injection)', () => {
    const hostile = [
      '/home/me/My Apps/Agent Janitor.AppImage',
      '/tmp/a"b/c',
      "/tmp/it's/app",
      '/tmp/$(touch pwned)/app',
      '/tmp/`id`/app',
      '/tmp/a\\b/app',
      '/tmp/semi;colon|pipe&amp/>out',
      '/tmp/\\"; rm -rf ~; echo "',
    ];
    for (const p of hostile) {
      const entry = desktopEntry([p, '/some app/path', HIDDEN_FLAG]);
      assert.deepEqual(execArgv(entry), [p, '/some app/path', HIDDEN_FLAG], p);
      assert.equal(entry.split('\n').filter((l) => l.startsWith('Exec=')).length, 1);
    }
  });

  it('refuses control characters (they would end the Exec line) and "%" (launchers misread it inside quotes)', () => {
    assert.throws(() => quoteExecArg('/tmp/a\nExec=/bin/evil'), /control character/);
    assert.throws(() => desktopEntry(['/tmp/a\rb']), /control character/);
    assert.throws(() => desktopEntry(['/tmp/100%/app']), /"%"/);
  });

  it("is read back by GLib's own launcher (gio launch) as the same arguments", async () => {
    assert.ok(gio !== null, 'gio is missing: apt-get install libglib2.0-bin (.ci/run does)');
    const dirs = ['My Apps', 'a"b', "it's", '$(touch pwned)', '`id`', 'a\\b', 'semi;colon|pipe&'];
    for (const [i, d] of dirs.entries()) {
      const dir = path.join(tmp, 'gio', d);
      await mkdir(dir, { recursive: true });
      const exe = path.join(dir, 'app');
      const out = path.join(tmp, 'gio', `out${i}`);
      // The program writes its own path and arguments, one per line (printf, no echo escapes).
      await writeFile(exe, `#!/bin/sh\nprintf '%s\\n' "$0" "$@" > '${out.replace(/'/g, `'\\''`)}'\n`, { mode: 0o755 });
      const entry = path.join(tmp, 'gio', `e${i}.desktop`);
      await writeFile(entry, desktopEntry([exe, HIDDEN_FLAG, path.join(dir, 'x y')]));
      // gio runs with a home of its own, so nothing it might record lands in the real one.
      const home = path.join(tmp, 'gio-home');
      const env = {
        ...process.env,
        HOME: home,
        XDG_CONFIG_HOME: path.join(home, 'config'),
        XDG_DATA_HOME: path.join(home, 'data'),
        XDG_CACHE_HOME: path.join(home, 'cache'),
        XDG_STATE_HOME: path.join(home, 'state'),
      };
      await execFileP(gio!, ['launch', entry], { timeout: 10_000, env });
      let text = '';
      for (let t = 0; t < 100 && text === ''; t++) {
        text = await readFile(out, 'utf8').catch(() => '');
        if (text === '') await new Promise((r) => setTimeout(r, 50));
      }
      assert.deepEqual(text.split('\n').slice(0, -1), [exe, HIDDEN_FLAG, path.join(dir, 'x y')], d);
    }
    await assert.rejects(stat(path.join(tmp, 'gio', 'pwned')), /ENOENT/);
  });

  it('starts the AppImage itself (not its temporary mount), and an unpackaged run with its app folder', () => {
    assert.deepEqual(
      launchCommand({
        execPath: '/tmp/.mount_AgentX/agent-janitor',
        env: { APPIMAGE: '/home/me/Agent Janitor.AppImage' },
        packaged: true,
        appPath: '/x',
      }),
      ['/home/me/Agent Janitor.AppImage', HIDDEN_FLAG],
    );
    assert.deepEqual(launchCommand({ execPath: '/opt/Agent Janitor/agent-janitor', env: {}, packaged: true, appPath: '/x' }), [
      '/opt/Agent Janitor/agent-janitor',
      HIDDEN_FLAG,
    ]);
    assert.deepEqual(launchCommand({ execPath: '/repo/node_modules/electron/dist/electron', env: {}, packaged: false, appPath: '/repo' }), [
      '/repo/node_modules/electron/dist/electron',
      '/repo',
      HIDDEN_FLAG,
    ]);
  });
});
