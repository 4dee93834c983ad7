/**
 * The preload: contextBridge only. Exposes `window.tocsin`, one method per contract operation,
 * each bound to its own channel, plus `onUpdate`. Never exposes ipcRenderer, the IPC event, or
 * a generic "send to any channel" function (DESIGN.md security baseline).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { channelFor, OPERATION_NAMES, UPDATE_CHANNEL, type OperationName, type TocsinApi, type UiUpdate } from './contract.js';

/** The name of the global the renderer reads the API from (`window.tocsin`). */
export const API_GLOBAL = 'tocsin';

/** Build the API object: every method closes over its own channel name. */
export function createPreloadApi(): TocsinApi {
  const operations = Object.fromEntries(
    OPERATION_NAMES.map((name: OperationName) => {
      const channel = channelFor(name);
      return [name, (request: unknown) => ipcRenderer.invoke(channel, request)];
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
