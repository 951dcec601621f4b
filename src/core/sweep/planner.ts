import type { AgentReport, InputError, Orphan } from '../../shared/index.js';
import type { Claim } from './claims.js';
import { judge, type Judgement } from './judge.js';
import type { PlannedAction, Plan, PlanPolicy, Snapshot, TaskView } from './plan-types.js';
import type { SourcedAgent } from '../workspace/sourced-agent.js';
import type { TmuxSession, TmuxState } from '../platform/tmux-listing.js';
import { cleanupActions, sessionKeeper, type SessionUser, type SessionUsers } from './cleanup-actions.js';

interface Pending {
  agent: SourcedAgent;
  view: TaskView;
  live: TmuxSession;
  j: Judgement;
  report: AgentReport;
  seq: number;
}

/**
 * Plans task by task, so a sweep over 10,000 tasks can drop each task's view as soon as it is planned instead of
 * holding every view at once (see snapshot.ts, scanAndPlan). The one thing that needs every task is who names each
 * live session: whether a session may be killed (another unfinished agent may name it), which agent kills a shared
 * one, and which sessions are orphans. So an agent to be cleaned whose session is alive is planned in finish(), once
 * every task was added, and only its task's view is kept until then; every other agent is planned at once. Results
 * are put back in agent order, so the plan is the same as planning everything in one go.
 */
export class Planner {
  private readonly agents: AgentReport[] = [];
  private readonly ghosts: Orphan[] = [];
  /** Who names each live session (only live names can be kept alive or be orphans). */
  private readonly users: SessionUsers = new Map();
  private readonly pending: Pending[] = [];
  private readonly planned: { seq: number; actions: PlannedAction[]; errors: InputError[] }[] = [];
  private readonly claimed = new Map<string, string>();
  /** Registries (task folders) and state databases that could not be read: any of them may name any session. */
  private readonly unreadable = new Set<string>();
  private seq = 0;
  /**
   * One copy of each distinct reason: at 10,000 agents nearly every row says the same few things, and the rows are
   * what a large sweep holds longest.
   */
  private readonly reasons = new Map<string, string>();

  constructor(
    private readonly policy: PlanPolicy,
    private readonly tmux: TmuxState,
    private readonly now: number,
  ) {}

  add(views: Iterable<TaskView>): this {
    const { policy } = this;
    for (const view of views) {
      if (view.unreadable) this.unreadable.add(view.scan.ref.dir);
      const excluded = policy.excludeTasks.has(view.scan.ref.dir);
      for (const agent of view.agents) {
        const live = agent.rawSession !== null ? this.tmux.sessions.get(agent.rawSession) : undefined;
        const considered = !excluded && (policy.onlyAgent === null || agent.id === policy.onlyAgent);
        const j = considered ? this.judgeOne(agent, view, live) : null;
        this.nameSession(view.scan.ref.dir, agent, j);
        if (j) this.report(agent, view, live, j);
      }
    }
    return this;
  }

  /**
   * Agents that are never judged still name their sessions: the database's agents of tasks whose folder is not
   * (or no longer) under the roots. Such a session is neither an orphan nor killed for another agent.
   */
  nameSessions(task: string, agents: Iterable<SourcedAgent>): this {
    for (const agent of agents) this.nameSession(task, agent, null);
    return this;
  }

  /**
   * Claims of tasks this plan does not judge (the daemon's index for tasks a partial sweep does not scan), or may
   * still hold (an unreadable registry's last known agents, the sessions its prompts name): an unfinished claim keeps
   * its session alive, whoever else asks for it to be killed.
   */
  claimSessions(task: string, claims: Iterable<Claim>, inferred = false): this {
    for (const c of claims)
      this.addUser(c.session, {
        task,
        agentId: c.agentId,
        status: c.status,
        keepsSession: !this.policy.terminalStatuses.has(c.status),
        inferred,
      });
    return this;
  }

  /** A source could not be read: its sessions may be called orphans, and the report says so. */
  markUnreadable(source: string): this {
    this.unreadable.add(source);
    return this;
  }

  /**
   * Every agent naming a live session counts, refused name or not, excluded or not, so a session is never called an
   * orphan because of a typo'd entry, and one agent's cleanup never kills another's session.
   */
  private nameSession(task: string, agent: SourcedAgent, j: Judgement | null): void {
    if (agent.rawSession === null) return;
    const keepsSession = j ? !j.clean : !this.policy.terminalStatuses.has(agent.status);
    this.addUser(agent.rawSession, { task, agentId: agent.id, status: agent.status, keepsSession });
  }

  private addUser(session: string, user: SessionUser): void {
    if (!this.tmux.sessions.has(session)) return;
    const list = this.users.get(session) ?? [];
    list.push(user);
    this.users.set(session, list);
  }

  private judgeOne(agent: SourcedAgent, view: TaskView, live: TmuxSession | undefined): Judgement {
    const j = judge(agent, view, live, this.now, this.policy);
    if (this.tmux.error !== null && agent.rawSession !== null) {
      // Without a tmux listing we cannot tell a live session from a dead one: act on nothing that depends on it.
      return {
        ...j,
        verdict: j.clean ? j.verdict : 'active',
        reason: `${j.reason}; tmux unavailable, left alone`,
        clean: false,
        graceEndsMs: null,
      };
    }
    return j;
  }

  private report(agent: SourcedAgent, view: TaskView, live: TmuxSession | undefined, j: Judgement): void {
    const report: AgentReport = {
      task: view.scan.ref.dir,
      agentId: agent.id,
      status: agent.status,
      verdict: j.verdict,
      reason: this.intern(j.reason),
      session: agent.session,
      sessionAlive: live !== undefined,
      idleMinutes: j.idleMinutes,
      pinned: agent.pinned || this.policy.pins.has(agent.id),
      source: agent.source,
      graceEndsAt: j.graceEndsMs === null ? null : new Date(j.graceEndsMs).toISOString(),
      graceSeconds: j.graceEndsMs === null ? null : Math.max(0, Math.ceil((j.graceEndsMs - this.now) / 1000)),
    };
    const seq = this.seq++;
    this.agents.push(report);
    if (j.verdict === 'ghost') {
      this.ghosts.push({ kind: 'ghost-agent', task: view.scan.ref.dir, agentId: agent.id, session: agent.session, reason: j.reason });
    }
    if (j.verdict === 'finishing' && live && agent.session !== null) {
      const skip = `finishing: left to exit on its own until ${report.graceEndsAt} (clean-agent acts at once)`;
      const action: PlannedAction = {
        kind: 'kill-session',
        task: report.task,
        agentId: agent.id,
        target: agent.session,
        reason: report.reason,
        session: agent.session,
        sessionId: live.id,
        skip,
      };
      this.planned.push({ seq, actions: [action], errors: [] });
    }
    if (!j.clean) return;
    if (live) this.pending.push({ agent, view, live, j, report, seq });
    else this.planAgent(agent, view, undefined, j, report, seq);
  }

  private planAgent(
    agent: SourcedAgent,
    view: TaskView,
    live: TmuxSession | undefined,
    j: Judgement,
    report: AgentReport,
    seq: number,
  ): void {
    const errors: InputError[] = [];
    const keeper = sessionKeeper(view.scan.ref.dir, agent, live, this.users, this.policy);
    const explicit = this.policy.onlyAgent === agent.id;
    const actions = cleanupActions(agent, view, live, j.reason, keeper, this.claimed, errors, explicit);
    // A pin keeps a finished agent as it is (session, logs, prompt) until it is unpinned or cleaned by hand; an
    // interrupted cleanup is still finished, since its session may already be dead.
    if (
      report.pinned &&
      !explicit &&
      j.verdict === 'finished' &&
      !view.scan.intents.pending.has(agent.id) &&
      actions.some((a) => !a.skip)
    ) {
      report.verdict = 'pinned';
      report.reason = this.intern(`${j.reason}; pinned: kept as it is until it is unpinned or cleaned by hand`);
      return;
    }
    if (actions.length === 0 && j.verdict === 'finished') {
      report.verdict = 'clean';
      report.reason = this.intern(`${j.reason}; nothing left to clean`);
    }
    if (actions.length > 0 || errors.length > 0) this.planned.push({ seq, actions, errors });
  }

  private intern(text: string): string {
    const known = this.reasons.get(text);
    if (known !== undefined) return known;
    this.reasons.set(text, text);
    return text;
  }

  /** `inputErrors` (what the scan found) come first in the plan's errors, as they always have. */
  finish(inputErrors: readonly InputError[]): Plan {
    const { policy } = this;
    for (const p of this.pending.splice(0)) this.planAgent(p.agent, p.view, p.live, p.j, p.report, p.seq);
    this.planned.sort((a, b) => a.seq - b.seq);
    const actions = this.planned.flatMap((p) => p.actions);
    const errors = [...inputErrors, ...this.planned.flatMap((p) => p.errors)];
    const orphans = [...this.ghosts];
    if (policy.onlyAgent === null && policy.fullScan && this.tmux.error === null) {
      for (const session of this.tmux.sessions.values()) {
        if (!policy.sessionPattern.test(session.name) || this.users.get(session.name)?.some((u) => !u.inferred)) continue;
        const unreadable = [...this.unreadable].sort();
        const note = unreadable.length > 0 ? ' (some registries could not be read, so it may be named in one of them)' : '';
        orphans.push({
          kind: 'orphan-session',
          session: session.name,
          sessionId: session.id,
          reason: `matches ${policy.sessionPattern.source} but no registry names it${note}`,
          unreadable,
        });
      }
    }
    return { agents: this.agents, actions, orphans, errors };
  }
}

/**
 * Pure: the same snapshot and policy always give the same plan, which is what lets a dry run print exactly what a
 * real run will do. Per agent, actions follow SPEC.md's order; the executor keeps that order per agent.
 */
export function plan(snapshot: Snapshot, policy: PlanPolicy): Plan {
  return new Planner(policy, snapshot.tmux, snapshot.now).add(snapshot.tasks).finish(snapshot.errors);
}
