/** The engine's public surface: adapters (CLI, daemon, Electron main, web bridge) import from here only. */
export { runCleanup, reportExitCode, policyFrom, tmuxClientFor, type RunOptions } from './engine.js';
export { rootsOf, chooseRoots, type RootChoice } from './roots.js';
export { loadConfig, configPath, ConfigError } from './config-loader.js';
export { plan } from './planner.js';
export { execute } from './executor.js';
export { TmuxClient } from './tmux/tmux-client.js';
export { agentIdProblem, isValidAgentId, sessionNameProblem } from './guards.js';
export { runDoctor } from './doctor.js';
export { readDaemonStatus, stateDir } from './daemon/heartbeat.js';
export { UI_ACCESS_FILE, ensureUiAccess, recordUiServer, rotateUiToken, uiAddress, uiTokenSource } from './app/ui-access.js';
export { JanitorDaemon, type DaemonOptions } from './daemon/janitor-daemon.js';
export { AlreadyRunningError } from './daemon/instance-lock.js';
export { createJanitorService, type JanitorServiceOptions, type RunningJanitorService } from './app/janitor-service.js';
