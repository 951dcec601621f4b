import fs from 'node:fs';
import path from 'node:path';
import type { InputError } from '../../shared/index.js';
import { NO_FILES, matchAgentFiles } from '../archive/file-match.js';
import { discoverTasks, taskRefs, type TaskRef } from '../workspace/discovery.js';
import type { Plan, PlanPolicy, TaskView } from './plan-types.js';
import { Planner } from './planner.js';
import { promptClaims, type ClaimsIndex } from './claims.js';
import { mergeAgents } from '../workspace/source-merge.js';
import { readStateDatabase, type DatabaseRead } from '../workspace/state-db.js';
import { scanTask, type FileEntry } from '../workspace/task-scan.js';
import type { TmuxClient } from '../platform/tmux-client.js';
import { listTmux, type TmuxState } from '../platform/tmux-listing.js';
import { STATE_DB_DIR, STATE_DB_FILE } from '../workspace/layout.js';

/**
 * Up to this many tasks are scanned while the tmux listing runs and planned together once it is in (see
 * scanAndPlan). It covers the 1k-agent bench tree (100 tasks); their views are a few hundred KB.
 */
const EARLY_SCAN_TASKS = 250;

function newestWrite(taskDir: string, files: readonly FileEntry[]): number {
  let newest = 0;
  for (const f of files) {
    try {
      newest = Math.max(newest, fs.lstatSync(taskDir + path.sep + f.dir + path.sep + f.name).mtimeMs);
    } catch {
      // Archived or rotated away since the readdir; its absence says nothing about activity.
    }
  }
  return newest;
}

const NO_LOG_TIMES: ReadonlyMap<string, number> = new Map();

/** One workspace base's database, read once per sweep (every task of the base shares it). */
interface BaseDatabase {
  read: DatabaseRead;
  mtimeMs: number;
}

/** The database (and its WAL) last changed: the fallback time of an agent whose row has no `last_update`. */
function databaseMtime(dbPath: string): number {
  const times = [dbPath, `${dbPath}-wal`].map((p) => fs.lstatSync(p, { throwIfNoEntry: false })?.mtimeMs ?? 0);
  return Math.max(...times);
}

function readDatabases(bases: readonly string[], timeoutMs: number, errors: InputError[]): Map<string, BaseDatabase> {
  const out = new Map<string, BaseDatabase>();
  for (const base of bases) {
    const read = readStateDatabase(base, { timeoutMs });
    if (!read.exists) continue;
    errors.push(...read.errors);
    out.set(base, { read, mtimeMs: read.fatal ? 0 : databaseMtime(path.join(base, STATE_DB_DIR, STATE_DB_FILE)) });
  }
  return out;
}

/** Everything the planner needs about one task; file mtimes only for agents whose idleness or ghost status is in question. */
function viewOf(ref: TaskRef, policy: PlanPolicy, errors: InputError[], db: BaseDatabase | undefined): TaskView {
  const scan = scanTask(ref);
  errors.push(...scan.errors);
  const agents = mergeAgents(scan.registry?.agents ?? [], db?.read.byTask.get(ref.name) ?? []);
  const unreadable = (scan.registry?.fatal ?? db?.read.fatal ?? null) !== null;
  const base = { scan, agents, unreadable, databaseMtimeMs: db?.mtimeMs ?? 0 };
  // Without files there is nothing to match nor any mtime to read: the shared empty maps do.
  if (scan.files.length === 0) return { ...base, filesByAgent: NO_FILES, lastLogWriteMs: NO_LOG_TIMES };
  const filesByAgent = matchAgentFiles(scan.files, new Set(agents.map((a) => a.id)));
  const lastLogWriteMs = new Map<string, number>();
  for (const agent of agents) {
    if (policy.terminalStatuses.has(agent.status) && policy.onlyAgent !== agent.id) continue;
    const files = filesByAgent.get(agent.id);
    if (files) lastLogWriteMs.set(agent.id, newestWrite(ref.dir, files));
  }
  return { ...base, filesByAgent, lastLogWriteMs };
}

function timedListing(tmux: TmuxClient, timings: Record<string, number>, started: number): Promise<TmuxState> {
  return listTmux(tmux).finally(() => {
    timings.tmuxList = Math.round(performance.now() - started);
  });
}

export interface ScannedPlan {
  plan: Plan;
  tmux: TmuxState;
  tasks: number;
  registries: number;
  databases: number;
}

export interface ScanRequest {
  roots: readonly string[];
  policy: PlanPolicy;
  tmux: TmuxClient;
  /** Filled with the wall time of each part (tmuxList, databases, scan, plan, snapshot). */
  timings: Record<string, number>;
  /** Only these task folders (the daemon's incremental sweep); null for every task under the roots. */
  onlyTasks: Iterable<string> | null;
  /** Busy timeout and query deadline of each state database read. */
  databaseMs: number;
  /** The daemon's index of every task's claims (null for a one-shot run, which scans every task itself). */
  claims: ClaimsIndex | null;
}

/**
 * An unreadable task still counts for the sessions it may name (its last known claims, and its prompts'); every
 * readable one updates the index.
 */
function noteClaims(planner: Planner, views: readonly TaskView[], claims: ClaimsIndex | null): void {
  for (const view of views) {
    if (view.unreadable)
      planner
        .claimSessions(view.scan.ref.dir, claims?.lastKnown(view.scan.ref.dir) ?? [])
        .claimSessions(view.scan.ref.dir, promptClaims(view), true);
    claims?.observe(view);
  }
}

/**
 * The database's agents of tasks that are not scanned here still name their sessions: a partial sweep must not kill a
 * session another task's agent uses, and a full one must not call it an orphan (its task folder may be gone).
 */
function nameUnscannedSessions(planner: Planner, databases: ReadonlyMap<string, BaseDatabase>, scanned: ReadonlySet<string>): void {
  for (const [base, db] of databases) {
    if (db.read.fatal) planner.markUnreadable(base);
    for (const [taskName, agents] of db.read.byTask) {
      const dir = base + path.sep + taskName;
      if (!scanned.has(dir)) planner.nameSessions(dir, agents);
    }
  }
}

/**
 * The sweep's snapshot and plan in one pass: each task is scanned, handed to the Planner and dropped, so memory
 * grows with the tasks that have work, not with every task under the roots (at 10,000 tasks, holding every view took
 * the daemon's heap above 70 MiB; docs/benchmarks.md). Each workspace base's state database is read once, while the
 * tmux listing runs, and its agents are merged into their tasks' views.
 *
 * A small tree (EARLY_SCAN_TASKS) is scanned while the tmux listing runs: that is the common
 * case, and the one SPEC.md's no-op sweep target is about. A larger tree waits for the listing first. Views scanned
 * before it arrives would all have to stay alive until it does; V8 then sees every object from those allocation
 * sites survive and "pretenures" the sites, and from then on every task's short-lived objects in the long-running
 * daemon were allocated straight into the old generation (--trace-pretenuring-statistics showed a dozen sites
 * tenured after the first chunk of 250 tasks).
 */
export async function scanAndPlan(request: ScanRequest): Promise<ScannedPlan> {
  const { roots, policy, tmux, timings, onlyTasks } = request;
  const started = performance.now();
  const listing = timedListing(tmux, timings, started);
  const discovery = onlyTasks ? taskRefs(roots, onlyTasks) : discoverTasks(roots);
  const scanErrors: InputError[] = [];
  let t = performance.now();
  const databases = readDatabases(discovery.bases, request.databaseMs, scanErrors);
  timings.databases = Math.round(performance.now() - t);
  let registries = 0;
  let scanMs = 0;
  let planMs = 0;
  const scan = (refs: readonly TaskRef[]): TaskView[] => {
    const t0 = performance.now();
    const views = refs.map((ref) => viewOf(ref, policy, scanErrors, databases.get(ref.root)));
    for (const v of views) if (v.scan.registry !== null) registries++;
    scanMs += performance.now() - t0;
    return views;
  };
  const early = discovery.tasks.length <= EARLY_SCAN_TASKS ? scan(discovery.tasks) : null;
  const tmuxState = await listing;
  t = performance.now();
  // The clock idleness is judged by is read once, as the snapshot's was.
  const planner = new Planner(policy, tmuxState, Date.now());
  const scanned = new Set(discovery.tasks.map((r) => r.dir));
  nameUnscannedSessions(planner, databases, scanned);
  if (request.claims && onlyTasks) for (const [task, claims] of request.claims.others(scanned)) planner.claimSessions(task, claims);
  if (early) noteClaims(planner.add(early), early, request.claims);
  planMs += performance.now() - t;
  for (const ref of early ? [] : discovery.tasks) {
    const views = scan([ref]);
    t = performance.now();
    noteClaims(planner.add(views), views, request.claims);
    planMs += performance.now() - t;
  }
  if (request.claims && !onlyTasks) request.claims.keepOnly(scanned);
  t = performance.now();
  const inputErrors = [...discovery.errors, ...scanErrors];
  if (tmuxState.error) inputErrors.push({ path: tmux.describe(), message: tmuxState.error });
  const plan = planner.finish(inputErrors);
  planMs += performance.now() - t;
  timings.scan = Math.round(scanMs);
  timings.plan = Math.round(planMs);
  timings.snapshot = Math.round(performance.now() - started - planMs);
  return { plan, tmux: tmuxState, tasks: discovery.tasks.length, registries, databases: databases.size };
}
