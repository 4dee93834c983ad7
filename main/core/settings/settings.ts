/**
 * The console's settings file in the data directory. Loading never fails and never overwrites:
 * a corrupted file is reported and the defaults are used (the file is left for the user);
 * unknown keys and out-of-range values are reported, with the key, and ignored one field at a
 * time. Saving validates everything first and writes atomically.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { DEFAULT_SETTINGS, settingsFrom, type LoadedSettings, type Settings } from '../../../common/settings/schema.js';
import { errorMessage } from '../../../common/protocol/bounded-json.js';

export * from '../../../common/settings/schema.js';

/** Read the settings file; a missing file means defaults, a broken one is reported and left alone. */
export async function loadSettings(path: string): Promise<LoadedSettings> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { settings: DEFAULT_SETTINGS, problems: [] };
    return {
      settings: DEFAULT_SETTINGS,
      problems: [`${path}: cannot read (${errorMessage(error)}); using the defaults`],
    };
  }
  try {
    return settingsFrom(JSON.parse(text), path);
  } catch (error) {
    return {
      settings: DEFAULT_SETTINGS,
      problems: [
        `${path} is not valid JSON (${errorMessage(error)}); using the defaults and leaving the file as it is`,
      ],
    };
  }
}

/** Write valid settings atomically (write a temporary file, then rename over the old one). */
export async function saveSettings(path: string, settings: Settings): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 }); // feed tokens live here
  await rename(temporary, path);
}
