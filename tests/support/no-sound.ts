/** A sound player that plays nothing, for notification tests that are not about sound (sound.pulse.test.ts is). */
import { ok } from '../../common/result.js';

export const NO_SOUND = { play: async () => ok('not played: this test is not about sound') };
