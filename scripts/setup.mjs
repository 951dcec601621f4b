#!/usr/bin/env node
// `npm run setup`: what this project needs from the OS (for building, running and every test), then `npm ci`.
// Installs with apt-get or dnf when it can (as root, or through sudo at a terminal); otherwise it stops and prints
// the exact command to run. `--plan` only says what it would do (`--json` for a program). Plain Node, no
// dependencies: it runs before `npm ci`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the project needs, how to tell it is there, and its package per installer (null: the installer has none). */
export const NEEDS = [
  {
    id: 'tmux',
    why: 'the janitor drives tmux, and the tests start private tmux servers',
    present: (p) => p.command('tmux'),
    apt: ['tmux'],
    dnf: ['tmux'],
  },
  { id: 'perl', why: 'a test makes a real zombie process with perl', present: (p) => p.command('perl'), apt: ['perl'], dnf: ['perl'] },
  {
    id: 'ps',
    why: 'doctor and a test read the process table with ps',
    present: (p) => p.command('ps'),
    apt: ['procps'],
    dnf: ['procps-ng'],
  },
  {
    id: 'libfaketime',
    why: "the sleep/resume test moves the daemon's clock with it",
    present: (p) =>
      p.anyFile(['/usr/lib/*/faketime/libfaketime.so.1', '/usr/lib64/faketime/libfaketime.so.1', '/usr/lib/faketime/libfaketime.so.1']),
    apt: ['faketime'],
    dnf: ['libfaketime'],
  },
  {
    id: 'gio',
    why: "the autostart entry's test reads it back with GLib's launcher",
    present: (p) => p.command('gio'),
    apt: ['libglib2.0-bin'],
    dnf: ['glib2'],
  },
  {
    id: 'chromium',
    why: 'the window is tested in Chromium ($CHROMIUM, or /usr/bin/chromium)',
    present: (p) => p.anyFile([p.env.CHROMIUM || '/usr/bin/chromium']),
    apt: ['chromium'],
    dnf: ['chromium'],
  },
  {
    id: 'build tools',
    why: 'better-sqlite3 is built from source where no prebuilt binary can be downloaded',
    present: (p) => p.command('python3') && p.command('make') && (p.command('g++') || p.command('c++')),
    apt: ['python3', 'make', 'g++'],
    dnf: ['python3', 'make', 'gcc-c++'],
  },
];

/** Looks at the machine: PATH for commands, the file system (under AJ_SETUP_FS_ROOT, for tests) for files. */
export function probes(env) {
  const root = env.AJ_SETUP_FS_ROOT ?? '';
  const exists = (file) => fs.existsSync(root + file);
  const command = (name) => (env.PATH ?? '').split(path.delimiter).some((dir) => dir !== '' && isExecutable(path.join(dir, name)));
  const anyFile = (patterns) => patterns.some((pattern) => expand(root, pattern).some(exists));
  return { env, command, anyFile, root: env.AJ_SETUP_IS_ROOT === undefined ? process.getuid?.() === 0 : env.AJ_SETUP_IS_ROOT === '1' };
}

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** One `*` per path, a folder level at a time: enough for /usr/lib/<triplet>/faketime/. */
function expand(root, pattern) {
  const star = pattern.indexOf('*');
  if (star < 0) return [pattern];
  const dir = pattern.slice(0, pattern.lastIndexOf('/', star));
  const rest = pattern.slice(pattern.indexOf('/', star));
  let names = [];
  try {
    names = fs.readdirSync(root + dir);
  } catch {
    return [];
  }
  return names.map((n) => `${dir}/${n}${rest}`);
}

/** What is missing, and how it would be installed here: the decision, kept apart from doing it. */
export function planSetup(p) {
  const missing = NEEDS.filter((n) => !n.present(p));
  const installer = p.command('apt-get') ? 'apt' : p.command('dnf') ? 'dnf' : null;
  const packages = installer ? [...new Set(missing.flatMap((n) => n[installer]))] : [];
  const base =
    installer === 'apt'
      ? `apt-get install -y --no-install-recommends ${packages.join(' ')}`
      : installer === 'dnf'
        ? `dnf install -y ${packages.join(' ')}`
        : null;
  const sudo = p.root ? '' : 'sudo ';
  const command =
    missing.length === 0 || base === null ? null : installer === 'apt' ? `${sudo}apt-get update && ${sudo}${base}` : `${sudo}${base}`;
  // As root it installs by itself; otherwise through sudo, only at a terminal (sudo may ask for a password).
  const how = command === null ? 'nothing' : p.root ? 'install' : p.command('sudo') ? 'sudo-at-terminal' : 'tell';
  return { missing: missing.map((n) => ({ id: n.id, why: n.why })), installer, packages, command, how };
}

function say(text) {
  process.stdout.write(`setup: ${text}\n`);
}

function run(argv, env) {
  say(argv.join(' '));
  const r = spawnSync(argv[0], argv.slice(1), { stdio: 'inherit', env });
  return r.status === 0;
}

function installOs(plan, env, interactive) {
  if (plan.missing.length === 0) return true;
  for (const m of plan.missing) say(`needs ${m.id}: ${m.why}`);
  if (plan.command === null) {
    say('no apt-get or dnf here: install the above with your package manager, then run `npm run setup` again.');
    say('Debian/Ubuntu: apt-get install tmux perl procps faketime libglib2.0-bin chromium python3 make g++');
    return false;
  }
  if (plan.how === 'tell' || (plan.how === 'sudo-at-terminal' && !interactive)) {
    say(`run this, then \`npm run setup\` again:\n  ${plan.command}`);
    return false;
  }
  const prefix = plan.how === 'install' ? [] : ['sudo'];
  const osEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  if (plan.installer === 'apt' && !run([...prefix, 'apt-get', 'update', '-qq'], osEnv)) return false;
  const args =
    plan.installer === 'apt'
      ? ['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...plan.packages]
      : ['dnf', 'install', '-y', ...plan.packages];
  return run([...prefix, ...args], osEnv);
}

function main(argv, env) {
  const plan = planSetup(probes(env));
  if (argv.includes('--plan')) {
    if (argv.includes('--json')) process.stdout.write(JSON.stringify(plan) + '\n');
    else if (plan.missing.length === 0) say('the OS has everything this project needs');
    else say(`missing: ${plan.missing.map((m) => m.id).join(', ')}; ${plan.command ?? 'no apt-get or dnf to install them with'}`);
    return 0;
  }
  if (!installOs(plan, env, process.stdin.isTTY === true)) return 1;
  // The Electron binary is not needed to build, test or run the CLI, and cannot be downloaded everywhere.
  const npmEnv = { ELECTRON_SKIP_BINARY_DOWNLOAD: '1', ...env };
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  say(`npm ci (in ${root})`);
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit', env: npmEnv });
  return r.status === 0 ? 0 : 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  process.exitCode = main(process.argv.slice(2), process.env);
