import { AlreadyRunningError, ConfigError, JanitorDaemon, configPath, createJanitorService, loadConfig, stateDir } from '../core/index.js';
import type { Config, DaemonEvent } from '../shared/index.js';
import type { WebBridgeHandle } from '../bridge/index.js';
import { startUi } from './ui-server.js';
import { plural } from '../shared/index.js';
import { messageOf } from '../shared/errors.js';

export interface DaemonFlags {
  root?: string[];
  tmuxSocket?: string;
  config?: string;
  json?: boolean;
  /** `--ui`: serve the window's UI and API on 127.0.0.1 (the web bridge). */
  ui?: boolean;
  port?: number;
  /** `--start-paused` (with --ui): the first plan is shown in the window and nothing is cleaned until Resume. */
  startPaused?: boolean;
}

function human(e: DaemonEvent): string {
  switch (e.event) {
    case 'ready':
      return `ready: pid ${e.pid}, ${plural(e.tasks, 'task')}, ${plural(e.agents, 'agent')}, watching ${e.roots.join(', ')} (${e.watch})${e.paused ? '; paused: nothing is cleaned until Resume in the window' : ''}`;
    case 'sweep':
      return `sweep (${e.trigger}): ${plural(e.tasks, 'task')}, ${e.actions.done ?? 0} done, ${e.actions.failed ?? 0} failed, ${e.engineMs} ms`;
    case 'action':
      return `${e.action.outcome.toUpperCase()} ${e.action.agentId} ${e.action.kind} ${e.action.target}: ${e.action.error ?? e.action.detail ?? e.action.reason}`;
    case 'orphan':
      return `attention: ${e.orphan.kind}: ${e.orphan.reason}`;
    case 'finishing':
      return `finishing: ${e.agentId} is done but its processes still run; left to exit on its own for ${e.graceSeconds} s (until ${e.graceEndsAt})`;
    case 'idle-warning':
      return `idle: ${e.agentId} silent for ${e.idleMinutes} min, cleaned in ${e.cleanInMinutes} min unless it speaks or is pinned`;
    case 'error':
      return `error: ${e.error.path}: ${e.error.message}`;
    case 'watch-fallback':
      return `watching by polling: ${e.reason}`;
    case 'reload':
      return `reload: ${e.message}`;
    case 'stopping':
      return `stopping (${e.signal}): finishing the sweep in flight`;
    case 'resume':
      return `resumed after about ${Math.round(e.sleptMs / 1000)} s asleep: reconciling; the sleep does not count as idleness`;
    case 'stalled':
      return `stalled: step ${e.step} running for ${e.runningMs} ms (limit ${e.limitMs} ms)`;
    case 'retention':
      return `retention: compressed ${plural(e.compressed, 'archived file')}, removed ${e.removed}, ${plural(e.reclaimBytes, 'byte')} freed by removal`;
    case 'breaker':
      return `backing off ${e.task} until ${e.retryAt} after ${e.failures} failed sweeps: ${e.lastError}`;
  }
}

/**
 * `agent-janitor daemon`: runs until SIGTERM/SIGINT (drain, exit 0); SIGHUP reloads the config file, keeping the
 * command-line overrides; SIGQUIT prints the daemon's state on stderr.
 */
export async function runDaemon(flags: DaemonFlags, config: Config, write: (text: string) => void): Promise<number> {
  const emit = (event: DaemonEvent) => write(flags.json ? JSON.stringify(event) + '\n' : `${event.ts} ${human(event)}\n`);
  const overrides = { roots: flags.root, tmuxSocket: flags.tmuxSocket };
  // With --ui the daemon runs inside the service the web bridge serves; without, it runs bare (less memory).
  const service = flags.ui
    ? createJanitorService({
        config,
        settings: { file: configPath(flags.config, process.env).path, overrides },
        stateDir: stateDir(),
        host: 'web',
        emit,
        startPaused: flags.startPaused === true,
      })
    : null;
  const daemon = service?.daemon ?? new JanitorDaemon(config, { stateDir: stateDir(), emit });
  let ui: WebBridgeHandle | null = null;
  // Handlers go in before anything starts: a signal that arrives during start-up must not kill the process outright.
  let requested: NodeJS.Signals | null = null;
  let onStop: (signal: NodeJS.Signals) => void = (signal) => {
    requested ??= signal;
    // Start-up (its first sweep) stops waiting; the daemon drains and stops, and the wait below gets the same stop.
    void daemon.stop(signal);
  };
  const stop = (signal: NodeJS.Signals) => onStop(signal);
  const reload = () => {
    try {
      const next = loadConfig(flags.config, overrides);
      void daemon.reload(next).then(() => emit({ event: 'reload', ts: new Date().toISOString(), ok: true, message: 'config reloaded' }));
    } catch (err) {
      const message = err instanceof ConfigError ? err.message : String(err);
      emit({ event: 'reload', ts: new Date().toISOString(), ok: false, message: `config not reloaded, keeping the old one: ${message}` });
    }
  };
  const quit = () => process.stderr.write(`agent-janitor state: ${JSON.stringify(daemon.state())}\n`);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('SIGHUP', reload);
  process.on('SIGQUIT', quit);
  const detach = () => {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
    process.off('SIGHUP', reload);
    process.off('SIGQUIT', quit);
  };
  try {
    await daemon.start();
  } catch (err) {
    detach();
    if (err instanceof AlreadyRunningError) {
      process.stderr.write(`agent-janitor: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  if (service && !requested) {
    try {
      ui = await startUi(service, flags.port, stateDir());
    } catch (err) {
      detach();
      await daemon.stop('ui-failed');
      process.stderr.write(`agent-janitor: cannot serve the UI: ${messageOf(err)}\n`);
      return 1;
    }
  }
  const code = await new Promise<number>((resolve) => {
    onStop = (signal) => {
      onStop = () => undefined;
      // The bridge closes first so no request starts a cleanup while the daemon drains.
      (ui?.close() ?? Promise.resolve())
        .then(() => daemon.stop(signal))
        .then(
          () => resolve(0),
          (err: unknown) => {
            process.stderr.write(`agent-janitor: stopping failed: ${String(err)}\n`);
            resolve(1);
          },
        );
    };
    if (requested) onStop(requested);
  });
  detach();
  // A stalled step is still pending (a file system that stopped answering): it would keep the process alive forever.
  if (daemon.abandoned) setTimeout(() => process.exit(code), 100);
  return code;
}
