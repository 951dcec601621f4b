import type { InputError } from '../../shared/index.js';
import { appendIntents, type BeginIntent, type EndIntent } from '../workspace/intents.js';
import { agentKey, byTask, type Ledger } from './ledger.js';
import type { PlannedAction } from './plan-types.js';
import { mapPool } from '../base/pool.js';
import type { ProcessSnapshot } from './session-steps.js';
import { trackTaskWork } from '../base/task-folders.js';
import { errorMessage, withTimeout } from '../base/timeouts.js';
import { INTENTS_FILE } from '../workspace/layout.js';

type Agents = Map<string, { task: string; agentId: string; reason: string; session: string | null }>;

/** Only tasks this run holds the lock of: another janitor's intents are its own to open and close. */
function agentsWithWork(ledger: Ledger, actions: readonly PlannedAction[], held: ReadonlySet<string>): Agents {
  const agents: Agents = new Map();
  for (const a of actions) {
    if (a.kind !== 'record-outcome' || !held.has(a.task) || ledger.blocked.has(agentKey(a))) continue;
    agents.set(agentKey(a), { task: a.task, agentId: a.agentId, reason: a.reason, session: null });
  }
  for (const a of actions) {
    const agent = agents.get(agentKey(a));
    if (agent && a.kind === 'kill-session' && !a.skip) agent.session = a.session;
  }
  return agents;
}

/**
 * Before anything is killed: one fsynced `begin` line per agent, with the processes of its session, so that a
 * crash at any later moment leaves enough for the next run to finish the job. An agent whose intent cannot be
 * written is left alone entirely.
 */
export async function beginStep(
  ledger: Ledger,
  actions: readonly PlannedAction[],
  procs: ProcessSnapshot,
  held: ReadonlySet<string>,
  stepMs: number,
): Promise<void> {
  const ts = new Date().toISOString();
  const agents = agentsWithWork(ledger, actions, held);
  await mapPool([...byTask(agents.values())], 8, async ([task, list]) => {
    const records: BeginIntent[] = list.map((a) => ({
      op: 'begin',
      ts,
      agentId: a.agentId,
      reason: a.reason,
      session: a.session,
      pids: (procs.members.get(agentKey(a)) ?? []).map((p) => ({ pid: p.pid, start: p.start })),
    }));
    try {
      await withTimeout(`intents ${task}`, stepMs, () => trackTaskWork(task, appendIntents(task, records)));
    } catch (err) {
      for (const a of list) ledger.blocked.set(agentKey(a), `cannot write the intent journal: ${errorMessage(err)}; nothing done`);
    }
  });
}

/** After the outcome is journaled: agents with nothing failed get their `end` line; the others resume next run. */
export async function endStep(
  ledger: Ledger,
  actions: readonly PlannedAction[],
  held: ReadonlySet<string>,
  stepMs: number,
): Promise<InputError[]> {
  const ts = new Date().toISOString();
  const finished: { task: string; end: EndIntent }[] = [];
  for (const a of actions) {
    if (a.kind !== 'record-outcome' || !held.has(a.task) || ledger.blocked.has(agentKey(a))) continue;
    if (ledger.resultsFor(a.task, a.agentId).some((r) => r.outcome === 'failed')) continue;
    finished.push({ task: a.task, end: { op: 'end', ts, agentId: a.agentId, reason: a.reason } });
  }
  const errors: InputError[] = [];
  await mapPool([...byTask(finished)], 8, async ([task, list]) => {
    try {
      const ends = list.map((f) => f.end);
      await withTimeout(`intents ${task}`, stepMs, () => trackTaskWork(task, appendIntents(task, ends)));
    } catch (err) {
      // The cleanup is done and journaled; without its end line the next run re-checks the agent and closes it.
      errors.push({ path: `${task}/${INTENTS_FILE}`, message: `cannot close the intent: ${errorMessage(err)}` });
    }
  });
  return errors;
}
