/**
 * The IPC routes, one per contract operation, as plain functions: check the sender frame, then
 * the payload against the contract's schema, then forward to the core, answering a result
 * envelope every time. Pure of Electron, so the refusals are tested in plain
 * Node; main/platform/ipc.ts registers each route with ipcMain.handle.
 */
import { channelFor } from '../../common/api/channels.js';
import { OPERATION_NAMES, type OperationName, type Result } from '../../common/api/contract.js';
import { validateRequest } from '../core/api/dispatch.js';
import type { ShellCore } from './core-port.js';
import { isTrustedSender } from './sender.js';
import { errorMessage } from '../../common/protocol/bounded-json.js';

/** What ipc.ts knows about the caller, read from `event.senderFrame` and `event.sender`. */
export type SenderInfo = { frameUrl: string | null; isTopFrame: boolean; fromAppWindow: boolean };

/** One route: answers the request from `sender` with a result envelope; never rejects. */
export type IpcRoute = (sender: SenderInfo, request: unknown) => Promise<Result<unknown>>;

/** A route for every operation, keyed by operation: a missing one is a compile error. */
export type IpcRoutes = { readonly [N in OperationName]: { channel: string; route: IpcRoute } };

/** Build the routes for `core`, trusting only the app window's top frame at `expectedUrl`. */
export function createIpcRoutes(core: Pick<ShellCore, 'invoke'>, expectedUrl: string): IpcRoutes {
  const routes = {} as Record<OperationName, { channel: string; route: IpcRoute }>;
  for (const name of OPERATION_NAMES)
    routes[name] = { channel: channelFor(name), route: routeFor(core, name, expectedUrl) };
  return routes;
}

function routeFor(core: Pick<ShellCore, 'invoke'>, name: OperationName, expectedUrl: string): IpcRoute {
  return async (sender, request) => {
    if (!sender.fromAppWindow || !isTrustedSender(sender.frameUrl, sender.isTopFrame, expectedUrl)) {
      return { ok: false, code: 'forbidden', message: `${name}: the caller is not the app's own top frame` };
    }
    // Validated here so a bad payload never crosses into the worker (which validates again,
    // because the browser console reaches it too).
    const valid = validateRequest(name, request);
    if (!valid.ok) return valid;
    try {
      return await core.invoke(name, valid.data);
    } catch (error) {
      return { ok: false, code: 'internal', message: `${name} failed: ${errorMessage(error)}` };
    }
  };
}
