import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWebBridge, type WebBridgeHandle } from '../bridge/index.js';
import { ensureUiAccess, recordUiServer, uiTokenSource } from '../core/index.js';
import type { JanitorService } from '../shared/index.js';
import { errnoCode } from '../shared/errors.js';

/**
 * The built renderer: beside the bundle (dist/agent-janitor.mjs -> dist/renderer) or, from tsc's output or tsx,
 * two levels up (dist/cli/ or src/cli/ -> dist/renderer).
 */
export function rendererDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, 'renderer'), path.join(here, '..', 'renderer'), path.join(here, '..', '..', 'dist', 'renderer')];
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'index.html'))) ?? candidates[0]!;
}

/**
 * `daemon --ui`: the bridge on 127.0.0.1, with the user's stored access key (core/service/ui-access.ts) and the port it was
 * last served on when free, so an open window survives a restart; `--port` wins. The address (with the key) goes to
 * stderr, so `--json` stdout stays events only, and `agent-janitor status` prints it too.
 */
export async function startUi(service: JanitorService, port: number | undefined, stateDir: string): Promise<WebBridgeHandle> {
  const access = ensureUiAccess(stateDir);
  const token = uiTokenSource(stateDir, access.token);
  const serve = (on: number | undefined) =>
    startWebBridge({ service, staticDir: rendererDir(), token, ...(on !== undefined ? { port: on } : {}) });
  let bridge: WebBridgeHandle;
  try {
    bridge = await serve(port ?? access.port ?? undefined);
  } catch (err) {
    if (port !== undefined || access.port === null || errnoCode(err) !== 'EADDRINUSE') throw err;
    process.stderr.write(
      `agent-janitor: port ${access.port} (used last time) is taken; serving the UI on another one, so windows open on the old address must be opened again\n`,
    );
    bridge = await serve(undefined);
  }
  recordUiServer(stateDir, bridge.port, process.pid);
  process.stderr.write(`agent-janitor: UI at http://127.0.0.1:${bridge.port}/?token=${token()}\n`);
  return {
    ...bridge,
    close: async () => {
      await bridge.close();
      recordUiServer(stateDir, bridge.port, null);
    },
  };
}
