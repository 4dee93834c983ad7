/**
 * The preload: contextBridge only. Exposes `window.tocsin`, one method per contract operation,
 * each bound to its own channel, plus `onUpdate`. Never exposes ipcRenderer, the IPC event, or
 * a generic "send to any channel" function (DESIGN.md security baseline).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { PRELOAD_OPERATIONS, PRELOAD_UPDATE_CHANNEL, preloadChannelFor } from './channels.js';
import type { OperationName, TocsinApi, UiUpdate } from './contract.js';

/** The name of the global the renderer reads the API from (`window.tocsin`). */
export const API_GLOBAL = 'tocsin';

/** Build the API object: every method closes over its own channel name. */
export function createPreloadApi(): TocsinApi {
  const operations = Object.fromEntries(
    PRELOAD_OPERATIONS.map((name: OperationName) => {
      const channel = preloadChannelFor(name);
      // The contract promises a Result, never a rejection: a missing handler (the app is
      // quitting) or a serialisation failure answers `unavailable`.
      const call = (request: unknown) =>
        ipcRenderer.invoke(channel, request).catch((error: Error) => ({ ok: false, code: 'unavailable', message: `${name}: ${error.message}` }));
      return [name, call];
    }),
  ) as Omit<TocsinApi, 'onUpdate'>;
  return {
    ...operations,
    onUpdate(listener: (update: UiUpdate) => void): () => void {
      // The renderer gets the update only, never the event (whose `sender` is ipcRenderer).
      const forward = (_event: IpcRendererEvent, update: UiUpdate) => listener(update);
      ipcRenderer.on(PRELOAD_UPDATE_CHANNEL, forward);
      return () => void ipcRenderer.removeListener(PRELOAD_UPDATE_CHANNEL, forward);
    },
  };
}

contextBridge.exposeInMainWorld(API_GLOBAL, createPreloadApi());
