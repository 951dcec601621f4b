import { sleep } from '../base/timeouts.js';
import { readProcessTable, refreshProcesses, type ProcInfo } from './proc-table.js';
import { lateMembers, type LateSearch } from './process-tree.js';
import { errnoCode } from '../../shared/errors.js';

export interface TerminateResult {
  /** Processes that were alive after the session died and received at least TERM. */
  signalled: ProcInfo[];
  /** Still running after TERM, the grace period, KILL and a last wait. */
  survivors: ProcInfo[];
  /** Dead but not reaped by their parent (state Z): reported with the parent, nothing more to kill. */
  zombies: ProcInfo[];
  errors: { pid: number; message: string }[];
}

const POLL_MS = 20;
const AFTER_KILL_MS = 1000;

function send(proc: ProcInfo, signal: NodeJS.Signals, errors: TerminateResult['errors']): void {
  try {
    process.kill(proc.pid, signal);
  } catch (err) {
    const code = errnoCode(err);
    if (code !== 'ESRCH') errors.push({ pid: proc.pid, message: `${signal} to pid ${proc.pid} failed: ${code ?? String(err)}` });
  }
}

async function alive(procs: readonly ProcInfo[], timeoutMs: number): Promise<{ running: ProcInfo[]; zombies: ProcInfo[] }> {
  const fresh = await refreshProcesses(procs, timeoutMs);
  const running: ProcInfo[] = [];
  const zombies: ProcInfo[] = [];
  for (const proc of procs) {
    const now = fresh.get(proc.pid);
    if (!now) continue;
    if (now.state === 'Z' || now.state === 'X') zombies.push(now);
    else running.push(now);
  }
  return { running, zombies };
}

async function waitGone(procs: ProcInfo[], limitMs: number, timeoutMs: number): Promise<{ running: ProcInfo[]; zombies: ProcInfo[] }> {
  const deadline = Date.now() + limitMs;
  let state = await alive(procs, timeoutMs);
  while (state.running.length && Date.now() < deadline) {
    await sleep(POLL_MS);
    state = await alive(state.running, timeoutMs);
  }
  return state;
}

/**
 * TERM then KILL every snapshotted process that outlived its session (SIGHUP-ignoring and setsid'd ones do).
 * Each PID is re-identified by its start time right before a signal, so a reused PID is never hit.
 */
export async function terminateAll(
  procs: readonly ProcInfo[],
  graceMs: number,
  timeoutMs: number,
  stopped: ReadonlySet<number> = new Set(),
): Promise<TerminateResult> {
  const errors: TerminateResult['errors'] = [];
  const first = await alive(procs, timeoutMs);
  const zombies = [...first.zombies];
  for (const proc of first.running) send(proc, 'SIGTERM', errors);
  // A stopped process acts on TERM only once continued.
  for (const proc of first.running) if (stopped.has(proc.pid)) send(proc, 'SIGCONT', errors);
  const afterTerm = await waitGone(first.running, graceMs, timeoutMs);
  zombies.push(...afterTerm.zombies);
  if (afterTerm.running.length) {
    const recheck = await alive(afterTerm.running, timeoutMs);
    for (const proc of recheck.running) send(proc, 'SIGKILL', errors);
  }
  const final = afterTerm.running.length ? await waitGone(afterTerm.running, AFTER_KILL_MS, timeoutMs) : { running: [], zombies: [] };
  for (const z of final.zombies) if (!zombies.some((known) => known.pid === z.pid)) zombies.push(z);
  const uniqueZombies = [...new Map(zombies.map((z) => [z.pid, z])).values()];
  // A zombie reaped meanwhile is no longer worth reporting.
  const stillZombie = (await alive(uniqueZombies, timeoutMs)).zombies;
  return { signalled: first.running, survivors: final.running, zombies: stillZombie, errors };
}

/** Rounds of the second look: each finds what the processes found in the round before forked meanwhile. */
const LATE_ROUNDS = 4;

export interface StopResult {
  /** Every process sent SIGSTOP: they must get SIGCONT after their TERM. */
  stopped: Set<number>;
  /** Processes that were not in the first look, with the agent whose session they belong to. */
  late: Map<number, { proc: ProcInfo; owner: string }>;
  errors: TerminateResult['errors'];
}

/**
 * The second look at /proc (issue 9): processes forked after the first look and before the kill. Every member is
 * stopped first, so none can fork while /proc is read; what the read finds is stopped too, and read again, until a
 * read finds nothing new. Then TERM (with CONT) reaches a tree that could not grow meanwhile.
 */
export async function stopAndFindLate(procs: readonly ProcInfo[], search: LateSearch, timeoutMs: number): Promise<StopResult> {
  const errors: TerminateResult['errors'] = [];
  const stopped = new Set<number>();
  const late = new Map<number, { proc: ProcInfo; owner: string }>();
  for (const proc of (await alive(procs, timeoutMs)).running) {
    send(proc, 'SIGSTOP', errors);
    stopped.add(proc.pid);
  }
  for (let round = 0; round < LATE_ROUNDS; round++) {
    const found = lateMembers(await readProcessTable(timeoutMs), search);
    if (found.size === 0) break;
    for (const [pid, member] of found) {
      send(member.proc, 'SIGSTOP', errors);
      stopped.add(pid);
      late.set(pid, member);
      search.owners.set(pid, { start: member.proc.start, owner: member.owner });
    }
  }
  return { stopped, late, errors };
}
