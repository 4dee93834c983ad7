/** Short versions run in `npm test`; `npm run soak` sets TOCSIN_SOAK=full for the full counts. */
export const FULL = process.env.TOCSIN_SOAK === 'full';
/** `short` normally, `full` under `npm run soak`. */
export const scale = (short: number, full: number) => (FULL ? full : short);

export { until } from '../support/until.js';
