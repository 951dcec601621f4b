import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';

/**
 * Issue 11 point 1: `npm run setup` (scripts/setup.mjs) decides what the OS lacks and how to install it. Its
 * decisions are checked on a made-up machine: a PATH of stub commands and a file-system root of its own, in
 * `--plan` mode, which installs nothing.
 */
const SCRIPT = path.resolve(import.meta.dirname, '../../scripts/setup.mjs');
const dirs: string[] = [];
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

interface Plan {
  missing: { id: string; why: string }[];
  installer: 'apt' | 'dnf' | null;
  packages: string[];
  command: string | null;
  how: 'nothing' | 'install' | 'sudo-at-terminal' | 'tell';
}

/** A machine with these commands on its PATH and these files, as root or not. */
function machine(commands: string[], files: string[], root: boolean): { plan(): Plan; run(): { status: number | null; stdout: string } } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aj-setup-'));
  dirs.push(dir);
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  for (const c of commands) fs.writeFileSync(path.join(bin, c), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(dir, 'fs', f)), { recursive: true });
    fs.writeFileSync(path.join(dir, 'fs', f), '');
  }
  const env = { PATH: bin, AJ_SETUP_FS_ROOT: path.join(dir, 'fs'), AJ_SETUP_IS_ROOT: root ? '1' : '0', HOME: dir };
  const exec = (args: string[]) => spawnSync(process.execPath, [SCRIPT, ...args], { env, encoding: 'utf8' });
  return { plan: () => JSON.parse(exec(['--plan', '--json']).stdout) as Plan, run: () => exec([]) };
}

const ALL = ['tmux', 'perl', 'ps', 'gio', 'python3', 'make', 'g++'];
const ALL_FILES = ['/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1', '/usr/bin/chromium'];

describe('npm run setup: what it installs, and what it tells', () => {
  it('a Debian machine that has everything: nothing to install', () => {
    const plan = machine([...ALL, 'apt-get'], ALL_FILES, true).plan();
    assert.deepEqual([plan.missing, plan.command, plan.how], [[], null, 'nothing']);
  });

  it('a fresh Debian machine, as root (CI): installs exactly the missing packages with apt-get', () => {
    const plan = machine(['apt-get', 'perl'], [], true).plan();
    assert.deepEqual(
      plan.missing.map((m) => m.id),
      ['tmux', 'ps', 'libfaketime', 'gio', 'chromium', 'build tools'],
    );
    assert.equal(plan.installer, 'apt');
    assert.deepEqual(plan.packages, ['tmux', 'procps', 'faketime', 'libglib2.0-bin', 'chromium', 'python3', 'make', 'g++']);
    assert.equal(
      plan.command,
      'apt-get update && apt-get install -y --no-install-recommends tmux procps faketime libglib2.0-bin chromium python3 make g++',
    );
    assert.equal(plan.how, 'install');
  });

  it('a Fedora machine as a user with sudo: dnf through sudo, at a terminal', () => {
    const plan = machine(
      ['dnf', 'sudo', ...ALL.filter((c) => c !== 'tmux')],
      ['/usr/lib64/faketime/libfaketime.so.1', '/usr/bin/chromium'],
      false,
    ).plan();
    assert.deepEqual(
      plan.missing.map((m) => m.id),
      ['tmux'],
    );
    assert.equal(plan.command, 'sudo dnf install -y tmux');
    assert.equal(plan.how, 'sudo-at-terminal');
  });

  it('without a terminal for sudo, it stops and prints the exact command, installing nothing', () => {
    const r = machine(['apt-get', 'sudo', ...ALL], ['/usr/bin/chromium'], false).run();
    assert.equal(r.status, 1);
    assert.match(r.stdout, /needs libfaketime: the sleep\/resume test/);
    assert.match(
      r.stdout,
      /run this, then `npm run setup` again:\n {2}sudo apt-get update && sudo apt-get install -y --no-install-recommends faketime\n/,
    );
  });

  it('with neither apt-get nor dnf, it names what is missing and the Debian command', () => {
    const r = machine(
      ALL.filter((c) => c !== 'gio'),
      ALL_FILES,
      false,
    ).run();
    assert.equal(r.status, 1);
    assert.match(r.stdout, /needs gio:/);
    assert.match(r.stdout, /no apt-get or dnf here/);
  });
});
