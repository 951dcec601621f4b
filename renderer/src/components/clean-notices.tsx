import type { AgentRow, SweepReport } from '../../../src/shared/index.js';
import { plural } from '../lib/format.js';
import { Notice } from './badges.js';

/** Clean now does not wait out a finish grace: say so before the confirm, since it stops processes still at work. */
export function FinishingNotice({ agents }: { agents: readonly Pick<AgentRow, 'agentId' | 'status'>[] }) {
  const one = agents.length === 1 ? agents[0] : undefined;
  return (
    <Notice kind="warn" testId="preview-finishing">
      {one ? (
        <>
          <span class="mono">{one.agentId}</span> has finished (status {one.status}), but its processes are still running: it is in its
          finish grace, left to exit on its own. Cleaning now does not wait: its processes will be stopped and its session killed.
        </>
      ) : (
        <>
          {plural(agents.length, 'agent')} have finished but their processes are still running (in their finish grace). Cleaning now does
          not wait: their processes will be stopped and their sessions killed.
        </>
      )}
    </Notice>
  );
}

/** Verdicts of agents whose registry does not say they are done: cleaning them stops work in progress. */
const UNFINISHED: ReadonlySet<string> = new Set(['active', 'idle', 'pinned', 'session-missing', 'ghost']);

/**
 * The agents a preview would clean although their registry does not say they finished: judged so by the preview
 * itself (idle, ghost), or by the agent list before it (a Clean now of an active agent is judged "finished: requested").
 */
export function unfinishedIn(
  report: SweepReport,
  rows: readonly Pick<AgentRow, 'taskDir' | 'agentId' | 'verdict'>[],
): SweepReport['agents'] {
  const key = (task: string, agentId: string) => `${task}\0${agentId}`;
  const acted = new Set(report.actions.filter((a) => a.outcome === 'planned').map((a) => key(a.task, a.agentId)));
  const working = new Set(rows.filter((r) => UNFINISHED.has(r.verdict)).map((r) => key(r.taskDir, r.agentId)));
  return report.agents.filter(
    (a) => acted.has(key(a.task, a.agentId)) && (UNFINISHED.has(a.verdict) || working.has(key(a.task, a.agentId))),
  );
}

export function UnfinishedNotice({ agents }: { agents: SweepReport['agents'] }) {
  const names = agents
    .slice(0, 5)
    .map((a) => `${a.agentId} (${a.status})`)
    .join(', ');
  return (
    <Notice kind="error" testId="preview-unfinished">
      {agents.length === 1 ? 'This agent is' : `${plural(agents.length, 'agent')} are`} still at work by their registry: {names}
      {agents.length > 5 ? ', …' : ''}. Cleaning {agents.length === 1 ? 'it' : 'them'} now kills{' '}
      {agents.length === 1 ? 'its session' : 'their sessions'} and stops whatever {agents.length === 1 ? 'it was' : 'they were'} doing.
    </Notice>
  );
}
