/**
 * Settings: feeds, notification rules, start at login, theme. The core validates the whole
 * form; a refused value is shown next to its field with the reason, and nothing is saved
 * until every field is valid.
 */
import { useEffect, useState } from 'react';
import { CATEGORIES, SEVERITIES, type Category } from '../../../../common/protocol/alert';
import type { Settings } from '../../../../common/settings/schema';
import type { ConsoleApi } from '../../api/get-api';
import { Field, numberInput, type Errors } from './fields';
import { ReachMeSettings } from './ReachMeSettings';

type Props = { api: ConsoleApi; onSaved: (settings: Settings) => void };
const NEW_FEED = { id: '', name: '', url: '', token: '', ca: '', pin: '' };

/** The feed as settings keep it: an empty CA or pin is absent, not an empty string. */
function feedSetting({ ca, pin, ...rest }: typeof NEW_FEED): Settings['feeds'][number] {
  return { ...rest, ...(ca.trim() ? { ca: ca.trim() } : {}), ...(pin.trim() ? { pin: pin.trim() } : {}) };
}

export function SettingsView({ api, onSaved }: Props) {
  const [draft, setDraft] = useState<Settings | null>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const [errors, setErrors] = useState<Errors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [feed, setFeed] = useState(NEW_FEED);

  useEffect(() => {
    void api.getSettings({}).then((result) => {
      if (!result.ok) return setMessage(result.message);
      setDraft(result.value.settings);
      setProblems(result.value.problems);
    });
  }, [api]);
  if (!draft) return <section className="settings">Loading settings…</section>;

  const n = draft.notifications;
  const setN = (change: Partial<Settings['notifications']>) =>
    setDraft({ ...draft, notifications: { ...n, ...change } });
  const toggleCategory = (c: Category) =>
    setN({ categories: n.categories.includes(c) ? n.categories.filter((x) => x !== c) : [...n.categories, c] });
  const minutes = (ms: number) => Math.round(ms / 60_000);

  const save = async (candidate: Settings) => {
    const result = await api.updateSettings({ settings: candidate });
    if (!result.ok) return setMessage(result.message);
    setErrors(result.value.errors);
    if (!result.value.saved) return setMessage('Not saved: fix the fields marked below.');
    setDraft(result.value.settings);
    onSaved(result.value.settings);
    setMessage(result.value.restartNeeded ? 'Saved. Feed changes apply when the console restarts.' : 'Saved.');
  };

  return (
    <section className="settings" aria-label="Settings">
      {problems.length > 0 && (
        <div className="error" role="alert">
          The settings file had problems (the rest was kept):{' '}
          <ul>
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save(draft);
        }}
      >
        <fieldset>
          <legend>Feeds</legend>
          {draft.feeds.length === 0 && (
            <p className="muted">No feed configured: the console uses the embedded demo feed.</p>
          )}
          {draft.feeds.map((f, i) => (
            <div key={f.id || i} className="feed-row">
              <span className="mono">
                {f.name} · {f.url}
                {f.ca ? ' · custom CA' : ''}
                {f.pin ? ' · key pinned' : ''}
              </span>
              {Object.entries(errors)
                .filter(([k]) => k.startsWith(`feeds.${i}.`))
                .map(([k, v]) => (
                  <span key={k} className="field-error" role="alert">
                    {k.split('.').pop()}: {v}
                  </span>
                ))}
              <button
                type="button"
                onClick={() => setDraft({ ...draft, feeds: draft.feeds.filter((_, j) => j !== i) })}
              >
                Remove
              </button>
            </div>
          ))}
          <div className="add-feed">
            <input
              aria-label="Feed id"
              placeholder="id (e.g. prod)"
              value={feed.id}
              onChange={(e) => setFeed({ ...feed, id: e.target.value })}
            />
            <input
              aria-label="Feed name"
              placeholder="name"
              value={feed.name}
              onChange={(e) => setFeed({ ...feed, name: e.target.value })}
            />
            <input
              aria-label="Feed URL"
              placeholder="wss://gateway.example:7420/v1/feed"
              value={feed.url}
              onChange={(e) => setFeed({ ...feed, url: e.target.value })}
            />
            <input
              aria-label="Feed token"
              type="password"
              placeholder="token"
              value={feed.token}
              onChange={(e) => setFeed({ ...feed, token: e.target.value })}
            />
            <input
              aria-label="Feed key pin"
              className="mono"
              placeholder="key pin (base64 SHA-256 of the SPKI, optional)"
              value={feed.pin}
              onChange={(e) => setFeed({ ...feed, pin: e.target.value })}
            />
            <textarea
              aria-label="Feed CA certificate"
              className="mono"
              placeholder="-----BEGIN CERTIFICATE----- (custom CA for wss, optional)"
              value={feed.ca}
              onChange={(e) => setFeed({ ...feed, ca: e.target.value })}
            />
            <button
              type="button"
              onClick={() => {
                setDraft({ ...draft, feeds: [...draft.feeds, feedSetting(feed)] });
                setFeed(NEW_FEED);
              }}
            >
              Add feed
            </button>
          </div>
        </fieldset>
        <fieldset>
          <legend>Notifications</legend>
          <label className="check">
            <input type="checkbox" checked={n.enabled} onChange={(e) => setN({ enabled: e.target.checked })} /> Native
            notifications
          </label>
          <div role="group" aria-label="Categories">
            {CATEGORIES.map((c) => (
              <label key={c} className="check">
                <input type="checkbox" checked={n.categories.includes(c)} onChange={() => toggleCategory(c)} /> {c}
              </label>
            ))}
          </div>
          <Field label="At least this severe" path="notifications.minSeverity" errors={errors}>
            <select
              id="field-notifications-minSeverity"
              value={n.minSeverity}
              onChange={(e) => setN({ minSeverity: e.target.value as Settings['notifications']['minSeverity'] })}
            >
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </Field>
          <div role="group" aria-label="When">
            <label className="check">
              <input
                type="checkbox"
                checked={n.when.hidden}
                onChange={(e) => setN({ when: { ...n.when, hidden: e.target.checked } })}
              />{' '}
              window hidden
            </label>
            <label className="check">
              <input
                type="checkbox"
                checked={n.when.minimized}
                onChange={(e) => setN({ when: { ...n.when, minimized: e.target.checked } })}
              />{' '}
              minimised
            </label>
            <label className="check">
              <input
                type="checkbox"
                checked={n.when.unfocused}
                onChange={(e) => setN({ when: { ...n.when, unfocused: e.target.checked } })}
              />{' '}
              unfocused
            </label>
          </div>
          <Field label="Cooldown per alert (minutes)" path="notifications.cooldownMs" errors={errors}>
            <input
              {...numberInput('notifications.cooldownMs', minutes(n.cooldownMs), (v) =>
                setN({ cooldownMs: v * 60_000 }),
              )}
            />
          </Field>
          <Field label="Digest past this many per minute" path="notifications.digestThreshold" errors={errors}>
            <input
              {...numberInput('notifications.digestThreshold', n.digestThreshold, (v) => setN({ digestThreshold: v }))}
            />
          </Field>
          <Field label="At most this many notifications per minute" path="notifications.capPerMinute" errors={errors}>
            <input {...numberInput('notifications.capPerMinute', n.capPerMinute, (v) => setN({ capPerMinute: v }))} />
          </Field>
          <Field label="Feed lost: notify after (minutes)" path="notifications.feedLossAfterMs" errors={errors}>
            <input
              {...numberInput('notifications.feedLossAfterMs', minutes(n.feedLossAfterMs), (v) =>
                setN({ feedLossAfterMs: v * 60_000 }),
              )}
            />
          </Field>
          <Field
            label="Missed while disconnected: notify if fired within (minutes, 0 = never)"
            path="notifications.missedWithinMs"
            errors={errors}
          >
            <input
              {...numberInput('notifications.missedWithinMs', minutes(n.missedWithinMs), (v) =>
                setN({ missedWithinMs: v * 60_000 }),
              )}
            />
          </Field>
          <p className="muted" id="sounds-hint">
            Sounds: <code>tocsin</code> plays Tocsin&apos;s own sound for that severity; a system sound&apos;s name is
            passed to the notification server, which may ignore it; empty is silent.
          </p>
          <div role="group" aria-label="Sounds" aria-describedby="sounds-hint">
            {(['critical', 'high', 'warning', 'info'] as const).map((severity) => (
              <Field
                key={severity}
                label={`Sound for ${severity}`}
                path={`notifications.sounds.${severity}`}
                errors={errors}
              >
                <input
                  id={`field-notifications-sounds-${severity}`}
                  placeholder="silent"
                  value={n.sounds[severity] ?? ''}
                  onChange={(e) => {
                    const { [severity]: _dropped, ...others } = n.sounds;
                    setN({ sounds: e.target.value ? { ...others, [severity]: e.target.value } : others });
                  }}
                />
              </Field>
            ))}
          </div>
          <label className="check">
            <input
              type="checkbox"
              checked={n.quietHours.enabled}
              onChange={(e) => setN({ quietHours: { ...n.quietHours, enabled: e.target.checked } })}
            />{' '}
            Quiet hours
          </label>
          <Field label="from" path="notifications.quietHours.start" errors={errors}>
            <input
              id="field-notifications-quietHours-start"
              value={n.quietHours.start}
              onChange={(e) => setN({ quietHours: { ...n.quietHours, start: e.target.value } })}
            />
          </Field>
          <Field label="to" path="notifications.quietHours.end" errors={errors}>
            <input
              id="field-notifications-quietHours-end"
              value={n.quietHours.end}
              onChange={(e) => setN({ quietHours: { ...n.quietHours, end: e.target.value } })}
            />
          </Field>
          <label className="check">
            <input
              type="checkbox"
              checked={n.quietHours.criticalBypass}
              onChange={(e) => setN({ quietHours: { ...n.quietHours, criticalBypass: e.target.checked } })}
            />{' '}
            critical alerts still notify
          </label>
        </fieldset>
        <fieldset>
          <legend>Application</legend>
          <Field label="Theme" path="theme" errors={errors}>
            <select
              id="field-theme"
              value={draft.theme}
              onChange={(e) => setDraft({ ...draft, theme: e.target.value as Settings['theme'] })}
            >
              <option value="system">follow the system</option>
              <option value="dark">dark</option>
              <option value="light">light</option>
            </select>
          </Field>
          <label className="check">
            <input
              type="checkbox"
              checked={draft.startAtLogin}
              onChange={(e) => setDraft({ ...draft, startAtLogin: e.target.checked })}
            />{' '}
            Start at login (desktop app)
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={draft.closeToTray}
              onChange={(e) => setDraft({ ...draft, closeToTray: e.target.checked })}
            />{' '}
            Closing the window keeps Tocsin in the tray
          </label>
        </fieldset>
        <button type="submit" className="primary">
          Save settings
        </button>
        {message && (
          <span className="save-message" role="status" data-testid="settings-message">
            {message}
          </span>
        )}
      </form>
      <ReachMeSettings api={api} />
    </section>
  );
}
