/**
 * A snapshot of every firing alert can be far larger than one frame may be (MAX_FRAME_BYTES),
 * so it is sent as several `snapshot` frames with the same seq; the console takes their union
 * before the `gap` that follows them (docs/protocol.md, "outside the replay window").
 */
import type { AlertState } from '../../common/protocol/alert.js';
import { MAX_FRAME_BYTES } from '../../common/protocol/frames.js';

/** Room left in a frame for its envelope (`{"type":"snapshot","stream":"alerts","seq":…,"alerts":[…]}`). */
const ENVELOPE_BYTES = 256;

/** The texts of the snapshot frames for `alerts` as of `seq`: each under `maxBytes`, at least one. */
export function snapshotFrames(seq: number, alerts: readonly AlertState[], maxBytes = MAX_FRAME_BYTES): string[] {
  const frames: string[] = [];
  let parts: string[] = [];
  let size = ENVELOPE_BYTES;
  const flush = () => {
    frames.push(`{"type":"snapshot","stream":"alerts","seq":${seq},"alerts":[${parts.join(',')}]}`);
    parts = [];
    size = ENVELOPE_BYTES;
  };
  for (const alert of alerts) {
    const json = JSON.stringify(alert);
    const bytes = Buffer.byteLength(json) + 1;
    if (parts.length > 0 && size + bytes > maxBytes) flush();
    // One alert state is bounded by the schema (16 KiB body, 64 labels): always fits a frame.
    parts.push(json);
    size += bytes;
  }
  if (parts.length > 0 || frames.length === 0) flush();
  return frames;
}
