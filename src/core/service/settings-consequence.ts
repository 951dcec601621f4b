import crypto from 'node:crypto';
import type { ActionKind, Config, ConsequenceAgent, RetentionPlan, SettingsConsequence, SweepReport } from '../../shared/index.js';

/** What a sweep and a retention pass would do under one config: the two dry runs a consequence compares. */
export interface PlannedWork {
  report: SweepReport;
  retention: Pick<RetentionPlan, 'remove' | 'compress'>;
}

/** What a retention pass depends on: when a change leaves all of it alone, retention does the same before and after. */
export function retentionInputs(config: Config): string {
  return JSON.stringify([config.retention, config.compression, config.compressAfterDays, config.roots]);
}

const agentKey = (task: string, agentId: string): string => `${task}\0${agentId}`;
const fileKey = (f: { taskDir: string; path: string }): string => `${f.taskDir}\0${f.path}`;

/** The actions each agent would get, by agent: only what would really run (planned), not what is skipped. */
function plannedByAgent(report: SweepReport): Map<string, ActionKind[]> {
  const byAgent = new Map<string, ActionKind[]>();
  for (const a of report.actions) {
    if (a.outcome !== 'planned') continue;
    const key = agentKey(a.task, a.agentId);
    const kinds = byAgent.get(key) ?? [];
    if (!kinds.includes(a.kind)) kinds.push(a.kind);
    byAgent.set(key, kinds);
  }
  return byAgent;
}

/**
 * What `next` would do that `now` would not: agents cleaned only under the new settings, and archived files removed
 * or compressed only under them. Pure over the two dry runs, so the preview and the save's check agree.
 */
export function consequenceOf(now: PlannedWork, next: PlannedWork): SettingsConsequence {
  const before = plannedByAgent(now.report);
  const clean: ConsequenceAgent[] = [];
  for (const [key, actions] of plannedByAgent(next.report)) {
    if (before.has(key)) continue;
    const agent = next.report.agents.find((a) => agentKey(a.task, a.agentId) === key);
    if (!agent) continue;
    clean.push({
      task: agent.task,
      agentId: agent.agentId,
      verdict: agent.verdict,
      reason: agent.reason,
      session: agent.session,
      unfinished: agent.verdict === 'idle' || agent.verdict === 'ghost',
      actions,
    });
  }
  const removedNow = new Set(now.retention.remove.map(fileKey));
  const compressedNow = new Set(now.retention.compress.map(fileKey));
  const remove = next.retention.remove.filter((f) => !removedNow.has(fileKey(f)));
  const compress = next.retention.compress.filter((f) => !compressedNow.has(fileKey(f)));
  const digest = crypto
    .createHash('sha256')
    .update(JSON.stringify([clean.map((a) => [a.task, a.agentId, a.actions]), remove.map(fileKey), compress.map(fileKey)]))
    .digest('hex');
  return { clean, remove, compress, digest };
}

/** Why a save was held back: what it would do, in words, for the field issue the window shows. */
export function consequenceMessage(c: SettingsConsequence, stale: boolean): string {
  const parts: string[] = [];
  if (c.clean.length)
    parts.push(
      `clean ${c.clean.length === 1 ? '1 agent' : `${c.clean.length} agents`}${c.clean.some((a) => a.unfinished) ? ' (some still unfinished)' : ''}`,
    );
  if (c.remove.length) parts.push(`delete ${c.remove.length === 1 ? '1 archived file' : `${c.remove.length} archived files`}`);
  if (c.compress.length) parts.push(`compress ${c.compress.length === 1 ? '1 archived file' : `${c.compress.length} archived files`}`);
  const what = `This change would ${parts.join(' and ')}`;
  return stale
    ? `${what}, which is not what was confirmed (things changed meanwhile): review it and confirm again.`
    : `${what}: review it and confirm.`;
}
