import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultConfig } from '../../src/shared/config-schema.js';
import type { JanitorService, UiEvent } from '../../src/shared/ui-contract.js';
import type { Settings } from '../../src/shared/ui-model.js';
import { desktopService, lateService } from '../../src/electron-main/desktop-service.js';
import { confinePath, openConfined, type OpenPathPorts } from '../../src/electron-main/open-path.js';

/** A shell that records what it was asked to open or reveal. */
function fakeShell(answer = '') {
  const opened: string[] = [];
  const revealed: string[] = [];
  const ports: OpenPathPorts = {
    openPath: async (p) => {
      opened.push(p);
      return answer;
    },
    showItemInFolder: (p) => void revealed.push(p),
  };
  return { ports, opened, revealed };
}

describe('openPath confinement', () => {
  let tmp = '';
  let root = '';
  let outside = '';
  const task = () => path.join(root, '.agent-workspace', 'TASK-20261124-000000-aaaaaaaa');
  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'aj-openpath-'));
    root = path.join(tmp, 'root');
    outside = path.join(tmp, 'outside');
    await mkdir(path.join(task(), 'logs'), { recursive: true });
    await mkdir(path.join(task(), 'archive'), { recursive: true });
    await mkdir(outside, { recursive: true });
    await writeFile(path.join(task(), 'logs', 'builder-1_stream.jsonl'), '{}\n');
    await writeFile(path.join(task(), 'archive', 'builder-1.log.gz'), 'x');
    await writeFile(path.join(task(), 'logs', 'run.sh'), '#!/bin/sh\n');
    await chmod(path.join(task(), 'logs', 'run.sh'), 0o755);
    await writeFile(path.join(task(), 'logs', 'notes.desktop'), '[Desktop Entry]\n');
    await writeFile(path.join(task(), 'logs', 'exec.log'), 'x');
    await chmod(path.join(task(), 'logs', 'exec.log'), 0o755);
    await writeFile(path.join(outside, 'secret.txt'), 'secret');
    await symlink(path.join(outside, 'secret.txt'), path.join(task(), 'logs', 'link.txt'));
    await symlink(outside, path.join(task(), 'logs', 'outdir'));
  });
  after(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('opens a log file and a folder inside a root', async () => {
    const shell = fakeShell();
    const file = path.join(task(), 'logs', 'builder-1_stream.jsonl');
    assert.deepEqual(await openConfined({ path: file, reveal: false }, [root], shell.ports), { ok: true, message: `opened ${file}` });
    assert.equal((await openConfined({ path: path.join(task(), 'archive'), reveal: false }, [root], shell.ports)).ok, true);
    assert.equal(
      (await openConfined({ path: path.join(task(), 'archive', 'builder-1.log.gz'), reveal: false }, [root], shell.ports)).ok,
      true,
    );
    assert.deepEqual(shell.opened, [file, path.join(task(), 'archive'), path.join(task(), 'archive', 'builder-1.log.gz')]);
  });

  it('refuses a path outside the roots, also when spelled with .. or reached through a symlink', async () => {
    const shell = fakeShell();
    for (const p of [
      path.join(outside, 'secret.txt'),
      path.join(task(), '..', '..', '..', 'outside', 'secret.txt'),
      path.join(task(), 'logs', 'link.txt'),
      path.join(task(), 'logs', 'outdir'),
      '/etc/passwd',
    ]) {
      for (const reveal of [false, true]) {
        const result = await openConfined({ path: p, reveal }, [root], shell.ports);
        assert.equal(result.ok, false, p);
        assert.match(result.message, /outside the configured roots/, p);
      }
    }
    assert.deepEqual(shell.opened, []);
    assert.deepEqual(shell.revealed, []);
  });

  it('refuses relative paths, missing files and a root that is only a name prefix', async () => {
    const shell = fakeShell();
    assert.match((await openConfined({ path: 'logs/x.log', reveal: false }, [root], shell.ports)).message, /not an absolute path/);
    assert.match(
      (await openConfined({ path: path.join(task(), 'logs', 'nope.log'), reveal: false }, [root], shell.ports)).message,
      /ENOENT/,
    );
    // /tmp/x/root must not admit /tmp/x/root-other
    await mkdir(`${root}-other`, { recursive: true });
    await writeFile(path.join(`${root}-other`, 'a.log'), 'x');
    assert.match(
      (await openConfined({ path: path.join(`${root}-other`, 'a.log'), reveal: false }, [root], shell.ports)).message,
      /outside/,
    );
    assert.deepEqual(shell.opened, []);
  });

  it('will not "open" a program or an unknown file type inside a root, but reveals it', async () => {
    const shell = fakeShell();
    for (const name of ['run.sh', 'notes.desktop', 'exec.log']) {
      const p = path.join(task(), 'logs', name);
      const opened = await openConfined({ path: p, reveal: false }, [root], shell.ports);
      assert.equal(opened.ok, false, name);
      assert.match(opened.message, /reveal it instead/);
      assert.equal((await openConfined({ path: p, reveal: true }, [root], shell.ports)).ok, true);
    }
    assert.deepEqual(shell.opened, []);
    assert.equal(shell.revealed.length, 3);
  });

  it('accepts a root given through a symlink', async () => {
    const alias = path.join(tmp, 'alias');
    await symlink(root, alias);
    const confined = await confinePath(path.join(alias, '.agent-workspace'), [alias]);
    assert.equal(confined.ok, true);
  });

  it('passes on what the shell says when opening fails', async () => {
    const shell = fakeShell('no application is registered for this file type');
    const result = await openConfined({ path: path.join(task(), 'logs', 'builder-1_stream.jsonl'), reveal: false }, [root], shell.ports);
    assert.equal(result.ok, false);
    assert.match(result.message, /no application is registered/);
  });

  it("is what the window gets for openPath: confined to the roots in the engine's settings", async () => {
    const settings: Settings = { config: { ...defaultConfig(), roots: [root] }, path: '/cfg.json', overridden: [] };
    const engineOpenPath: string[] = [];
    const engine = {
      getSettings: async () => settings,
      openPath: async (input: { path: string }) => {
        engineOpenPath.push(input.path);
        return { ok: false, message: 'web only' };
      },
      getState: async () => 'state',
      saveSettings: async () => ({ ok: true, settings }),
      subscribe: () => () => undefined,
    } as unknown as JanitorService;
    const applied: Settings[] = [];
    const shell = fakeShell();
    const service = desktopService(engine, { shell: shell.ports, onSettings: (s) => applied.push(s), cwd: '/' });
    assert.equal((await service.openPath({ path: path.join(task(), 'logs', 'builder-1_stream.jsonl'), reveal: false })).ok, true);
    assert.equal((await service.openPath({ path: path.join(outside, 'secret.txt'), reveal: true })).ok, false);
    assert.deepEqual(engineOpenPath, [], "the engine's web-only openPath is never used");
    assert.equal(shell.opened.length, 1);
    // other methods pass through; a saved config reaches the main process's own settings
    assert.equal(await service.getState({}), 'state');
    await service.saveSettings({ changes: [{ path: 'idleMinutes', from: 110, to: 30 }] });
    assert.deepEqual(applied, [settings]);
  });
});

describe('late service', () => {
  it('answers once the engine is up, and forwards events to early subscribers', async () => {
    let resolve: (s: JanitorService) => void = () => undefined;
    const late = lateService(new Promise((r) => (resolve = r)));
    const seen: UiEvent[] = [];
    late.subscribe((e) => seen.push(e));
    const pending = late.listAlerts({});
    let listener: ((e: UiEvent) => void) | null = null;
    resolve({
      listAlerts: async () => [],
      subscribe: (l: (e: UiEvent) => void) => ((listener = l), () => undefined),
    } as unknown as JanitorService);
    assert.deepEqual(await pending, []);
    listener!({ event: 'resume', ts: 't', sleptMs: 1 });
    assert.equal(seen.length, 1);
  });

  it('rejects every call with the reason the engine did not start', async () => {
    const late = lateService(Promise.reject(new Error('another agent-janitor daemon already runs for this user')));
    await assert.rejects(late.getState({}), /already runs/);
    await assert.rejects(late.cleanNow({}), /already runs/);
  });
});
