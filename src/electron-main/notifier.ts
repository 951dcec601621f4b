import { Notification } from 'electron';
import type { FixResult, UiEvent } from '../shared/ui-contract.js';
import {
  notificationActionsSupported,
  type NotificationConfig,
  type NotificationPolicy,
  type PlannedNotification,
} from './notification-policy.js';

/**
 * Shows what NotificationPolicy decides: one timer for its next due time, one Electron Notification per planned
 * one. A click opens the window at the item (or the alerts list); where notifications have buttons, the button
 * fixes the single item in place.
 */
export type NotifierDeps = {
  policy: NotificationPolicy;
  now(): number;
  open(route: string): void;
  fix(alertId: string): Promise<FixResult>;
  log(level: 'info' | 'warn', message: string): void;
};

export class Notifier {
  private timer: NodeJS.Timeout | null = null;
  /** Shown notifications are kept referenced: a collected Notification loses its click handler. */
  private readonly live = new Set<Notification>();

  constructor(private readonly deps: NotifierDeps) {}

  offer(event: UiEvent): void {
    if (this.deps.policy.offer(event, this.deps.now())) this.arm();
  }

  setConfig(config: NotificationConfig): void {
    this.deps.policy.setConfig(config);
    this.arm();
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    for (const n of this.live) n.close();
    this.live.clear();
  }

  private arm(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const due = this.deps.policy.nextDueAt();
    if (due === null) return;
    this.timer = setTimeout(() => this.flush(), Math.max(0, due - this.deps.now()));
  }

  private flush(): void {
    this.timer = null;
    for (const planned of this.deps.policy.take(this.deps.now())) this.show(planned);
    this.arm();
  }

  private show(planned: PlannedNotification): void {
    if (!Notification.isSupported()) {
      this.deps.log('info', `notifications unsupported here; not shown: ${planned.title}: ${planned.body}`);
      return;
    }
    const n = new Notification({
      title: planned.title,
      body: planned.body,
      urgency: planned.kind === 'breaker' || planned.kind === 'stalled' ? 'critical' : 'normal',
      ...(planned.fix !== null && notificationActionsSupported(process.platform)
        ? { actions: [{ type: 'button', text: planned.fix.label }] }
        : {}),
    });
    const forget = () => this.live.delete(n);
    n.on('click', () => {
      forget();
      this.deps.open(planned.deepLink);
    });
    n.on('close', forget);
    n.on('action', () => {
      forget();
      const fix = planned.fix;
      if (fix === null) return;
      this.deps.fix(fix.alertId).then(
        (result) => {
          this.deps.log(result.ok ? 'info' : 'warn', `notification fix ${fix.alertId}: ${result.message}`);
          if (!result.ok) this.deps.open(planned.deepLink);
        },
        (error: unknown) => {
          this.deps.log('warn', `notification fix ${fix.alertId} failed: ${String(error)}`);
          this.deps.open(planned.deepLink);
        },
      );
    });
    this.live.add(n);
    n.show();
  }
}
