import type { JanitorService } from '../shared/ui-contract.js';
import { UI_METHOD_NAMES } from '../shared/ui-contract.js';
import { callMethod, type ServiceInput } from '../shared/ui-call.js';
import type { Settings } from '../shared/ui-model.js';
import { openConfined, type OpenPathPorts } from './open-path.js';

/**
 * The service the window talks to: the engine's, with the two methods only the desktop can answer. `openPath` is
 * served here (shell.openPath / showItemInFolder, confined to the configured roots), and a saved config is also
 * applied to what the main process owns (start at login, notification settings).
 */
export type DesktopHooks = {
  shell: OpenPathPorts;
  /** Called with the settings after a successful save, and once at start. */
  onSettings(settings: Settings): void;
  /** The engine cleans the working directory when no root is configured; openPath follows it. */
  cwd: string;
};

/** A service whose every contract method is that method of the service `target` resolves to. */
function forwarding(target: () => JanitorService | Promise<JanitorService>, subscribe: JanitorService['subscribe']): JanitorService {
  const service = { subscribe } as JanitorService;
  for (const method of UI_METHOD_NAMES) {
    (service as unknown as Record<string, unknown>)[method] = async (input: ServiceInput<typeof method>) =>
      callMethod(await target(), method, input);
  }
  return service;
}

export function desktopService(engine: JanitorService, hooks: DesktopHooks): JanitorService {
  const service = forwarding(
    () => engine,
    (listener) => engine.subscribe(listener),
  );
  service.openPath = async (input) => {
    const { config } = await engine.getSettings({});
    return openConfined(input, config.roots.length > 0 ? config.roots : [hooks.cwd], hooks.shell);
  };
  service.saveSettings = async (input) => {
    const result = await engine.saveSettings(input);
    if (result.ok) hooks.onSettings(result.settings);
    return result;
  };
  return service;
}

/**
 * A service whose calls wait for the engine to start, so the IPC handlers exist before the window loads; if the
 * engine fails to start, every call rejects with that reason (the window shows it).
 */
export function lateService(ready: Promise<JanitorService>): JanitorService {
  // A failed start is reported by each call; the promise itself must not count as an unhandled rejection.
  ready.catch(() => undefined);
  return forwarding(
    () => ready,
    (listener) => {
      let off: (() => void) | null = null;
      let cancelled = false;
      ready.then(
        (s) => {
          if (!cancelled) off = s.subscribe(listener);
        },
        () => undefined,
      );
      return () => {
        cancelled = true;
        off?.();
      };
    },
  );
}
