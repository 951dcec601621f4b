import type { DaemonEvent, SweepReport } from '../../shared/index.js';
import type { RunOptions } from '../sweep/engine.js';
import type { WatcherOptions } from './workspace-watcher.js';

export interface DaemonOptions {
  stateDir: string;
  emit(event: DaemonEvent): void;
  /** Every sweep's report (the UI keeps the last full one for its status and alert count). */
  onReport?(report: SweepReport, full: boolean): void;
  /** Start paused: nothing is cleaned until setPaused(false); the first plan is only worked out (a dry run). */
  startPaused?: boolean;
  /** Told when sweeping starts and when it stops, so a window's "sweeping" never outlives the sweep. */
  onSweepingChange?(sweeping: boolean): void;
  /** Told as each step of the daemon's own sweeps starts (the window's "sweeping" shows it). */
  onSweepStep?(step: string): void;
  /** The watcher's seams (tests: a refusing fs.watch, a short polling period). */
  watcher?: WatcherOptions;
}

/** A cleanup the user asked for (or its dry run): see JanitorDaemon.runNow. */
export type RunNowOptions = Pick<RunOptions, 'dryRun' | 'onlyAgent' | 'ignoreGrace' | 'signal' | 'onStep'> & { tasks?: string[] };
