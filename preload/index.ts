/**
 * The preload: contextBridge only. Exposes `window.tocsin`, one method per contract operation,
 * each bound to its own channel, plus `onUpdate`. Never exposes ipcRenderer, the IPC event, or
 * a generic "send to any channel" function.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { CHANNEL_OPERATIONS, UPDATE_CHANNEL, channelFor } from '../common/api/channels.js';
import type { OperationName, TocsinApi, UiUpdate } from '../common/api/contract.js';

/** The name of the global the renderer reads the API from (`window.tocsin`). */
export const API_GLOBAL = 'tocsin';

/** Build the API object: every method closes over its own channel name. */
export function createPreloadApi(): TocsinApi {
  const operations = Object.fromEntries(
    CHANNEL_OPERATIONS.map((name: OperationName) => {
      const channel = channelFor(name);
      // The contract promises a Result, never a rejection: a missing handler (the app is
      // quitting) or a serialisation failure answers `unavailable`.
      const call = (request: unknown) =>
        ipcRenderer
          .invoke(channel, request)
          .catch((error: Error) => ({ ok: false, code: 'unavailable', message: `${name}: ${error.message}` }));
      return [name, call];
    }),
  ) as Omit<TocsinApi, 'onUpdate'>;
  return {
    ...operations,
    onUpdate(listener: (update: UiUpdate) => void): () => void {
      // The renderer gets the update only, never the event (whose `sender` is ipcRenderer).
      const forward = (_event: IpcRendererEvent, update: UiUpdate) => listener(update);
      ipcRenderer.on(UPDATE_CHANNEL, forward);
      return () => void ipcRenderer.removeListener(UPDATE_CHANNEL, forward);
    },
  };
}

contextBridge.exposeInMainWorld(API_GLOBAL, createPreloadApi());
