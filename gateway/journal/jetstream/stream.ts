/**
 * The journal's stream: created when missing, checked when present. A stream configured
 * differently from the gateway's file (replicas, limits, subjects) is refused, never altered:
 * another gateway may be running against it, and changing limits would drop events.
 */
import { createHash } from 'node:crypto';
import {
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
  type StreamInfo,
} from '@nats-io/jetstream';
import { errorMessage } from '../../../common/protocol/bounded-json.js';

/** The stream settings a gateway's configuration implies. */
export type StreamSpec = {
  stream: string;
  replicas: number;
  maxEvents: number;
  maxAgeMs: number;
  maxBytes?: number;
  duplicateWindowMs: number;
};

const NS_PER_MS = 1_000_000;

/** The subject events are published on. */
export function subjectOf(stream: string): string {
  return `${stream}.alerts`;
}

/** The journal identity of a stream: a recreated stream (same name, new creation time) is a new journal. */
export function journalIdOf(info: StreamInfo): string {
  return createHash('sha256').update(`${info.config.name}\n${info.created}`).digest('hex').slice(0, 32);
}

/** Each setting the gateway checks: the stream's field, the configuration's name for it, and the value wanted. */
function wanted(spec: StreamSpec): Array<{ field: keyof StreamConfig; option: string; value: unknown }> {
  return [
    { field: 'subjects', option: 'journal.stream', value: [subjectOf(spec.stream)] },
    { field: 'num_replicas', option: 'journal.replicas', value: spec.replicas },
    { field: 'max_msgs', option: 'journal.maxEvents', value: spec.maxEvents },
    { field: 'max_age', option: 'journal.maxAgeMs', value: spec.maxAgeMs * NS_PER_MS },
    { field: 'max_bytes', option: 'journal.maxBytes', value: spec.maxBytes ?? -1 },
    { field: 'duplicate_window', option: 'journal.duplicateWindowMs', value: spec.duplicateWindowMs * NS_PER_MS },
    { field: 'storage', option: '(file storage)', value: StorageType.File },
    { field: 'retention', option: '(limits retention)', value: RetentionPolicy.Limits },
    { field: 'discard', option: '(discard old)', value: DiscardPolicy.Old },
  ];
}

/** Create the stream if it is missing; refuse (throw, naming the setting) one configured otherwise. */
export async function ensureStream(jsm: JetStreamManager, spec: StreamSpec): Promise<StreamInfo> {
  const existing = await jsm.streams.info(spec.stream).catch((error: unknown) => {
    if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound) return null;
    throw new Error(`cannot read stream ${spec.stream}: ${errorMessage(error)}`);
  });
  if (existing) {
    const differences = wanted(spec)
      .filter(({ field, value }) => JSON.stringify(existing.config[field]) !== JSON.stringify(value))
      .map(
        ({ field, option, value }) =>
          `${field} is ${JSON.stringify(existing.config[field])}, ${option} wants ${JSON.stringify(value)}`,
      );
    if (differences.length > 0)
      throw new Error(
        `stream ${spec.stream} is configured differently from this gateway (${differences.join('; ')}): refusing to alter it; change the configuration or the stream`,
      );
    return existing;
  }
  const config: Partial<StreamConfig> & { name: string } = { name: spec.stream };
  for (const { field, value } of wanted(spec)) (config as Record<string, unknown>)[field] = value;
  try {
    return await jsm.streams.add(config);
  } catch (error) {
    throw new Error(`cannot create stream ${spec.stream}: ${errorMessage(error)}`);
  }
}
