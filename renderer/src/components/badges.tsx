import type { ComponentChildren } from 'preact';
import type { ActionResult, Verdict } from '../../../src/shared/index.js';

/** Small coloured labels; the colour follows a class per value, the text always says it too. */
export function VerdictBadge({ verdict, reason }: { verdict: Verdict; reason?: string }) {
  return (
    <span class={`badge verdict-${verdict}`} title={reason}>
      {verdict}
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
export function Notice({ kind, children, testId }: { kind: 'error' | 'ok' | 'info'; children: ComponentChildren; testId?: string }) {
  return (
    <div class={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'} data-testid={testId}>
      {children}
    </div>
  );
}
