import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import type { JanitorApi, UiEvent } from '../shared/ui-contract.js';
import { IPC_EVENT_CHANNEL, UI_METHOD_NAMES, ipcChannel } from '../shared/ui-contract.js';
import { rethrowable } from './ipc-error.js';

/**
 * `window.janitor`: one function per method of the UI contract, each an `ipcRenderer.invoke` on its channel, plus
 * `onEvent`. Sandboxed, so it can require only 'electron': esbuild bundles the contract in (dist/preload/preload.cjs).
 */

async function invoke(method: (typeof UI_METHOD_NAMES)[number], input: unknown): Promise<unknown> {
  try {
    return await ipcRenderer.invoke(ipcChannel(method), input ?? {});
  } catch (error) {
    throw rethrowable(error);
  }
}

const api = {
  onEvent(listener: (event: UiEvent) => void): () => void {
    // The renderer never sees the IpcRendererEvent (it carries `sender`, a way back into ipcRenderer).
    const handler = (_event: IpcRendererEvent, payload: UiEvent) => listener(payload);
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler);
    };
  },
} as JanitorApi;
for (const method of UI_METHOD_NAMES) (api as unknown as Record<string, unknown>)[method] = (input: unknown) => invoke(method, input);

contextBridge.exposeInMainWorld('janitor', api);
