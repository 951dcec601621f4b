import {
  ConfigSchema,
  type ActivityEntry,
  type AgentRow,
  type Alert,
  type ArchiveFile,
  type Config,
  type Verdict,
} from '../../src/shared/index.js';
import { retentionEntry, strayOrphans } from './mock-extras.js';

/**
 * Realistic, deterministic data for the dev harness (never part of the app): tasks and agents as the orchestrator
 * names them, with the verdicts, files, archives, alerts and journal a busy machine would have.
 */

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (r: () => number, n: number) => Array.from({ length: n }, () => Math.floor(r() * 16).toString(16)).join('');
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const pad = (n: number) => String(n).padStart(2, '0');

export const ROOTS = ['/home/dev/work/webshop', '/home/dev/work/infra'];
const TYPES = ['builder', 'reviewer', 'fixer', 'tester', 'planner', 'researcher', 'docs'];

export interface MockWorld {
  now: number;
  agents: AgentRow[];
  archives: Map<string, ArchiveFile[]>;
  alerts: Alert[];
  activity: ActivityEntry[];
  config: Config;
}

function taskName(r: () => number, t: Date): string {
  return `TASK-${t.getUTCFullYear()}${pad(t.getUTCMonth() + 1)}${pad(t.getUTCDate())}-${pad(t.getUTCHours())}${pad(t.getUTCMinutes())}${pad(t.getUTCSeconds())}-${hex(r, 8)}`;
}

/** The mock's finish grace: longer than the default 20 s, so the harness shows countdowns for a while. */
export const MOCK_FINISH_GRACE_SECONDS = 180;

/** The engine's reason for a finishing agent (src/core/judge.ts), as of `now`. */
export function finishingReason(status: string, endsMs: number, now: number, graceSeconds = MOCK_FINISH_GRACE_SECONDS): string {
  const left = Math.max(0, Math.ceil((endsMs - now) / 1000));
  return `status ${status}, but its processes still run: left to exit on its own until ${new Date(endsMs).toISOString()} (${left} s of the ${graceSeconds} s finish grace left)`;
}

interface Judged {
  status: string;
  verdict: Verdict;
  alive: boolean;
  idle: number | null;
  reason: string;
  /** Finishing only: seconds of its grace left at `now`. */
  graceLeft?: number;
}

function verdictFor(r: () => number): Judged {
  const x = r();
  if (x < 0.3)
    return {
      status: 'running',
      verdict: 'active',
      alive: true,
      idle: Math.floor(r() * 40),
      reason: 'running, output within the last 110 minutes',
    };
  if (x < 0.36) {
    const idle = 111 + Math.floor(r() * 300);
    return { status: 'running', verdict: 'idle', alive: true, idle, reason: `no output for ${idle} minutes (threshold 110)` };
  }
  if (x < 0.38)
    return {
      status: 'running',
      verdict: 'pinned',
      alive: true,
      idle: 130 + Math.floor(r() * 200),
      reason: 'idle past the threshold but pinned: kept',
    };
  if (x < 0.5)
    return {
      status: pick(r, ['completed', 'failed', 'terminated', 'error']),
      verdict: 'finished',
      alive: r() < 0.8,
      idle: Math.floor(r() * 20),
      reason: 'terminal status; session, logs or prompt left to clean',
    };
  // Grace left from 60 s to the whole grace: long enough for the harness's checks to see the countdown run.
  if (x < 0.53)
    return {
      status: pick(r, ['completed', 'completed', 'phase_completed']),
      verdict: 'finishing',
      alive: true,
      idle: 0,
      reason: '',
      graceLeft: 60 + Math.floor(r() * (MOCK_FINISH_GRACE_SECONDS - 60)),
    };
  if (x < 0.96)
    return {
      status: pick(r, ['completed', 'completed', 'completed', 'terminated']),
      verdict: 'clean',
      alive: false,
      idle: null,
      reason: 'finished and nothing left to clean',
    };
  if (x < 0.98)
    return {
      status: 'running',
      verdict: 'session-missing',
      alive: false,
      idle: null,
      reason: 'session gone 40 s ago; within the 120 s grace period',
    };
  if (x < 0.995)
    return {
      status: 'running',
      verdict: 'ghost',
      alive: false,
      idle: null,
      reason: 'not finished, but its session has been gone for 14 minutes',
    };
  return {
    status: '??',
    verdict: 'invalid',
    alive: false,
    idle: null,
    reason: 'entry failed validation: id holds "..": nothing derived from it is touched',
  };
}

export function makeWorld(agentCount: number, seed = 7, now = Date.now()): MockWorld {
  const r = rng(seed);
  const agents: AgentRow[] = [];
  const archives = new Map<string, ArchiveFile[]>();
  const activity: ActivityEntry[] = [];
  let made = 0;
  let taskIndex = 0;
  while (made < agentCount) {
    const root = ROOTS[taskIndex % ROOTS.length]!;
    const created = new Date(now - (taskIndex * 180 + Math.floor(r() * 30)) * 60_000);
    const task = taskName(r, created);
    const taskDir = `${root}/.agent-workspace/${task}`;
    const size = Math.min(agentCount - made, 5 + Math.floor(r() * 40));
    const taskArchive: ArchiveFile[] = [];
    for (let i = 0; i < size; i++) {
      const t = new Date(created.getTime() + i * 47_000);
      const type = pick(r, TYPES);
      const agentId = `${type}-${pad(t.getUTCHours())}${pad(t.getUTCMinutes())}${pad(t.getUTCSeconds())}-${hex(r, 6)}`;
      const v = verdictFor(r);
      const session = v.verdict === 'invalid' ? null : `agent_${agentId}`;
      const mtime = new Date(now - (v.idle ?? 5) * 60_000).toISOString();
      const files =
        v.verdict === 'clean'
          ? []
          : [
              { path: `logs/${agentId}_stream.jsonl`, bytes: Math.floor(20_000 + r() * 9_000_000), mtime },
              { path: `logs/${agentId}.log`, bytes: Math.floor(2_000 + r() * 300_000), mtime },
              ...(r() < 0.4 ? [{ path: `logs/deploy_${agentId}.json`, bytes: Math.floor(600 + r() * 4_000), mtime: t.toISOString() }] : []),
              ...(r() < 0.6 ? [{ path: `progress/${agentId}_progress.jsonl`, bytes: Math.floor(1_000 + r() * 60_000), mtime }] : []),
              ...(r() < 0.3 ? [{ path: `findings/${agentId}_findings.jsonl`, bytes: Math.floor(500 + r() * 20_000), mtime }] : []),
              ...(r() < 0.7
                ? [{ path: `agent_prompt_${agentId}.txt`, bytes: Math.floor(800 + r() * 12_000), mtime: t.toISOString() }]
                : []),
            ];
      const graceEnds = v.graceLeft === undefined ? null : now + v.graceLeft * 1000;
      agents.push({
        task,
        taskDir,
        root,
        agentId,
        status: v.status,
        verdict: v.verdict,
        reason: graceEnds === null ? v.reason : finishingReason(v.status, graceEnds, now),
        session,
        sessionAlive: v.alive,
        idleMinutes: v.idle,
        pinned: v.verdict === 'pinned',
        source: taskIndex % 3 === 0 ? 'registry' : 'database',
        graceEndsAt: graceEnds === null ? null : new Date(graceEnds).toISOString(),
        graceSeconds: v.graceLeft ?? null,
        files,
        bytes: files.reduce((n, f) => n + f.bytes, 0),
      });
      if (v.verdict === 'clean') {
        const archivedAt = new Date(Math.min(now - 60_000, t.getTime() + (20 + Math.floor(r() * 200)) * 60_000)).toISOString();
        // Archived files stay uncompressed for compressAfterDays (the mock's config: 1), then are gzipped; a few
        // older ones still wait for the retention pass to compress them.
        const gzipped = now - Date.parse(archivedAt) > 86_400_000 && r() < 0.8;
        const sources = [
          `logs/${agentId}_stream.jsonl`,
          `logs/${agentId}.log`,
          ...(r() < 0.5 ? [`progress/${agentId}_progress.jsonl`] : []),
          `tmux:agent_${agentId}`,
        ];
        for (const source of sources) {
          const bytes = Math.floor(5_000 + r() * 6_000_000);
          const name = source.startsWith('tmux:') ? `${agentId}_scrollback.txt` : source.slice(source.indexOf('/') + 1);
          taskArchive.push({
            path: `archive/${name}${gzipped ? '.gz' : ''}`,
            agentId,
            source,
            bytes,
            storedBytes: gzipped ? Math.floor(bytes / (3 + r() * 6)) : bytes,
            archivedAt,
            sha256: hex(r, 64),
          });
        }
        const failed = r() < 0.04;
        activity.push({
          ts: archivedAt,
          task,
          agentId,
          reason: pick(r, ['status completed', 'status terminated', `idle for ${111 + Math.floor(r() * 90)} minutes`]),
          results: [
            { kind: 'capture-scrollback', target: `agent_${agentId}`, outcome: 'done' },
            failed
              ? {
                  kind: 'kill-session',
                  target: `agent_${agentId}`,
                  outcome: 'failed',
                  error: 'tmux: timed out after 10000 ms (server busy)',
                }
              : { kind: 'kill-session', target: `agent_${agentId}`, outcome: 'done' },
            {
              kind: 'archive-file',
              target: `logs/${agentId}_stream.jsonl`,
              outcome: failed ? 'skipped' : 'done',
              detail: failed ? 'kept: the session may still write it' : 'to archive/ (gzipped after 1 day)',
            },
            { kind: 'archive-file', target: `progress/${agentId}_progress.jsonl`, outcome: failed ? 'skipped' : 'done' },
            { kind: 'delete-prompt', target: `agent_prompt_${agentId}.txt`, outcome: failed ? 'skipped' : 'done' },
          ],
        });
      }
    }
    if (taskArchive.length > 0) archives.set(taskDir, taskArchive);
    made += size;
    taskIndex++;
  }
  const firstTask = agents[0];
  if (firstTask) activity.push(retentionEntry(firstTask.task, new Date(now - 3 * 3_600_000).toISOString(), 340));
  activity.sort((a, b) => (a.ts < b.ts ? 1 : -1));

  const some = (v: Verdict) => agents.find((a) => a.verdict === v);
  const ghost = some('ghost');
  const idle = some('idle');
  const since = (min: number) => new Date(now - min * 60_000).toISOString();
  const alerts: Alert[] = [
    {
      id: 'orphan-session:agent_builder-101500-77aa01',
      kind: 'orphan-session',
      severity: 'warning',
      title: 'Orphan session agent_builder-101500-77aa01',
      explanation: 'This tmux session matches the agent pattern, but no registry names it. It may be left from a crashed orchestrator run.',
      task: null,
      agentId: null,
      since: since(42),
      fix: { label: 'Kill session', effect: 'Saves its scrollback, then kills the session and every process under it.' },
      orphan: {
        kind: 'orphan-session',
        session: 'agent_builder-101500-77aa01',
        sessionId: '$41',
        reason: 'no registry names it',
        unreadable: [],
      },
    },
    ...strayOrphans(since),
    ...(ghost
      ? [
          {
            id: `ghost-agent:${ghost.agentId}`,
            kind: 'ghost-agent' as const,
            severity: 'warning' as const,
            title: `Ghost agent ${ghost.agentId}`,
            explanation: 'The registry says this agent is still running, but its tmux session has been gone for 14 minutes.',
            task: ghost.task,
            agentId: ghost.agentId,
            since: since(14),
            fix: { label: 'Clean agent', effect: 'Archives its logs and deletes its prompt file, as for a finished agent.' },
            orphan: {
              kind: 'ghost-agent' as const,
              task: ghost.taskDir,
              agentId: ghost.agentId,
              session: ghost.session,
              reason: 'session gone',
            },
          },
        ]
      : []),
    {
      id: 'zombie:48812',
      kind: 'zombie',
      severity: 'info',
      title: 'Zombie process 48812 (parent 48790)',
      explanation:
        'A finished process its parent has not reaped yet. It holds no memory; it goes away when its parent (node, pid 48790) exits or reaps it. Nothing one click can safely do.',
      task: null,
      agentId: 'tester-093011-c0ffee',
      since: since(95),
      fix: null,
      orphan: { kind: 'zombie', agentId: 'tester-093011-c0ffee', pid: 48812, ppid: 48790, reason: 'state Z' },
    },
    {
      id: 'breaker:webshop-task',
      kind: 'breaker',
      severity: 'error',
      title: 'Cleanup of a task keeps failing',
      explanation:
        'Archiving failed 3 sweeps in a row (EACCES: permission denied, archive/MANIFEST.jsonl). The task is backed off until 15:42; fix the permission, then retry.',
      task: agents[0]?.task ?? null,
      agentId: null,
      since: since(9),
      fix: { label: 'Retry now', effect: 'Closes the circuit breaker and sweeps this task again at once.' },
      orphan: null,
    },
    ...(idle
      ? [
          {
            id: `idle-warning:${idle.agentId}`,
            kind: 'idle-warning' as const,
            severity: 'info' as const,
            title: `${idle.agentId} will be cleaned in 8 minutes`,
            explanation: `No output for ${idle.idleMinutes ?? 0} minutes. Pin it to keep it running.`,
            task: idle.task,
            agentId: idle.agentId,
            since: since(2),
            fix: { label: 'Pin agent', effect: 'Adds it to the pins: it is never cleaned for being idle.' },
            orphan: null,
          },
        ]
      : []),
  ];

  const config = ConfigSchema.parse({
    roots: ROOTS,
    finishGraceSeconds: MOCK_FINISH_GRACE_SECONDS,
    compressAfterDays: 1,
    retention: { maxAgeDays: 30, maxBytesPerRoot: 2 * 1024 ** 3 },
    pins: agents
      .filter((a) => a.pinned)
      .slice(0, 3)
      .map((a) => a.agentId),
  });
  return { now, agents, archives, alerts, activity, config };
}
