/**
 * "Reach me when I'm away": per feed, who this console's token is to its gateway, the e-mail
 * on record, the browsers and devices that get escalation pushes, and turning push on for this
 * browser (with a test push). The desktop app says plainly that it cannot receive a push while
 * it is closed, and that while it is open and watched, its presence holds escalation back.
 */
import { useCallback, useEffect, useState } from 'react';
import type { ReachMe } from '../../../../common/api/escalation';
import type { ConsoleApi } from '../../api/get-api';
import { deviceName, pushUnsupportedReason, subscribeThisBrowser } from './browser-push';

export function ReachMeSettings({ api }: { api: ConsoleApi }) {
  const [feeds, setFeeds] = useState<ReachMe[] | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const unsupported = pushUnsupportedReason();
  const load = useCallback(
    () =>
      void api.reachMe({}).then((result) => {
        if (result.ok) setFeeds(result.value);
        else setMessage(result.message);
      }),
    [api],
  );
  useEffect(load, [load]);

  const turnOn = async (feed: ReachMe) => {
    if (!feed.me) return;
    setMessage('Turning push on…');
    try {
      const subscription = await subscribeThisBrowser(feed.me.push.publicKey);
      const saved = await api.pushSubscribe({
        feedId: feed.feedId,
        subscription,
        device: deviceName(navigator.userAgent),
      });
      setMessage(saved.ok ? 'Push is on for this browser.' : `The gateway refused: ${saved.message}`);
      load();
    } catch (error) {
      setMessage(`This browser could not subscribe: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const test = async (feed: ReachMe) => {
    const result = await api.pushTest({ feedId: feed.feedId });
    setMessage(
      !result.ok
        ? result.message
        : result.value.delivered
          ? `Test push ${result.value.detail}.`
          : `Test push failed: ${result.value.detail}`,
    );
  };
  const remove = async (feed: ReachMe, endpoint: string) => {
    const result = await api.pushUnsubscribe({ feedId: feed.feedId, endpoint });
    if (!result.ok) setMessage(result.message);
    load();
  };

  return (
    <fieldset className="reach-me" data-testid="reach-me">
      <legend>Reach me when I&apos;m away</legend>
      {unsupported === 'desktop' ? (
        <p className="muted">
          The desktop app cannot receive a push while it is closed. Turn push on in a browser (a phone&apos;s too)
          signed in to the browser console. While this app is open and you are at your desk, its presence holds
          escalation back: the gateway only reaches you elsewhere when no console of yours is watched.
        </p>
      ) : unsupported ? (
        <p className="muted">{unsupported}</p>
      ) : null}
      {feeds === null && !message && <p className="muted">Asking the gateways…</p>}
      {feeds?.map((feed) => (
        <div key={feed.feedId} className="reach-feed">
          <h4>{feed.feedName}</h4>
          {!feed.me ? (
            <p className="muted">{feed.error ?? 'This gateway has no escalation configured.'}</p>
          ) : (
            <>
              <p>
                You are <strong>{feed.me.person.name}</strong> to this gateway. E-mail on record:{' '}
                {feed.me.person.email ?? <em>none (ask the gateway&apos;s operator to add one)</em>}
              </p>
              {!feed.me.push.available ? (
                <p className="muted">Web Push is not configured on this gateway.</p>
              ) : (
                <>
                  <ul className="devices">
                    {feed.me.push.subscriptions.length === 0 && (
                      <li className="muted">No browser or device gets push yet.</li>
                    )}
                    {feed.me.push.subscriptions.map((s) => (
                      <li key={s.endpoint}>
                        {s.device} <span className="muted">since {new Date(s.createdAt).toLocaleDateString()}</span>{' '}
                        <button type="button" className="link-button" onClick={() => void remove(feed, s.endpoint)}>
                          Remove
                        </button>
                      </li>
                    ))}
                  </ul>
                  {!unsupported && (
                    <button type="button" onClick={() => void turnOn(feed)}>
                      Turn on push in this browser
                    </button>
                  )}{' '}
                  <button
                    type="button"
                    disabled={feed.me.push.subscriptions.length === 0}
                    onClick={() => void test(feed)}
                  >
                    Send a test push
                  </button>
                </>
              )}
            </>
          )}
        </div>
      ))}
      {message && (
        <p role="status" data-testid="reach-me-message">
          {message}
        </p>
      )}
    </fieldset>
  );
}
