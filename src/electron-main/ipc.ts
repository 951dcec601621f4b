import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import type { JanitorService } from '../shared/ui-contract.js';
import { UI_METHOD_NAMES, ipcChannel } from '../shared/ui-contract.js';
import { IpcRefusal, handleCall, type SenderInfo, type TrustedOrigin } from './ipc-contract.js';

/** One `ipcMain.handle` per method of the UI contract; the checks themselves are in `ipc-contract.ts`. */

function senderOf(event: IpcMainInvokeEvent): SenderInfo {
  const frame = event.senderFrame;
  return { frameUrl: frame?.url ?? null, isMainFrame: frame !== null && frame.parent === null, webContentsId: event.sender.id };
}

export function registerIpc(
  ipcMain: IpcMain,
  service: JanitorService,
  trusted: () => TrustedOrigin,
  warn: (message: string) => void,
): () => void {
  for (const method of UI_METHOD_NAMES) {
    ipcMain.handle(ipcChannel(method), async (event, payload: unknown) => {
      try {
        return await handleCall(method, senderOf(event), trusted(), payload, service);
      } catch (error) {
        if (error instanceof IpcRefusal)
          warn(`${method}: ${error.uiError.error}${error.uiError.issues.map((i) => `; ${i.path}: ${i.message}`).join('')}`);
        throw error;
      }
    });
  }
  return () => {
    for (const method of UI_METHOD_NAMES) ipcMain.removeHandler(ipcChannel(method));
  };
}
