import type { ActionKind, ActionResult, Orphan, Outcome } from '../../shared/index.js';
import type { PlannedAction } from './plan-types.js';

export const agentKey = (a: { task: string; agentId: string }): string => `${a.task}\0${a.agentId}`;

/** Groups items by their task folder, keeping their order. */
export function byTask<T extends { task: string }>(items: Iterable<T>): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const list = out.get(item.task);
    if (list) list.push(item);
    else out.set(item.task, [item]);
  }
  return out;
}

export type ActionOf<K extends ActionKind> = Extract<PlannedAction, { kind: K }>;

interface LedgerState {
  results: Map<PlannedAction, ActionResult>;
  blocked: Map<string, string>;
  orphans: Orphan[];
}

/** Collects the outcome of each planned action as the executor's steps run, and what later steps must not do. */
export class Ledger {
  private readonly results: Map<PlannedAction, ActionResult>;
  /** Agents whose session survived: their logs may still be written, so no file of theirs is moved. */
  readonly blocked: Map<string, string>;
  readonly orphans: Orphan[];

  private readonly byAgent = new Map<string, PlannedAction[]>();

  constructor(
    private readonly actions: readonly PlannedAction[],
    state: LedgerState = { results: new Map(), blocked: new Map(), orphans: [] },
  ) {
    ({ results: this.results, blocked: this.blocked, orphans: this.orphans } = state);
    for (const action of actions) {
      const key = agentKey(action);
      const list = this.byAgent.get(key);
      if (list) list.push(action);
      else this.byAgent.set(key, [action]);
    }
  }

  /** The same ledger seen through these tasks' actions only: what a step records there is recorded here. */
  scoped(tasks: ReadonlySet<string>): Ledger {
    return new Ledger(
      this.actions.filter((a) => tasks.has(a.task)),
      { results: this.results, blocked: this.blocked, orphans: this.orphans },
    );
  }

  record(action: PlannedAction, outcome: Outcome, detail?: string): void {
    const result: ActionResult = {
      kind: action.kind,
      task: action.task,
      agentId: action.agentId,
      target: action.target,
      outcome,
      reason: action.reason,
    };
    if (outcome === 'failed') result.error = detail ?? 'failed';
    else if (detail) result.detail = detail;
    this.results.set(action, result);
  }

  /** Actions of a kind that no step has settled yet. */
  pending<K extends ActionKind>(kind: K): ActionOf<K>[] {
    return this.actions.filter((a): a is ActionOf<K> => a.kind === kind && !this.results.has(a));
  }

  /** Settles the pending actions of blocked agents as skipped; returns the rest. */
  unblocked<K extends ActionKind>(kind: K): ActionOf<K>[] {
    const out: ActionOf<K>[] = [];
    for (const action of this.pending(kind)) {
      const why = this.blocked.get(agentKey(action));
      if (why) this.record(action, 'skipped', why);
      else out.push(action);
    }
    return out;
  }

  /** Settles every action of this view that no step has settled yet (a batch the user cancelled). */
  settleRest(outcome: Outcome, detail: string): void {
    for (const action of this.actions) if (!this.results.has(action)) this.record(action, outcome, detail);
  }

  resultsFor(task: string, agentId: string): ActionResult[] {
    return (this.byAgent.get(agentKey({ task, agentId })) ?? []).flatMap((a) => this.results.get(a) ?? []);
  }

  /** In plan order; anything a step never reached is reported as failed rather than silently dropped. */
  ordered(): ActionResult[] {
    return this.actions.map((a) => {
      if (!this.results.has(a)) this.record(a, 'failed', 'not carried out (an earlier step stopped)');
      return this.results.get(a)!;
    });
  }
}
