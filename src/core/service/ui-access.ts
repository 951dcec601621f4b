import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../base/durable-write.js';
import { pidAlive } from '../platform/pid-alive.js';
import { readRegularFileSync } from '../base/safe-read.js';

/**
 * How the window is reached across daemon restarts: one access key per user and the port it was last served on, in
 * `<state dir>/ui-access.json` (mode 0600, like an SSH key: only this user may read it). An open window keeps working
 * after a restart, `agent-janitor status` can print the address, and the key changes only when rotated on demand.
 */
export const UI_ACCESS_FILE = 'ui-access.json';

const UiAccessSchema = z.object({
  token: z.string().regex(/^[A-Za-z0-9_-]{32,}$/),
  /** The port last served on, reused when free; null before the first `daemon --ui`. */
  port: z.number().int().min(1).max(65535).nullable(),
  /** The daemon serving the window now, if any. */
  pid: z.number().int().positive().nullable(),
});
export type UiAccess = z.infer<typeof UiAccessSchema>;

const accessFile = (stateDir: string): string => path.join(stateDir, UI_ACCESS_FILE);
const newToken = (): string => randomBytes(32).toString('base64url');

/** The stored access, or null when there is none (or it is not this program's file: it is then replaced). */
export function readUiAccess(stateDir: string): UiAccess | null {
  try {
    const parsed = UiAccessSchema.safeParse(JSON.parse(readRegularFileSync(accessFile(stateDir)).toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function writeUiAccess(stateDir: string, access: UiAccess): UiAccess {
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  writeFileAtomic(accessFile(stateDir), JSON.stringify(access) + '\n', 0o600);
  return access;
}

/** The access to serve with: the stored key (a new one the first time), and the port to try first. */
export function ensureUiAccess(stateDir: string): UiAccess {
  return readUiAccess(stateDir) ?? writeUiAccess(stateDir, { token: newToken(), port: null, pid: null });
}

/** Notes the port the window is served on now, and by whom; `pid` null when that daemon stops. */
export function recordUiServer(stateDir: string, port: number, pid: number | null): void {
  const access = ensureUiAccess(stateDir);
  writeUiAccess(stateDir, { ...access, port, pid });
}

/** A new key: every window opened with the old one must be opened again with the new address. */
export function rotateUiToken(stateDir: string): UiAccess {
  const access = readUiAccess(stateDir);
  return writeUiAccess(stateDir, { token: newToken(), port: access?.port ?? null, pid: access?.pid ?? null });
}

/** `http://127.0.0.1:PORT/?token=KEY`, when a running daemon serves the window; null otherwise. */
export function uiAddress(stateDir: string): string | null {
  const access = readUiAccess(stateDir);
  if (!access || access.port === null || access.pid === null || !pidAlive(access.pid)) return null;
  return `http://127.0.0.1:${access.port}/?token=${access.token}`;
}

/**
 * The key as it is now, for every request: the file is looked at again only when its inode or mtime changed, so a
 * rotation applies at once without a restart, at the cost of one stat per request.
 */
export function uiTokenSource(stateDir: string, initial: string): () => string {
  let token = initial;
  let seen = '';
  return () => {
    const st = fs.statSync(accessFile(stateDir), { throwIfNoEntry: false });
    const stamp = st ? `${st.ino}:${st.mtimeMs}` : '';
    if (stamp !== seen) {
      seen = stamp;
      token = readUiAccess(stateDir)?.token ?? token;
    }
    return token;
  };
}
