import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError, configPath, loadConfig } from '../../src/core/base/config-loader.js';
import { defaultConfig } from '../../src/shared/index.js';

// Every call gets an explicit env pointing into a temp dir: the real home directory is never read or written.
let tmp: string;
let xdg: string;
let env: NodeJS.ProcessEnv;
let xdgFile: string;

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aj-unit-config-'));
  xdg = path.join(tmp, 'xdg');
  fs.mkdirSync(path.join(xdg, 'agent-janitor'), { recursive: true });
  xdgFile = path.join(xdg, 'agent-janitor', 'config.json');
  env = { XDG_CONFIG_HOME: xdg, HOME: path.join(tmp, 'home') };
});
after(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function writeConfig(name: string, content: unknown): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

function configError(fn: () => unknown): string {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof ConfigError, `expected a ConfigError, got ${String(caught)}`);
  return caught.message;
}

describe('configPath', () => {
  it('prefers --config, then AGENT_JANITOR_CONFIG, then the XDG dir', () => {
    assert.deepEqual(configPath('/etc/x.json', { ...env, AGENT_JANITOR_CONFIG: '/other.json' }), { path: '/etc/x.json', required: true });
    assert.deepEqual(configPath(undefined, { ...env, AGENT_JANITOR_CONFIG: '/other.json' }), { path: '/other.json', required: true });
    assert.deepEqual(configPath(undefined, env), { path: xdgFile, required: false });
  });
});

describe('loadConfig', () => {
  it('returns the defaults when the XDG file is missing', () => {
    fs.rmSync(xdgFile, { force: true });
    const c = loadConfig(undefined, {}, env);
    assert.deepEqual(c, defaultConfig());
    assert.equal(c.sessionPattern, '^agent_');
    assert.equal(c.idleMinutes, 110);
    assert.equal(c.tmuxSocket, null);
    assert.deepEqual(c.terminalStatuses, ['completed', 'terminated', 'error', 'failed', 'killed', 'phase_completed']);
  });

  it('reads the XDG file when present', () => {
    fs.writeFileSync(xdgFile, JSON.stringify({ idleMinutes: 30, sessionPattern: '^bot_' }));
    try {
      const c = loadConfig(undefined, {}, env);
      assert.equal(c.idleMinutes, 30);
      assert.equal(c.sessionPattern, '^bot_');
    } finally {
      fs.rmSync(xdgFile, { force: true });
    }
  });

  it('rejects an unknown key, naming the file and the key', () => {
    const file = writeConfig('unknown.json', { idleMinutes: 5, idleMinuts: 5 });
    const msg = configError(() => loadConfig(file, {}, env));
    assert.ok(msg.includes(file), msg);
    assert.match(msg, /idleMinuts/);
  });

  it('rejects an unknown nested key', () => {
    const file = writeConfig('nested.json', { timeouts: { tmuxMs: 5, stepMS: 1 } });
    const msg = configError(() => loadConfig(file, {}, env));
    assert.ok(msg.includes(file));
    assert.match(msg, /timeouts/);
    assert.match(msg, /stepMS/);
  });

  it('rejects a wrong type, naming the field', () => {
    const file = writeConfig('type.json', { idleMinutes: 'x' });
    const msg = configError(() => loadConfig(file, {}, env));
    assert.ok(msg.includes(file));
    assert.match(msg, /idleMinutes/);
    const nested = writeConfig('type2.json', { timeouts: { stepMs: -1 } });
    assert.match(
      configError(() => loadConfig(nested, {}, env)),
      /timeouts\.stepMs/,
    );
  });

  it('rejects an invalid regular expression for sessionPattern', () => {
    const file = writeConfig('regex.json', { sessionPattern: '^agent_(' });
    const msg = configError(() => loadConfig(file, {}, env));
    assert.ok(msg.includes(file));
    assert.match(msg, /sessionPattern.*not a valid regular expression/);
  });

  it('rejects invalid JSON and a non-object top level, naming the file', () => {
    const bad = writeConfig('bad.json', '{"idleMinutes": ');
    const badMsg = configError(() => loadConfig(bad, {}, env));
    assert.ok(badMsg.startsWith(bad));
    assert.match(badMsg, /invalid JSON/);
    for (const [name, text] of [
      ['array.json', '[]'],
      ['null.json', 'null'],
      ['num.json', '3'],
    ] as const) {
      const file = writeConfig(name, text);
      const msg = configError(() => loadConfig(file, {}, env));
      assert.ok(msg.startsWith(file));
      assert.match(msg, /expected an object/);
    }
  });

  it('fails on an explicitly named file that does not exist, also via AGENT_JANITOR_CONFIG', () => {
    const missing = path.join(tmp, 'missing.json');
    const msg = configError(() => loadConfig(missing, {}, env));
    assert.ok(msg.includes(missing));
    assert.match(msg, /ENOENT/);
    assert.match(
      configError(() => loadConfig(undefined, {}, { ...env, AGENT_JANITOR_CONFIG: missing })),
      /ENOENT/,
    );
  });

  it('lets CLI overrides win over the file, and ignores undefined overrides', () => {
    const file = writeConfig('over.json', { idleMinutes: 30, roots: ['/from/file'], tmuxSocket: '/file.sock' });
    const c = loadConfig(file, { idleMinutes: 7, roots: ['/from/cli'], tmuxSocket: undefined }, env);
    assert.equal(c.idleMinutes, 7);
    assert.deepEqual(c.roots, ['/from/cli']);
    assert.equal(c.tmuxSocket, '/file.sock');
  });

  it('validates CLI overrides with the same schema', () => {
    const msg = configError(() => loadConfig(undefined, { idleMinutes: -3 }, env));
    assert.match(msg, /idleMinutes/);
    assert.match(
      configError(() => loadConfig(undefined, { bogus: 1 }, env)),
      /bogus/,
    );
  });

  it('uses AGENT_JANITOR_TMUX_SOCKET when no flag gives a socket, and the flag when it does', () => {
    const withEnv = { ...env, AGENT_JANITOR_TMUX_SOCKET: '/tmp/env.sock' };
    assert.equal(loadConfig(undefined, {}, withEnv).tmuxSocket, '/tmp/env.sock');
    assert.equal(loadConfig(undefined, { tmuxSocket: undefined }, withEnv).tmuxSocket, '/tmp/env.sock');
    assert.equal(loadConfig(undefined, { tmuxSocket: '/tmp/flag.sock' }, withEnv).tmuxSocket, '/tmp/flag.sock');
    assert.equal(loadConfig(undefined, {}, { ...env, AGENT_JANITOR_TMUX_SOCKET: '' }).tmuxSocket, null);
  });
});
