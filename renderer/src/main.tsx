/** Renderer entry: pick the api for this shell, load the active alerts, follow updates. */
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { getApi } from './api/get-api';
import { ConsoleStore } from './state/console-store';
import './styles.css';

const store = new ConsoleStore();
const api = getApi((link) => store.setLink(link));

async function refetch(): Promise<void> {
  const [alerts, feeds, notifications] = await Promise.all([
    api.activeAlerts({}),
    api.feedStatus({}),
    api.notificationHealth({}),
  ]);
  if (alerts.ok) store.resetAlerts(alerts.value);
  if (feeds.ok) store.setFeeds(feeds.value);
  if (notifications.ok) store.setNotifications(notifications.value);
}

api.onUpdate(store.enqueue);
api.onReconnect?.(() => void refetch());
if (!api.onReconnect) void refetch();

// The notification policy needs to know whether anyone is looking (browser console only;
// in Electron the main process reports the window's state itself).
const reportWindow = () =>
  api.reportWindow?.({
    visible: document.visibilityState === 'visible',
    minimized: false,
    focused: document.hasFocus(),
  });
document.addEventListener('visibilitychange', reportWindow);
window.addEventListener('focus', reportWindow);
window.addEventListener('blur', reportWindow);
api.onReconnect?.(reportWindow);

createRoot(document.getElementById('root')!).render(<App api={api} store={store} />);
