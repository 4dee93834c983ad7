/**
 * The only file that imports ipcMain (lint enforces it). Registers one handler per contract
 * operation, on that operation's own channel; each handler is a route from ipc-routes.ts (sender
 * frame check, then payload schema, then the core, always a result envelope). Also forwards the
 * core's batched updates to the window.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { UPDATE_CHANNEL } from '../../common/api/channels.js';
import { OPERATION_NAMES } from '../../common/api/contract.js';
import type { ShellCore } from './core-port.js';
import { createIpcRoutes, type SenderInfo } from './ipc-routes.js';

/** Register the handlers and the update forwarding; returns a function that removes them. */
export function registerIpc(
  core: Pick<ShellCore, 'invoke' | 'onUpdate'>,
  window: BrowserWindow,
  expectedUrl: string,
): () => void {
  const routes = createIpcRoutes(core, expectedUrl);
  for (const name of OPERATION_NAMES) {
    const { channel, route } = routes[name];
    ipcMain.handle(channel, (event, request: unknown) => route(senderOf(event, window), request));
  }
  const stopUpdates = core.onUpdate((update) => {
    if (!window.isDestroyed()) window.webContents.send(UPDATE_CHANNEL, update);
  });
  return () => {
    stopUpdates();
    for (const name of OPERATION_NAMES) ipcMain.removeHandler(routes[name].channel);
  };
}

function senderOf(event: IpcMainInvokeEvent, window: BrowserWindow): SenderInfo {
  const frame = event.senderFrame;
  return {
    frameUrl: frame?.url ?? null,
    isTopFrame: frame !== null && frame.parent === null,
    fromAppWindow: !window.isDestroyed() && event.sender.id === window.webContents.id,
  };
}
