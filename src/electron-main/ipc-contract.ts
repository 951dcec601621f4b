import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { JanitorService, UiError, UiMethodName, UiOutput } from '../shared/ui-contract.js';
import { callMethod, parseInput, uiErrorOf } from '../shared/ui-call.js';

/**
 * The pure half of the IPC handlers (`ipc.ts` is the Electron half): who may call, what a payload must look like,
 * and how a refusal travels. `ipcMain.handle` passes only an Error's message to the renderer, so a refusal is an
 * Error whose message is the UiError as JSON; the preload takes it apart again (see `uiErrorFromIpcMessage`).
 */

/** What `ipc.ts` reads off an IpcMainInvokeEvent. */
export type SenderInfo = {
  /** `event.senderFrame?.url`; null when the frame is gone. */
  frameUrl: string | null;
  /** Whether the frame is the top-level one (no parent). */
  isMainFrame: boolean;
  webContentsId: number;
};

export type TrustedOrigin = {
  /** The window's index page, `file:///…/dist/renderer/index.html`. */
  indexUrl: string;
  /** The main window's webContents id, or null while there is no window. */
  webContentsId: number | null;
};

/** Whether `candidate` is the index page itself (any hash; no query, no other file). */
export function isIndexUrl(candidate: string, indexUrl: string): boolean {
  let url: URL;
  let index: URL;
  try {
    url = new URL(candidate);
    index = new URL(indexUrl);
  } catch {
    return false;
  }
  if (url.protocol !== 'file:' || index.protocol !== 'file:' || url.host !== index.host || url.search !== '') return false;
  return path.resolve(fileURLToPath(url)) === path.resolve(fileURLToPath(index));
}

/** Null when the call may proceed, else why not. */
export function senderProblem(sender: SenderInfo, trusted: TrustedOrigin): string | null {
  if (trusted.webContentsId === null || sender.webContentsId !== trusted.webContentsId)
    return 'the call does not come from the janitor window';
  if (sender.frameUrl === null) return 'the calling frame is gone';
  if (!sender.isMainFrame) return 'the call comes from a sub-frame';
  if (!isIndexUrl(sender.frameUrl, trusted.indexUrl)) return `the calling page is not the janitor's own (${sender.frameUrl})`;
  return null;
}

/** Validation is the contract's own (shared with the web bridge); exported here too, where the IPC tests check it. */
export { parseInput };

/** A refusal as it crosses `ipcMain.handle`: an Error whose message is the UiError's JSON. */
export class IpcRefusal extends Error {
  constructor(readonly uiError: UiError) {
    super(JSON.stringify(uiError));
    this.name = 'IpcRefusal';
  }
}

/**
 * The whole handler minus Electron: refuse a stranger, validate, call the service. Everything thrown leaves as an
 * IpcRefusal, so the renderer always gets a UiError.
 */
export async function handleCall<M extends UiMethodName>(
  method: M,
  sender: SenderInfo,
  trusted: TrustedOrigin,
  payload: unknown,
  service: JanitorService,
): Promise<UiOutput<M>> {
  const problem = senderProblem(sender, trusted);
  if (problem !== null) throw new IpcRefusal({ error: `refused: ${problem}`, issues: [] });
  const parsed = parseInput(method, payload);
  if (!parsed.ok) throw new IpcRefusal(parsed.error);
  try {
    return await callMethod(service, method, parsed.input);
  } catch (error) {
    throw new IpcRefusal(uiErrorOf(error));
  }
}
