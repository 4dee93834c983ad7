/**
 * The one `api` the renderer talks to: the preload's `window.tocsin` in Electron, or the
 * browser console's socket adapter in a browser. Nothing else in the renderer knows which.
 */
import type { TocsinApi } from '../../../common/api/contract';
import { createSocketApi, socketUrl, type ShellLink, type SocketRejections } from './socket-api';

declare global {
  interface Window {
    tocsin?: TocsinApi;
  }
}

/** Browser-console extras; absent in Electron, where the preload provides the api. */
export type ConsoleApi = TocsinApi & {
  onReconnect?: (listener: () => void) => () => void;
  reportWindow?: (state: { visible: boolean; minimized: boolean; focused: boolean }) => void;
  /** Messages from the console server that this page refused, by reason. */
  rejectedMessages?: () => SocketRejections;
};

/** Pick the api for this shell. */
export function getApi(onLink: (link: ShellLink) => void): ConsoleApi {
  if (window.tocsin) {
    onLink({ state: 'open', since: Date.now(), nextRetryAt: null });
    return window.tocsin;
  }
  const token = new URLSearchParams(window.location.search).get('token');
  return createSocketApi(socketUrl(window.location, token), onLink);
}
