import type { ActivityEntry, AgentRow, ArchiveFile } from '../../src/shared/index.js';
import { hex, pad, pick } from './mock-random.js';
import { finishingReason, verdictFor, type Judged } from './mock-verdicts.js';

/**
 * One made-up agent as the orchestrator names it: its row (verdict, files), and once cleaned, its archived files
 * and the journal entry of its cleanup. Each draws from the world's generator in a fixed order, so a seed makes the
 * same world every time.
 */

const TYPES = ['builder', 'reviewer', 'fixer', 'tester', 'planner', 'researcher', 'docs'];

/** Where an agent runs: its task, that task's folder and root, and where its entry is read from. */
export interface AgentPlace {
  task: string;
  taskDir: string;
  root: string;
  source: AgentRow['source'];
}

/** The files an agent not yet cleaned leaves: its logs, maybe progress, findings and its prompt. */
function agentFiles(r: () => number, agentId: string, v: Judged, t: Date, now: number): AgentRow['files'] {
  const mtime = new Date(now - (v.idle ?? 5) * 60_000).toISOString();
  return v.verdict === 'clean'
    ? []
    : [
        { path: `logs/${agentId}_stream.jsonl`, bytes: Math.floor(20_000 + r() * 9_000_000), mtime },
        { path: `logs/${agentId}.log`, bytes: Math.floor(2_000 + r() * 300_000), mtime },
        ...(r() < 0.4 ? [{ path: `logs/deploy_${agentId}.json`, bytes: Math.floor(600 + r() * 4_000), mtime: t.toISOString() }] : []),
        ...(r() < 0.6 ? [{ path: `progress/${agentId}_progress.jsonl`, bytes: Math.floor(1_000 + r() * 60_000), mtime }] : []),
        ...(r() < 0.3 ? [{ path: `findings/${agentId}_findings.jsonl`, bytes: Math.floor(500 + r() * 20_000), mtime }] : []),
        ...(r() < 0.7 ? [{ path: `agent_prompt_${agentId}.txt`, bytes: Math.floor(800 + r() * 12_000), mtime: t.toISOString() }] : []),
      ];
}

/** An agent started at `t` in `place`, judged as of `now`. */
export function makeAgent(r: () => number, place: AgentPlace, t: Date, now: number): AgentRow {
  const type = pick(r, TYPES);
  const agentId = `${type}-${pad(t.getUTCHours())}${pad(t.getUTCMinutes())}${pad(t.getUTCSeconds())}-${hex(r, 6)}`;
  const v = verdictFor(r);
  const session = v.verdict === 'invalid' ? null : `agent_${agentId}`;
  const files = agentFiles(r, agentId, v, t, now);
  const graceEnds = v.graceLeft === undefined ? null : now + v.graceLeft * 1000;
  return {
    task: place.task,
    taskDir: place.taskDir,
    root: place.root,
    agentId,
    status: v.status,
    verdict: v.verdict,
    reason: graceEnds === null ? v.reason : finishingReason(v.status, graceEnds, now),
    session,
    sessionAlive: v.alive,
    idleMinutes: v.idle,
    pinned: v.verdict === 'pinned',
    source: place.source,
    graceEndsAt: graceEnds === null ? null : new Date(graceEnds).toISOString(),
    graceSeconds: v.graceLeft ?? null,
    files,
    bytes: files.reduce((n, f) => n + f.bytes, 0),
  };
}

/** A cleaned agent's files in its task's archive: logs, maybe progress, and its session's scrollback. */
export function archivedFiles(r: () => number, agentId: string, archivedAt: string, now: number): ArchiveFile[] {
  // Archived files stay uncompressed for compressAfterDays (the mock's config: 1), then are gzipped; a few
  // older ones still wait for the retention pass to compress them.
  const gzipped = now - Date.parse(archivedAt) > 86_400_000 && r() < 0.8;
  const sources = [
    `logs/${agentId}_stream.jsonl`,
    `logs/${agentId}.log`,
    ...(r() < 0.5 ? [`progress/${agentId}_progress.jsonl`] : []),
    `tmux:agent_${agentId}`,
  ];
  return sources.map((source) => {
    const bytes = Math.floor(5_000 + r() * 6_000_000);
    const name = source.startsWith('tmux:') ? `${agentId}_scrollback.txt` : source.slice(source.indexOf('/') + 1);
    return {
      path: `archive/${name}${gzipped ? '.gz' : ''}`,
      agentId,
      source,
      bytes,
      storedBytes: gzipped ? Math.floor(bytes / (3 + r() * 6)) : bytes,
      archivedAt,
      sha256: hex(r, 64),
    };
  });
}

/** The journal entry of a cleaned agent's cleanup; one in 25 or so had its kill time out. */
export function cleanupEntry(r: () => number, task: string, agentId: string, archivedAt: string): ActivityEntry {
  const failed = r() < 0.04;
  return {
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
  };
}
