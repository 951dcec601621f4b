import path from 'node:path';
import type { ActionResult, DoctorCheck, SweepReport, Verdict } from '../shared/index.js';
import { plural } from '../shared/index.js';

function table(rows: string[][]): string {
  if (rows.length === 0) return '';
  const widths = rows[0]!.map((_, i) => Math.min(48, Math.max(...rows.map((r) => (r[i] ?? '').length))));
  return rows
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const taskName = (task: string) => path.basename(task);

function actionLine(a: ActionResult): string[] {
  return [a.outcome.toUpperCase(), a.agentId, a.kind, a.target, a.error ?? a.detail ?? a.reason];
}

/** The default output is for people: what was found, what was done and why, what failed. Details live in --json. */
export function formatReport(report: SweepReport): string {
  const out: string[] = [];
  const counts = new Map<Verdict, number>();
  for (const a of report.agents) counts.set(a.verdict, (counts.get(a.verdict) ?? 0) + 1);
  const found = [...counts].map(([v, n]) => `${n} ${v}`).join(', ') || 'none';
  out.push(`Found ${plural(report.stats.agents, 'agent')} in ${plural(report.stats.tasks, 'task')}: ${found}`);
  const notable = report.agents.filter((a) => a.verdict !== 'active' && a.verdict !== 'clean');
  if (notable.length) {
    out.push(
      '',
      table([
        ['TASK', 'AGENT', 'STATUS', 'VERDICT', 'WHY'],
        ...notable.map((a) => [taskName(a.task), a.agentId, a.status, a.verdict, a.reason]),
      ]),
    );
  }
  const acted = report.actions.filter((a) => a.outcome !== 'skipped');
  const skipped = report.actions.filter((a) => a.outcome === 'skipped');
  if (acted.length) {
    out.push('', report.stats.dryRun ? 'Planned (dry run, nothing changed):' : 'Actions:');
    out.push(table([['OUTCOME', 'AGENT', 'ACTION', 'TARGET', 'DETAIL'], ...acted.map(actionLine)]));
  }
  if (skipped.length) out.push('', 'Skipped:', table(skipped.map(actionLine)));
  if (report.orphans.length) {
    out.push('', 'Needs attention:');
    out.push(
      table(
        report.orphans.map((o) => {
          switch (o.kind) {
            case 'orphan-session':
              return [o.kind, o.session, o.reason];
            case 'ghost-agent':
              return [o.kind, o.agentId, o.reason];
            case 'zombie':
              return [o.kind, `pid ${o.pid} (parent ${o.ppid})`, o.reason];
            default:
              return [o.kind, `pid ${o.pid} ${o.agentId}`, `${o.reason}: ${o.argv}`];
          }
        }),
      ),
    );
  }
  if (report.errors.length) out.push('', 'Errors:', ...report.errors.map((e) => `  ${e.path}: ${e.message}`));
  const s = report.stats.actions;
  const verb = report.stats.dryRun ? `${s.planned} planned` : `${s.done} done, ${s.failed} failed`;
  out.push(
    '',
    `${verb}, ${s.skipped} skipped; ${plural(report.errors.length, 'error')}; ${plural(report.stats.tmuxSpawns, 'tmux call')}; ${report.stats.engineMs} ms`,
  );
  return out.join('\n') + '\n';
}

export function formatDoctor(checks: readonly DoctorCheck[]): string {
  return table(checks.map((c) => [c.ok ? 'ok' : 'FAIL', c.name, c.detail])) + '\n';
}
