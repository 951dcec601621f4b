import type { Config, DaemonEvent } from '../../shared/index.js';
import { errorMessage } from '../base/timeouts.js';
import { applyRetention, retentionConfigured } from '../sweep/retention.js';
import { now } from './sweep-recorder.js';

const RETENTION_EVERY_MS = 60 * 60 * 1000;

/**
 * The retention pass (delayed compression, and configured limits) after a full sweep, at most once per
 * RETENTION_EVERY_MS: old archives are not urgent.
 */
export class RetentionPass {
  private last = 0;

  constructor(private readonly emit: (event: DaemonEvent) => void) {}

  async maybeRun(config: Config): Promise<void> {
    if (!retentionConfigured(config) || Date.now() - this.last < RETENTION_EVERY_MS) return;
    this.last = Date.now();
    try {
      const done = await applyRetention(config);
      if (done.remove.length > 0 || done.compress.length > 0) {
        this.emit({
          event: 'retention',
          ts: now(),
          compressed: done.compress.length,
          removed: done.remove.length,
          reclaimBytes: done.reclaimBytes,
        });
      }
    } catch (err) {
      this.emit({ event: 'error', ts: now(), error: { path: 'retention', message: errorMessage(err) } });
    }
  }
}
