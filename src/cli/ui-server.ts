import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWebBridge, type WebBridgeHandle } from '../bridge/index.js';
import type { JanitorService } from '../shared/index.js';

/**
 * The built renderer: beside the bundle (dist/agent-janitor.mjs -> dist/renderer) or, from tsc's output or tsx,
 * two levels up (dist/cli/ or src/cli/ -> dist/renderer).
 */
export function rendererDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, 'renderer'), path.join(here, '..', 'renderer'), path.join(here, '..', '..', 'dist', 'renderer')];
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'index.html'))) ?? candidates[0]!;
}

/** `daemon --ui`: the bridge on 127.0.0.1; its URL (with the token) goes to stderr, so `--json` stdout stays events only. */
export async function startUi(service: JanitorService, port: number | undefined): Promise<WebBridgeHandle> {
  const bridge = await startWebBridge({ service, staticDir: rendererDir(), ...(port !== undefined ? { port } : {}) });
  process.stderr.write(`agent-janitor: UI at ${bridge.url}\n`);
  return bridge;
}
