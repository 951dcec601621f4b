import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { loadBetterSqlite3 } from '../../src/core/workspace/state-db.js';
import { STATE_DB_DIR, STATE_DB_FILE } from '../../src/core/workspace/layout.js';

/**
 * A current orchestrator's workspace, as its own code lays it out (ORCHESTRATOR.md): agent state in
 * `<base>/registry/state.sqlite3` (WAL), and per task an AGENT_REGISTRY.json whose `agents` stays empty.
 */
export const ORCHESTRATOR_DDL = `
  CREATE TABLE IF NOT EXISTS tasks (task_id TEXT PRIMARY KEY, workspace TEXT, workspace_base TEXT, description TEXT,
    status TEXT, priority TEXT, client_cwd TEXT, created_at TEXT, updated_at TEXT, current_phase_index INTEGER);
  CREATE TABLE IF NOT EXISTS agents (agent_id TEXT PRIMARY KEY, task_id TEXT NOT NULL, type TEXT, model TEXT,
    tmux_session TEXT, parent TEXT, depth INTEGER, phase_index INTEGER, claude_pid INTEGER, cursor_pid INTEGER,
    tracked_files TEXT, started_at TEXT, completed_at TEXT, status TEXT, progress INTEGER, last_update TEXT,
    prompt_preview TEXT);
  CREATE INDEX IF NOT EXISTS idx_agents_task ON agents(task_id);`;

export interface DbAgentSpec {
  id: string;
  task: string;
  status: string;
  session?: string | null;
  completedAt?: string | null;
  lastUpdate?: string | null;
}

/** Python's `datetime.now().isoformat()`: local time, microseconds, no offset. */
export function pythonNow(offsetMs = 0): string {
  const d = new Date(Date.now() + offsetMs);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}123`;
}

export function dbPath(base: string): string {
  return path.join(base, STATE_DB_DIR, STATE_DB_FILE);
}

const INSERT = `INSERT OR REPLACE INTO agents (agent_id, task_id, type, tmux_session, status, completed_at, last_update, started_at, progress)
  VALUES (?, ?, 'builder', ?, ?, ?, ?, ?, 0)`;

function insertArgs(a: DbAgentSpec): (string | null)[] {
  const session = a.session === undefined ? `agent_${a.id}` : a.session;
  return [a.id, a.task, session, a.status, a.completedAt ?? null, a.lastUpdate ?? pythonNow(), pythonNow(-60_000)];
}

/** Creates `<base>/registry/state.sqlite3` in WAL mode with the orchestrator's tables and these agents, then closes it. */
export function createStateDb(base: string, agents: readonly DbAgentSpec[] = []): string {
  fs.mkdirSync(path.join(base, STATE_DB_DIR), { recursive: true });
  const Database = loadBetterSqlite3();
  const db = new Database(dbPath(base));
  try {
    db.pragma('journal_mode = WAL');
    db.exec(ORCHESTRATOR_DDL);
    for (const a of agents) db.prepare(INSERT).run(...insertArgs(a));
  } finally {
    db.close();
  }
  return dbPath(base);
}

/** A task folder of a current orchestrator: registry with `"agents": []`, and its logs/, progress/, findings/. */
export function makeOrchestratorTask(base: string, name: string): string {
  const dir = path.join(base, name);
  for (const d of ['logs', 'progress', 'findings']) fs.mkdirSync(path.join(dir, d), { recursive: true });
  fs.writeFileSync(path.join(dir, 'AGENT_REGISTRY.json'), JSON.stringify({ task_id: name, agents: [] }, null, 2));
  return dir;
}

/** Writes an agent's whole footprint into its task folder (ORCHESTRATOR.md "One agent's footprint"); returns the paths. */
export function writeFootprint(taskDir: string, id: string): Record<'stream' | 'deploy' | 'progress' | 'findings' | 'prompt', string> {
  const files = {
    stream: path.join(taskDir, 'logs', `${id}_stream.jsonl`),
    deploy: path.join(taskDir, 'logs', `deploy_${id}.json`),
    progress: path.join(taskDir, 'progress', `${id}_progress.jsonl`),
    findings: path.join(taskDir, 'findings', `${id}_findings.jsonl`),
    prompt: path.join(taskDir, `agent_prompt_${id}.txt`),
  };
  fs.writeFileSync(files.stream, `{"type":"assistant","agent":"${id}"}\n{"type":"result"}\n`);
  fs.writeFileSync(files.deploy, JSON.stringify({ agent_id: id, deployed_at: pythonNow(-120_000) }));
  fs.writeFileSync(files.progress, `{"status":"working","progress":50}\n{"status":"completed","progress":100}\n`);
  fs.writeFileSync(files.findings, `{"type":"insight","message":"found by ${id}"}\n`);
  fs.writeFileSync(files.prompt, `You are ${id}.\n`);
  return files;
}

const SQLITE_MODULE = createRequire(import.meta.url).resolve('better-sqlite3');

/**
 * Another process holding the database open, like the orchestrator's MCP server: WAL mode, no automatic checkpoint (so
 * commits stay in the -wal file), running the SQL it is sent, one JSON command per line, answering "ok" or "error".
 */
export class DbWriter {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer = '';
  private waiters: ((line: string) => void)[] = [];

  private constructor(file: string, pragmas: readonly string[]) {
    const script = `
      const Database = require(${JSON.stringify(SQLITE_MODULE)});
      const db = new Database(${JSON.stringify(file)}, { timeout: 10000 });
      db.pragma('journal_mode = WAL');
      db.pragma('wal_autocheckpoint = 0');
      for (const p of ${JSON.stringify(pragmas)}) db.pragma(p);
      const rl = require('node:readline').createInterface({ input: process.stdin });
      rl.on('line', (line) => {
        try {
          const { sql, params, query } = JSON.parse(line);
          const result = query ? db.prepare(sql).all(...params) : db.prepare(sql).run(...params);
          process.stdout.write('ok ' + JSON.stringify(query ? result : null) + '\\n');
        } catch (err) {
          process.stdout.write('error ' + JSON.stringify(String(err && err.message)) + '\\n');
        }
      });
      rl.on('close', () => { db.close(); process.exit(0); });
      process.stdout.write('ready\\n');`;
    this.child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => {
      this.buffer += chunk;
      let at: number;
      while ((at = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, at);
        this.buffer = this.buffer.slice(at + 1);
        this.waiters.shift()?.(line);
      }
    });
  }

  static async open(file: string, pragmas: readonly string[] = []): Promise<DbWriter> {
    const writer = new DbWriter(file, pragmas);
    const first = await writer.next();
    if (first !== 'ready') throw new Error(`writer did not start: ${first}`);
    return writer;
  }

  private next(): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('database writer did not answer within 15 s')), 15_000);
      this.waiters.push((line) => {
        clearTimeout(timer);
        resolve(line);
      });
    });
  }

  async run(sql: string, ...params: (string | number | null)[]): Promise<void> {
    this.child.stdin.write(JSON.stringify({ sql, params }) + '\n');
    const answer = await this.next();
    if (!answer.startsWith('ok')) throw new Error(`${sql}: ${answer}`);
  }

  /** A statement that returns rows (a SELECT inside an open transaction holds that reader's snapshot). */
  async query(sql: string, ...params: (string | number | null)[]): Promise<unknown> {
    this.child.stdin.write(JSON.stringify({ sql, params, query: true }) + '\n');
    const answer = await this.next();
    if (!answer.startsWith('ok ')) throw new Error(`${sql}: ${answer}`);
    return JSON.parse(answer.slice(3)) as unknown;
  }

  async upsert(agent: DbAgentSpec): Promise<void> {
    await this.run(INSERT, ...insertArgs(agent));
  }

  /** As the orchestrator's record_progress does for a final report. */
  async setStatus(id: string, status: string, completedAt: string | null = pythonNow()): Promise<void> {
    await this.run(
      'UPDATE agents SET status = ?, completed_at = COALESCE(completed_at, ?), last_update = ? WHERE agent_id = ?',
      status,
      completedAt,
      pythonNow(),
      id,
    );
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}
