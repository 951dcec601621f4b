/** The engine's public surface: adapters (CLI, daemon, Electron main, web bridge) import from here only. */
export { runCleanup, reportExitCode, policyFrom, tmuxClientFor, type RunOptions } from './sweep/engine.js';
export { rootsOf, chooseRoots, type RootChoice } from './workspace/roots.js';
export { loadConfig, configPath, ConfigError } from './base/config-loader.js';
export { plan } from './sweep/planner.js';
export { execute } from './sweep/executor.js';
export { TmuxClient } from './platform/tmux-client.js';
export { agentIdProblem, isInside, isValidAgentId, sessionNameProblem } from './base/guards.js';
export { writeFileAtomic } from './base/durable-write.js';
export { runDoctor } from './service/doctor.js';
export { readDaemonStatus, stateDir } from './daemon/heartbeat.js';
export { UI_ACCESS_FILE, ensureUiAccess, recordUiServer, rotateUiToken, uiAddress, uiTokenSource } from './service/ui-access.js';
export { JanitorDaemon } from './daemon/janitor-daemon.js';
export type { DaemonOptions } from './daemon/daemon-options.js';
export { AlreadyRunningError } from './daemon/instance-lock.js';
export { createJanitorService, type JanitorServiceOptions, type RunningJanitorService } from './service/janitor-service.js';
