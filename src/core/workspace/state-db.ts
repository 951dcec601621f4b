import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type BetterSqlite3 from 'better-sqlite3';
import type { InputError } from '../../shared/index.js';
import { agentIdProblem, isTaskDirName, sessionNameProblem } from '../base/guards.js';
import { parseAgentTime, type SourcedAgent } from './sourced-agent.js';
import { errnoCode, messageOf } from '../../shared/errors.js';
import { STATE_DB_DIR, STATE_DB_FILE } from './layout.js';

/** An agent of the orchestrator's `agents` table; `origin` is the database file. */
export interface DatabaseAgent extends SourcedAgent {
  taskId: string;
}

export interface DatabaseRead {
  /** `<base>/registry/state.sqlite3` */
  path: string;
  /** false: no database here (an older orchestrator); not an error, everything else is empty. */
  exists: boolean;
  /** The whole database is unusable: nothing in it is acted on. */
  fatal: InputError | null;
  /** `fatal` (if any) first, then one per bad row. */
  errors: InputError[];
  /** Keyed by task folder name (the row's `task_id`); rowid order within a task. */
  byTask: Map<string, DatabaseAgent[]>;
  rows: number;
  ms: number;
}

export interface DatabaseReadOptions {
  timeoutMs: number;
  /** Read only these tasks' rows (through the orchestrator's idx_agents_task index). */
  taskIds?: ReadonlySet<string>;
}

/** Tests only: runs after each immutable-mode read, before the file is stat'ed again. */
export const stateDbTestHooks: { afterImmutableRead: ((attempt: number) => void) | null } = { afterImmutableRead: null };

const MAX_READS = 3;
const REQUIRED_COLUMNS = ['agent_id', 'task_id', 'tmux_session', 'status'] as const;
const OPTIONAL_COLUMNS = ['completed_at', 'last_update'] as const;
const SIDECARS = ['-wal', '-shm', '-journal'] as const;

let sqlite: typeof BetterSqlite3 | undefined;

/**
 * The one way this process should load better-sqlite3: it reads SQLITE_USE_URI once, when its native addon first
 * loads (addon.cpp ConfigureURI), and the `?immutable=1` open below needs URIs. A process that opened a database
 * before this ran gets a refused URI open (SQLITE_CANTOPEN), never a created file: the open is read-only.
 */
export function loadBetterSqlite3(): typeof BetterSqlite3 {
  if (!sqlite) {
    process.env.SQLITE_USE_URI ??= '1';
    sqlite = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
  }
  return sqlite;
}

class Refused extends Error {}
class DeadlineExceeded extends Error {}

function lstatOrNull(file: string): fs.Stats | null {
  try {
    return fs.lstatSync(file);
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw err;
  }
}

function kindOf(st: fs.Stats): string {
  if (st.isSymbolicLink()) return 'a symlink';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isDirectory()) return 'a folder';
  return st.isFile() ? 'a file' : 'not a regular file';
}

/** Compared field by field, like a registry read: any rewrite, swap or checkpoint changes one of them. */
function sameFile(a: fs.Stats, b: fs.Stats): boolean {
  return a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;
}

function sqliteType(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'real';
  if (typeof value === 'bigint') return 'integer';
  if (Buffer.isBuffer(value)) return 'blob';
  return typeof value;
}

interface RowsRead {
  byTask: Map<string, DatabaseAgent[]>;
  errors: InputError[];
  rows: number;
}

function textProblem(value: unknown): string {
  return typeof value === 'string' ? 'empty text' : `expected text, got ${sqliteType(value)}`;
}

/** Validates one row alone (SQLite is dynamically typed, so every cell is checked), so a bad row never hides its siblings. */
function addRow(dbPath: string, row: unknown[], into: RowsRead, seen: Set<string>): void {
  const [rowid, agentId, taskId, rawSession, status, completedAt, lastUpdate] = row;
  const skip = (where: string, field: string, problem: string): void => {
    into.errors.push({ path: dbPath, message: `agents[${where}].${field}: ${problem}; row skipped` });
  };
  if (typeof agentId !== 'string') return skip(`rowid=${String(rowid)}`, 'agent_id', textProblem(agentId));
  const idProblem = agentIdProblem(agentId);
  if (idProblem) return skip(`rowid=${String(rowid)}`, 'agent_id', idProblem);
  const where = `agent_id=${JSON.stringify(agentId)}`;
  // The orchestrator's PRIMARY KEY rules this out; a table made by another writer might not.
  if (seen.has(agentId)) return skip(where, 'agent_id', 'duplicate agent id');
  if (typeof taskId !== 'string') return skip(where, 'task_id', textProblem(taskId));
  if (!isTaskDirName(taskId)) return skip(where, 'task_id', `not a task folder name: ${JSON.stringify(taskId)}`);
  if (typeof status !== 'string' || status === '') return skip(where, 'status', textProblem(status));
  if (rawSession !== null && typeof rawSession !== 'string') return skip(where, 'tmux_session', textProblem(rawSession));
  seen.add(agentId);
  const named = rawSession === null || rawSession === '' ? null : rawSession;
  const sessionProblem = named === null ? null : sessionNameProblem(named);
  if (sessionProblem) {
    into.errors.push({ path: dbPath, message: `agents[${where}].tmux_session: ${sessionProblem}; session left alone` });
  }
  const agent: DatabaseAgent = {
    id: agentId,
    taskId,
    status,
    session: sessionProblem ? null : named,
    sessionProblem,
    rawSession: named,
    pinned: false,
    completedAtMs: parseAgentTime(completedAt),
    lastUpdateMs: parseAgentTime(lastUpdate),
    source: 'database',
    origin: dbPath,
  };
  const list = into.byTask.get(taskId);
  if (list) list.push(agent);
  else into.byTask.set(taskId, [agent]);
}

function openDatabase(dbPath: string, immutable: boolean, busyMs: number): BetterSqlite3.Database {
  const Database = loadBetterSqlite3();
  // Without a -wal file, a plain read-only open of a WAL database creates -wal and -shm and leaves them behind.
  // Immutable mode opens the main file alone and takes no locks, hence the stat guard around it.
  // With a -wal file, the normal open is needed to see committed WAL frames; SQLite may create a missing -shm.
  const name = immutable ? `${pathToFileURL(dbPath).href}?mode=ro&immutable=1` : dbPath;
  try {
    return new Database(name, { readonly: true, timeout: Math.min(0x7fffffff, Math.max(0, Math.ceil(busyMs))) });
  } catch (err) {
    if (!immutable || errnoCode(err) !== 'SQLITE_CANTOPEN') throw err;
    const hint = 'SQLite URIs are off if better-sqlite3 opened a database before loadBetterSqlite3() ran';
    throw new Refused(`cannot open read-only (SQLITE_CANTOPEN: ${messageOf(err)}; ${hint}); not acted on`);
  }
}

/** One read, in one snapshot: the shape check, then the rows, with the deadline checked on every row visited. */
function readOnce(dbPath: string, immutable: boolean, options: DatabaseReadOptions, deadline: number): RowsRead {
  // The busy wait gets what is left of the time limit, so a retry never waits a second full limit.
  const db = openDatabase(dbPath, immutable, deadline - performance.now());
  try {
    db.pragma('trusted_schema = OFF'); // the file is untrusted: its views and triggers get no side-effecting functions
    db.function('aj_deadline', { deterministic: false }, () => {
      if (performance.now() > deadline) throw new DeadlineExceeded('deadline passed');
      return 1;
    });
    db.exec('BEGIN');
    const info = db.pragma('table_info(agents)') as { name: unknown }[];
    const columns = new Set(info.map((c) => String(c.name).toLowerCase()));
    if (columns.size === 0) throw new Refused('wrong shape; not acted on: no table agents');
    const missing = REQUIRED_COLUMNS.filter((c) => !columns.has(c));
    if (missing.length > 0) throw new Refused(`wrong shape; not acted on: table agents has no column ${missing.join(', ')}`);
    const optional = OPTIONAL_COLUMNS.map((c) => (columns.has(c) ? c : 'NULL'));
    // json_each keeps it one parameter however many tasks; the planner still searches idx_agents_task.
    const filter = options.taskIds ? ' AND task_id IN (SELECT value FROM json_each(?))' : '';
    const sql = `SELECT rowid, agent_id, task_id, tmux_session, status, ${optional.join(', ')} FROM agents WHERE aj_deadline()${filter}`;
    const params = options.taskIds ? [JSON.stringify([...options.taskIds])] : [];
    const into: RowsRead = { byTask: new Map(), errors: [], rows: 0 };
    const seen = new Set<string>();
    for (const row of db
      .prepare(sql)
      .raw(true)
      .iterate(...params) as IterableIterator<unknown[]>) {
      into.rows++;
      addRow(dbPath, row, into, seen);
    }
    return into;
  } finally {
    db.close();
  }
}

/** Refuses anything SQLite would open that is not a regular file: a FIFO blocks the open, a symlink leads anywhere. */
function checkSidecars(dbPath: string): { wal: boolean } {
  let wal = false;
  for (const suffix of SIDECARS) {
    const st = lstatOrNull(dbPath + suffix);
    if (st && !st.isFile()) throw new Refused(`${dbPath + suffix} is ${kindOf(st)}; refused, never opened`);
    if (suffix === '-wal') wal = st !== null;
  }
  return { wal };
}

function lstatDb(dbPath: string): fs.Stats {
  const st = fs.lstatSync(dbPath);
  if (!st.isFile()) throw new Refused(`${dbPath} is ${kindOf(st)}; refused, never opened`);
  return st;
}

function readGuarded(dbPath: string, options: DatabaseReadOptions, deadline: number): RowsRead {
  for (let attempt = 1; attempt <= MAX_READS; attempt++) {
    const before = lstatDb(dbPath);
    if (checkSidecars(dbPath).wal) return readOnce(dbPath, false, options, deadline);
    let rows: RowsRead | null = null;
    let failure: unknown = null;
    try {
      rows = readOnce(dbPath, true, options, deadline);
    } catch (err) {
      failure = err;
    }
    stateDbTestHooks.afterImmutableRead?.(attempt);
    // Immutable mode takes no locks: a read is trusted only if the file and the absence of -wal held throughout.
    const after = lstatOrNull(dbPath);
    const unchanged = after !== null && sameFile(before, after) && lstatOrNull(`${dbPath}-wal`) === null;
    if (!unchanged) continue; // a failure on a changing file may be a torn read: read again
    if (failure !== null) throw failure;
    if (rows) return rows;
  }
  throw new Refused(`kept changing during ${MAX_READS} reads; will retry next sweep`);
}

function failureMessage(err: unknown, timeoutMs: number): string {
  if (err instanceof Refused) return err.message;
  if (err instanceof DeadlineExceeded) {
    return `read took longer than ${timeoutMs} ms (database too slow); not acted on, will retry next sweep`;
  }
  const code = errnoCode(err);
  const text = messageOf(err);
  const detail = code === undefined || text.startsWith(code) ? text : `${code}: ${text}`;
  if (code?.startsWith('SQLITE_BUSY') || code?.startsWith('SQLITE_LOCKED')) {
    return `database busy/locked for longer than ${timeoutMs} ms (${detail}); not acted on, will retry next sweep`;
  }
  if (code === 'SQLITE_NOTADB') return `not a SQLite database (${detail}); not acted on`;
  if (code?.startsWith('SQLITE_CORRUPT')) return `corrupt database (${detail}); not acted on`;
  return `cannot read database (${detail}); not acted on`;
}

/**
 * Reads the newer orchestrator's agents, read-only: nothing is ever created or written (see openDatabase), no lock
 * is held beyond the read, and the read as a whole is bounded by `timeoutMs` (busy wait and query alike).
 */
export function readStateDatabase(workspaceBase: string, options: DatabaseReadOptions): DatabaseRead {
  const start = performance.now();
  const dir = path.join(workspaceBase, STATE_DB_DIR);
  const dbPath = path.join(dir, STATE_DB_FILE);
  const result: DatabaseRead = { path: dbPath, exists: false, fatal: null, errors: [], byTask: new Map(), rows: 0, ms: 0 };
  try {
    const dirStat = lstatOrNull(dir);
    if (dirStat === null) return result;
    if (!dirStat.isDirectory()) {
      result.exists = true;
      throw new Refused(`${dir} is ${kindOf(dirStat)}; refused, never opened`);
    }
    if (lstatOrNull(dbPath) === null) return result;
    result.exists = true;
    const read = readGuarded(dbPath, options, start + options.timeoutMs);
    result.byTask = read.byTask;
    result.errors = read.errors;
    result.rows = read.rows;
  } catch (err) {
    result.exists = true;
    result.fatal = { path: dbPath, message: failureMessage(err, options.timeoutMs) };
    result.errors = [result.fatal];
  } finally {
    result.ms = performance.now() - start;
  }
  return result;
}
