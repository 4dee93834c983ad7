/**
 * The settings the running console uses: what was loaded (with its problems), validation of
 * a candidate with an error per field, and saving plus applying what can change live.
 * Notification rules apply at once; feeds apply on the next start (the answer says so).
 */
import type { LoadedSettings, Settings } from './settings.js';
import { saveSettings, settingsErrors, SettingsSchema } from './settings.js';

export type SettingsUpdate = {
  saved: boolean;
  errors: Record<string, string>;
  restartNeeded: boolean;
  settings: Settings;
};

export class SettingsService {
  private current: Settings;

  constructor(
    private readonly path: string,
    private readonly loaded: LoadedSettings,
    private readonly apply: (settings: Settings) => void,
  ) {
    this.current = loaded.settings;
  }

  get(): { settings: Settings; problems: string[] } {
    return { settings: this.current, problems: this.loaded.problems };
  }

  /** Validate a whole candidate; save and apply it only if every field is valid. */
  async update(candidate: unknown): Promise<SettingsUpdate> {
    const errors = settingsErrors(candidate);
    if (Object.keys(errors).length > 0) return { saved: false, errors, restartNeeded: false, settings: this.current };
    const next = SettingsSchema.parse(candidate);
    await saveSettings(this.path, next);
    const restartNeeded = JSON.stringify(next.feeds) !== JSON.stringify(this.current.feeds);
    this.current = next;
    this.apply(next);
    return { saved: true, errors: {}, restartNeeded, settings: next };
  }
}
