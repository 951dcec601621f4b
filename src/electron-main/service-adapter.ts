import fs from 'node:fs';
import {
  AlreadyRunningError,
  ConfigError,
  configPath,
  createJanitorService,
  loadConfig,
  stateDir,
  type RunningJanitorService,
} from '../core/index.js';
import type { DaemonEvent } from '../shared/daemon-schema.js';
import type { JanitorService } from '../shared/ui-contract.js';

/**
 * The one place the desktop app meets the engine: it builds the service's options the way the CLI's daemon does
 * (config file from $AGENT_JANITOR_CONFIG or the XDG default, state dir from $XDG_STATE_HOME) and starts it. The rest
 * of the Electron layer sees only this narrow type.
 */
export type DesktopEngine = JanitorService & {
  close(): Promise<void>;
  /** A full reconcile, e.g. after the machine wakes. */
  reconcile(): void;
  /** No config file existed: the engine started paused, and the window must show its first plan. */
  readonly firstRun: boolean;
};

export class EngineStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineStartError';
  }
}

export async function startEngine(env: NodeJS.ProcessEnv, emit: (event: DaemonEvent) => void): Promise<DesktopEngine> {
  let service: RunningJanitorService;
  let firstRun = false;
  try {
    const config = loadConfig(undefined, {}, env);
    const file = configPath(undefined, env).path;
    // First run (no config file yet): the window opens on the first plan, paused, and nothing is cleaned until Resume.
    firstRun = !fs.existsSync(file);
    service = createJanitorService({
      config,
      settings: { file, overrides: {}, env },
      stateDir: stateDir(env),
      host: 'desktop',
      emit,
      startPaused: firstRun,
    });
  } catch (error) {
    if (error instanceof ConfigError) throw new EngineStartError(`the config is invalid: ${error.message}`);
    throw error;
  }
  try {
    await service.start();
  } catch (error) {
    if (error instanceof AlreadyRunningError)
      throw new EngineStartError(`another agent-janitor daemon already runs for this user: ${error.message}`);
    throw error;
  }
  return Object.assign(service, { firstRun });
}
