import type { ComponentChildren } from 'preact';
import type { ActionResult, AgentRow, Verdict } from '../../../src/shared/index.js';
import { formatGraceLeft, graceLeftSeconds } from '../lib/agent-details.js';
import { useNow } from '../lib/hooks.js';

/** Small coloured labels; the colour follows a class per value, the text always says it too. */
export function VerdictBadge({ verdict, reason }: { verdict: Verdict; reason?: string }) {
  return (
    <span class={`badge verdict-${verdict}`} title={reason}>
      {verdict}
    </span>
  );
}

/** Seconds of the finish grace left, ticking every second; only finishing rows mount it, so only they re-render. */
function GraceLeft({ row }: { row: Pick<AgentRow, 'graceEndsAt' | 'graceSeconds'> }) {
  const now = useNow(1000);
  return <>{formatGraceLeft(graceLeftSeconds(row, now))}</>;
}

/** The verdict, and for a finishing agent the live countdown of its finish grace: "finishing · 12 s left". */
export function AgentVerdictBadge({
  row,
  title,
  testId,
}: {
  row: Pick<AgentRow, 'verdict' | 'graceEndsAt' | 'graceSeconds'>;
  title?: string;
  testId?: string;
}) {
  if (row.verdict !== 'finishing' || (row.graceEndsAt === null && row.graceSeconds === null))
    return <VerdictBadge verdict={row.verdict} reason={title} />;
  return (
    <span class="badge verdict-finishing" title={title} role="timer" data-testid={testId}>
      finishing · <GraceLeft row={row} />
    </span>
  );
}

export function OutcomeBadge({ outcome }: { outcome: ActionResult['outcome'] }) {
  return <span class={`badge outcome-${outcome}`}>{outcome}</span>;
}

export function SeverityBadge({ severity }: { severity: 'info' | 'warning' | 'error' }) {
  return <span class={`badge severity-${severity}`}>{severity}</span>;
}

/** An error or notice line under a toolbar; `role=alert` so screen readers hear a failure. */
export function Notice({
  kind,
  children,
  testId,
}: {
  kind: 'error' | 'ok' | 'info' | 'warn';
  children: ComponentChildren;
  testId?: string;
}) {
  return (
    <div class={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'} data-testid={testId}>
      {children}
    </div>
  );
}
