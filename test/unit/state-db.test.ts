import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  loadBetterSqlite3,
  readStateDatabase,
  stateDbTestHooks,
  type DatabaseAgent,
  type DatabaseRead,
} from '../../src/core/workspace/state-db.js';
import { STATE_DB_DIR, STATE_DB_FILE } from '../../src/core/workspace/layout.js';

// Loaded through the module, as the whole app must: SQLITE_USE_URI is read when the native addon first loads.
const Database = loadBetterSqlite3();
const SQLITE_MODULE = createRequire(import.meta.url).resolve('better-sqlite3');

const TASK_A = 'TASK-20260115-101500-ab12cd34';
const TASK_B = 'TASK-20260115-111500-ef56ab78';
/** The orchestrator's agents table (state_db.py at d746b7e), plus another of its tables. */
const ORCHESTRATOR_DDL = `
  CREATE TABLE tasks (task_id TEXT PRIMARY KEY, workspace TEXT, workspace_base TEXT, description TEXT, status TEXT);
  CREATE TABLE agents (agent_id TEXT PRIMARY KEY, task_id TEXT NOT NULL, type TEXT, model TEXT, tmux_session TEXT,
    parent TEXT, depth INTEGER, phase_index INTEGER, claude_pid INTEGER, cursor_pid INTEGER, tracked_files TEXT,
    started_at TEXT, completed_at TEXT, status TEXT, progress INTEGER, last_update TEXT, prompt_preview TEXT);
  CREATE INDEX idx_agents_task ON agents(task_id);`;

type Cell = string | number | null | Buffer;
type Row = Record<string, Cell>;
const agentRow = (id: Cell, task: Cell, status: Cell, session: Cell = `agent_${String(id)}`): Row => ({
  agent_id: id,
  task_id: task,
  status,
  tmux_session: session,
  type: 'builder',
  prompt_preview: 'héllo ✓',
});

let root: string;
let serial = 0;
const children: ChildProcessWithoutNullStreams[] = [];
before(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'aj-db-'));
});
after(() => {
  for (const child of children) child.kill('SIGKILL');
  fs.rmSync(root, { recursive: true, force: true });
});

function newBase(name = `ws${serial++}`): string {
  const base = path.join(root, name);
  fs.mkdirSync(base);
  return base;
}

function insert(file: string, rows: readonly Row[]): void {
  const db = new Database(file);
  try {
    for (const row of rows) {
      const cols = Object.keys(row);
      db.prepare(`INSERT INTO agents (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).run(...Object.values(row));
    }
  } finally {
    db.close();
  }
}

/** A closed WAL database, as the orchestrator leaves it when no process has it open: no -wal, no -shm. */
function createDb(base: string, rows: readonly Row[] = [], ddl = ORCHESTRATOR_DDL): string {
  fs.mkdirSync(path.join(base, STATE_DB_DIR));
  const file = path.join(base, STATE_DB_DIR, STATE_DB_FILE);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec(ddl);
  db.close();
  insert(file, rows);
  return file;
}

/** The folder's listing with each file's sha256 (-shm is SQLite's shared memory: readers may mark it). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    out[name] = name.endsWith('-shm') ? 'shm' : createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  }
  return out;
}

const read = (base: string, timeoutMs = 2000, taskIds?: ReadonlySet<string>): DatabaseRead =>
  readStateDatabase(base, taskIds ? { timeoutMs, taskIds } : { timeoutMs });
const ids = (r: DatabaseRead, task: string): string[] => (r.byTask.get(task) ?? []).map((a) => a.id);
const messages = (r: DatabaseRead): string[] => r.errors.map((e) => e.message);

function assertFatal(r: DatabaseRead, pattern: RegExp): void {
  assert.equal(r.exists, true);
  assert.notEqual(r.fatal, null);
  assert.match(r.fatal!.message, pattern);
  assert.equal(r.fatal!.path, r.path);
  assert.deepEqual(r.errors, [r.fatal]);
  assert.equal(r.byTask.size, 0);
}

/**
 * Another process writing the database the orchestrator's way, left open so its WAL is never checkpointed:
 * it commits agent 1 as completed, then (by mode) holds an uncommitted write, or an exclusive lock as well.
 */
async function startWriter(file: string, mode: 'commit' | 'immediate' | 'exclusive'): Promise<ChildProcessWithoutNullStreams> {
  const script = `
    const Database = require(process.argv[1]);
    const db = new Database(process.argv[2], { timeout: 10000 });
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    if (process.argv[3] === 'exclusive') db.pragma('locking_mode = EXCLUSIVE');
    db.exec("UPDATE agents SET status = 'completed', completed_at = '2026-01-15T10:20:00' WHERE agent_id = 'builder-1'");
    if (process.argv[3] !== 'commit') db.exec("BEGIN IMMEDIATE; UPDATE agents SET status = 'uncommitted'");
    process.stdin.on('end', () => process.exit(0)); // dies with the test process
    process.stdin.resume();
    process.stdout.write('ready\\n');`;
  const child = spawn(process.execPath, ['-e', script, SQLITE_MODULE, file, mode]);
  children.push(child);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`writer not ready: ${stderr}`)), 10_000);
    child.stdout.once('data', () => (clearTimeout(timer), resolve()));
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`writer exited ${code}: ${stderr}`))));
  });
  return child;
}

async function stop(child: ChildProcessWithoutNullStreams): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('readStateDatabase: where there is no database', () => {
  it('no registry/ folder: exists false, nothing created', () => {
    const base = newBase();
    const r = read(base);
    assert.deepEqual(
      { ...r, ms: 0 },
      { path: path.join(base, 'registry', 'state.sqlite3'), exists: false, fatal: null, errors: [], byTask: new Map(), rows: 0, ms: 0 },
    );
    assert.deepEqual(fs.readdirSync(base), []);
  });

  it('registry/ without the database: exists false, nothing created', () => {
    const base = newBase();
    fs.mkdirSync(path.join(base, 'registry'));
    const r = read(base);
    assert.equal(r.exists, false);
    assert.equal(r.fatal, null);
    assert.deepEqual(fs.readdirSync(path.join(base, 'registry')), []);
  });
});

describe('readStateDatabase: valid databases', () => {
  it('groups rows by task, parses local times, and escapes ?, #, % and spaces in the path', () => {
    const base = newBase('odd ?#%25 name');
    createDb(base, [
      { ...agentRow('builder-1', TASK_A, 'completed'), completed_at: '2026-01-15T10:20:00.123456', last_update: '2026-01-15T10:19:59' },
      { ...agentRow('fixer-1', TASK_B, 'running', null), last_update: 'not a time' },
      agentRow('fixer-10', TASK_A, 'weird-status', ''),
    ]);
    const r = read(base);
    assert.equal(r.exists, true);
    assert.deepEqual(r.errors, []);
    assert.equal(r.rows, 3);
    const common = { sessionProblem: null, pinned: false, source: 'database', origin: r.path } as const;
    const expected: [string, DatabaseAgent[]][] = [
      [
        TASK_A,
        [
          {
            ...common,
            id: 'builder-1',
            taskId: TASK_A,
            status: 'completed',
            session: 'agent_builder-1',
            rawSession: 'agent_builder-1',
            completedAtMs: new Date(2026, 0, 15, 10, 20, 0, 123).getTime(),
            lastUpdateMs: new Date(2026, 0, 15, 10, 19, 59).getTime(),
          },
          {
            ...common,
            id: 'fixer-10',
            taskId: TASK_A,
            status: 'weird-status',
            session: null,
            rawSession: null,
            completedAtMs: null,
            lastUpdateMs: null,
          },
        ],
      ],
      [
        TASK_B,
        [
          {
            ...common,
            id: 'fixer-1',
            taskId: TASK_B,
            status: 'running',
            session: null,
            rawSession: null,
            completedAtMs: null,
            lastUpdateMs: null,
          },
        ],
      ],
    ];
    assert.deepEqual(
      [...r.byTask].sort(([a], [b]) => a.localeCompare(b)),
      expected,
    );
  });

  it('reads only the tasks asked for', () => {
    const base = newBase();
    createDb(base, [agentRow('a-1', TASK_A, 'running'), agentRow('b-1', TASK_B, 'running'), agentRow('a-2', TASK_A, 'failed')]);
    const onlyA = read(base, 2000, new Set([TASK_A]));
    assert.deepEqual([...onlyA.byTask.keys()], [TASK_A]);
    assert.deepEqual(ids(onlyA, TASK_A), ['a-1', 'a-2']);
    assert.equal(onlyA.rows, 2);
    assert.equal(read(base, 2000, new Set()).rows, 0);
    assert.equal(read(base, 2000, new Set(['TASK-20990101-000000-00000000'])).byTask.size, 0);
  });

  it('optional completed_at and last_update columns may be missing', () => {
    const base = newBase();
    createDb(
      base,
      [agentRow('a-1', TASK_A, 'completed')],
      'CREATE TABLE agents (agent_id TEXT, task_id TEXT, tmux_session TEXT, status TEXT, type TEXT, prompt_preview TEXT)',
    );
    const r = read(base);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(
      r.byTask.get(TASK_A)!.map((a) => [a.id, a.completedAtMs, a.lastUpdateMs]),
      [['a-1', null, null]],
    );
  });
});

describe('readStateDatabase: bad rows are reported and skipped, siblings kept', () => {
  it('orchestrator schema: bad ids, task ids, statuses and session names', () => {
    const base = newBase();
    createDb(base, [
      agentRow('good-1', TASK_A, 'running'),
      agentRow(null, TASK_A, 'completed', 'agent_x'), // rowid 2: TEXT PRIMARY KEY still allows NULL
      agentRow('bad id!', TASK_A, 'completed'),
      agentRow('bad-task', 'not-a-task', 'completed'),
      agentRow('no-status', TASK_A, null),
      agentRow('empty-status', TASK_A, ''),
      agentRow('blob-status', TASK_A, Buffer.from('completed')),
      agentRow('odd-session', TASK_B, 'completed', 'agent_x:1.0'),
      agentRow('good-2', TASK_B, 'completed'),
    ]);
    const r = read(base);
    assert.equal(r.fatal, null);
    assert.equal(r.rows, 9);
    assert.deepEqual(messages(r), [
      'agents[rowid=2].agent_id: expected text, got null; row skipped',
      'agents[rowid=3].agent_id: invalid agent id "bad id!": must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$; row skipped',
      'agents[agent_id="bad-task"].task_id: not a task folder name: "not-a-task"; row skipped',
      'agents[agent_id="no-status"].status: expected text, got null; row skipped',
      'agents[agent_id="empty-status"].status: empty text; row skipped',
      'agents[agent_id="blob-status"].status: expected text, got blob; row skipped',
      'agents[agent_id="odd-session"].tmux_session: invalid tmux session name "agent_x:1.0": must match ^[A-Za-z0-9_][A-Za-z0-9_-]{0,199}$; session left alone',
    ]);
    assert.ok(r.errors.every((e) => e.path === r.path));
    assert.deepEqual(ids(r, TASK_A), ['good-1']);
    assert.deepEqual(ids(r, TASK_B), ['odd-session', 'good-2']);
    const odd = r.byTask.get(TASK_B)![0]!;
    assert.deepEqual([odd.session, odd.rawSession], [null, 'agent_x:1.0']);
    assert.match(odd.sessionProblem!, /invalid tmux session name/);
  });

  it('an untyped table: integers and reals where text is expected, duplicate ids', () => {
    const base = newBase();
    createDb(
      base,
      [
        agentRow(42, TASK_A, 'running'),
        agentRow('int-status', TASK_A, 1),
        agentRow('int-session', TASK_A, 'running', 7),
        agentRow('real-task', 3.5, 'running'),
        agentRow('dup', TASK_A, 'running'),
        agentRow('dup', TASK_B, 'completed'),
      ],
      'CREATE TABLE agents (agent_id, task_id, tmux_session, status, type, prompt_preview)',
    );
    const r = read(base);
    assert.deepEqual(messages(r), [
      'agents[rowid=1].agent_id: expected text, got integer; row skipped',
      'agents[agent_id="int-status"].status: expected text, got integer; row skipped',
      'agents[agent_id="int-session"].tmux_session: expected text, got integer; row skipped',
      'agents[agent_id="real-task"].task_id: expected text, got real; row skipped',
      'agents[agent_id="dup"].agent_id: duplicate agent id; row skipped',
    ]);
    assert.deepEqual(ids(r, TASK_A), ['dup']);
  });
});

describe('readStateDatabase: unusable databases are fatal and never acted on', () => {
  it('no table agents, or a required column missing', () => {
    const cases: [string, RegExp][] = [
      ['CREATE TABLE tasks (task_id TEXT)', /^wrong shape; not acted on: no table agents$/],
      [
        'CREATE TABLE agents (agent_id TEXT, task_id TEXT, tmux_session TEXT)',
        /^wrong shape; not acted on: table agents has no column status$/,
      ],
      [
        'CREATE TABLE agents (agent_id TEXT, task_id TEXT, state TEXT)',
        /^wrong shape; not acted on: table agents has no column tmux_session, status$/,
      ],
    ];
    for (const [ddl, pattern] of cases) {
      const base = newBase();
      createDb(base, [], ddl);
      assertFatal(read(base), pattern);
    }
  });

  it('random bytes, and a database whose agents pages are overwritten', () => {
    const base = newBase();
    fs.mkdirSync(path.join(base, 'registry'));
    fs.writeFileSync(path.join(base, 'registry', 'state.sqlite3'), Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919) % 251)));
    assertFatal(read(base), /^not a SQLite database \(SQLITE_NOTADB: file is not a database\); not acted on$/);

    const corrupt = newBase();
    const file = createDb(corrupt, [agentRow('a-1', TASK_A, 'running')]);
    const db = new Database(file, { readonly: true });
    const page = db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'agents'").pluck().get() as number;
    const size = db.pragma('page_size', { simple: true }) as number;
    db.close();
    fs.rmSync(`${file}-wal`, { force: true }); // left by that read-only open (see state-db.ts)
    fs.rmSync(`${file}-shm`, { force: true });
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(size, 0xa5), 0, size, size * (page - 1));
    fs.closeSync(fd);
    assertFatal(read(corrupt), /^corrupt database \(SQLITE_CORRUPT/);
  });

  it('a symlink, a FIFO or a folder in place of registry/, the database or its -wal: refused promptly, never opened', () => {
    const target = newBase();
    const targetFile = createDb(target, [agentRow('a-1', TASK_A, 'completed')]);
    const before = snapshot(path.dirname(targetFile));
    const mkfifo = (p: string): void => assert.equal(spawnSync('mkfifo', [p]).status, 0);
    const cases: [string, (registry: string) => void, RegExp][] = [
      ['symlinked registry/', (reg) => fs.symlinkSync(path.dirname(targetFile), reg), /registry is a symlink; refused, never opened$/],
      ['registry/ is a file', (reg) => fs.writeFileSync(reg, ''), /registry is a file; refused/],
      [
        'symlinked database',
        (reg) => (fs.mkdirSync(reg), fs.symlinkSync(targetFile, path.join(reg, STATE_DB_FILE))),
        /state\.sqlite3 is a symlink; refused/,
      ],
      ['FIFO database', (reg) => (fs.mkdirSync(reg), mkfifo(path.join(reg, STATE_DB_FILE))), /state\.sqlite3 is a FIFO; refused/],
      ['folder database', (reg) => fs.mkdirSync(path.join(reg, STATE_DB_FILE), { recursive: true }), /state\.sqlite3 is a folder; refused/],
      [
        'FIFO -wal',
        (reg) => (
          fs.mkdirSync(reg),
          fs.copyFileSync(targetFile, path.join(reg, STATE_DB_FILE)),
          mkfifo(path.join(reg, `${STATE_DB_FILE}-wal`))
        ),
        /state\.sqlite3-wal is a FIFO; refused/,
      ],
    ];
    for (const [what, make, pattern] of cases) {
      const base = newBase();
      make(path.join(base, STATE_DB_DIR));
      const r = read(base);
      assertFatal(r, pattern);
      assert.ok(r.ms < 1000, `${what}: took ${r.ms} ms`);
    }
    assert.deepEqual(snapshot(path.dirname(targetFile)), before);
  });

  it('a pathological agents table (endless rows) is cut off by the deadline, filtered or not', () => {
    const base = newBase();
    createDb(
      base,
      [],
      `CREATE VIEW agents AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)
      SELECT x AS rowid, 'a-' || x AS agent_id, 'TASK-' || x AS task_id, NULL AS tmux_session, 'running' AS status FROM c`,
    );
    for (const taskIds of [undefined, new Set(['TASK-none'])]) {
      const r = read(base, 150, taskIds);
      assertFatal(r, /^read took longer than 150 ms \(database too slow\)/);
      assert.ok(r.ms >= 150 && r.ms < 1500, `took ${r.ms} ms`);
    }
  });
});

describe('readStateDatabase: never creates or writes anything', () => {
  it('a closed WAL database (no -wal): opened immutable, no file created, bytes unchanged', () => {
    const base = newBase();
    const file = createDb(base, [agentRow('a-1', TASK_A, 'running')]);
    const before = snapshot(path.dirname(file));
    assert.deepEqual(Object.keys(before), [STATE_DB_FILE]);
    for (let i = 0; i < 3; i++) assert.deepEqual(ids(read(base), TASK_A), ['a-1']);
    read(base, 2000, new Set([TASK_A]));
    assert.deepEqual(snapshot(path.dirname(file)), before);
    // Why: a plain read-only open of the same file leaves -wal and -shm behind (checked on a copy).
    const copy = path.join(newBase(), STATE_DB_FILE);
    fs.copyFileSync(file, copy);
    const plain = new Database(copy, { readonly: true });
    plain.prepare('SELECT count(*) FROM agents').get();
    plain.close();
    assert.deepEqual(fs.readdirSync(path.dirname(copy)).sort(), [STATE_DB_FILE, `${STATE_DB_FILE}-shm`, `${STATE_DB_FILE}-wal`]);
  });

  it('a database another process has open: sees its un-checkpointed commits, changes no byte of db or -wal', async () => {
    const base = newBase();
    const file = createDb(base, [agentRow('builder-1', TASK_A, 'running'), agentRow('builder-2', TASK_A, 'running')]);
    const writer = await startWriter(file, 'commit');
    try {
      const before = snapshot(path.dirname(file));
      assert.ok(fs.statSync(`${file}-wal`).size > 0, 'the commit is still only in the WAL');
      const r = read(base);
      assert.deepEqual(r.errors, []);
      assert.deepEqual(
        r.byTask.get(TASK_A)!.map((a) => [a.id, a.status, a.completedAtMs]),
        [
          ['builder-1', 'completed', new Date(2026, 0, 15, 10, 20).getTime()],
          ['builder-2', 'running', null],
        ],
      );
      assert.deepEqual(snapshot(path.dirname(file)), before);
    } finally {
      await stop(writer);
    }
  });
});

describe('readStateDatabase: concurrent writers', () => {
  it('a writer inside BEGIN IMMEDIATE: the last committed state, no error, no wait', async () => {
    const base = newBase();
    const file = createDb(base, [agentRow('builder-1', TASK_A, 'running')]);
    const writer = await startWriter(file, 'immediate');
    try {
      const r = read(base, 1000);
      assert.deepEqual(r.errors, []);
      assert.equal(r.byTask.get(TASK_A)![0]!.status, 'completed');
      assert.ok(r.ms < 500, `took ${r.ms} ms`);
    } finally {
      await stop(writer);
    }
  });

  it('a writer holding an exclusive lock: fatal "busy/locked" after about timeoutMs, never a hang', async () => {
    const base = newBase();
    const file = createDb(base, [agentRow('builder-1', TASK_A, 'running')]);
    const writer = await startWriter(file, 'exclusive');
    try {
      const r = read(base, 300);
      assertFatal(r, /^database busy\/locked for longer than 300 ms \(SQLITE_BUSY: database is locked\); not acted on/);
      assert.ok(r.ms >= 250 && r.ms < 2000, `took ${r.ms} ms`);
    } finally {
      await stop(writer);
    }
  });
});

describe('readStateDatabase: an immutable read of a file that changes', () => {
  /** What the orchestrator does between two sweeps: open, commit, close (the last close checkpoints and drops -wal). */
  const commitAndClose = (file: string, id: string): void => {
    const db = new Database(file);
    db.prepare('INSERT INTO agents (agent_id, task_id, status) VALUES (?, ?, ?)').run(id, TASK_A, 'running');
    db.close();
    assert.equal(fs.existsSync(`${file}-wal`), false);
  };

  it('is read again when the file changed after a read', () => {
    const base = newBase();
    const file = createDb(base, [agentRow('a-1', TASK_A, 'running')]);
    const attempts: number[] = [];
    stateDbTestHooks.afterImmutableRead = (attempt) => {
      attempts.push(attempt);
      if (attempt === 1) commitAndClose(file, 'a-2');
    };
    try {
      const r = read(base);
      assert.deepEqual(attempts, [1, 2]);
      assert.equal(r.fatal, null);
      assert.deepEqual(ids(r, TASK_A), ['a-1', 'a-2']);
    } finally {
      stateDbTestHooks.afterImmutableRead = null;
    }
  });

  it('gives up after 3 reads of a file that keeps changing', () => {
    const base = newBase();
    const file = createDb(base, [agentRow('a-1', TASK_A, 'running')]);
    let attempts = 0;
    stateDbTestHooks.afterImmutableRead = (attempt) => commitAndClose(file, `x-${(attempts = attempt)}`);
    try {
      assertFatal(read(base), /^kept changing during 3 reads; will retry next sweep$/);
      assert.equal(attempts, 3);
    } finally {
      stateDbTestHooks.afterImmutableRead = null;
    }
  });

  it('a -wal that appears after a read is not missed', () => {
    const base = newBase();
    const file = createDb(base, [agentRow('a-1', TASK_A, 'running')]);
    stateDbTestHooks.afterImmutableRead = () => fs.writeFileSync(`${file}-wal`, '');
    try {
      const r = read(base);
      assert.deepEqual(ids(r, TASK_A), ['a-1']);
    } finally {
      stateDbTestHooks.afterImmutableRead = null;
    }
  });
});
