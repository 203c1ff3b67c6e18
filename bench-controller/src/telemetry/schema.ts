/**
 * The telemetry schema: MQTT topics `eve/v1/<bench>/<board>/<kind>` and zod-validated payloads.
 * Every message carries its source, the publisher's session, a per-source-and-session sequence
 * number (gaps reveal loss), the device's timestamp and the host's. Dashboards and the InfluxDB bridge read these names.
 */
import { z } from 'zod';
import { EveError } from '@eve-bench/device-agent';

export const TOPIC_ROOT = 'eve/v1';
export const KINDS = ['status', 'telemetry', 'measurement', 'event'] as const;
export type TelemetryKind = (typeof KINDS)[number];

const segment = /^[A-Za-z0-9_.-]{1,64}$/;

export function topicFor(bench: string, board: string, kind: TelemetryKind): string {
  if (!KINDS.includes(kind)) throw new EveError('TOPIC_KIND', `'${String(kind)}' is not a telemetry kind (${KINDS.join(', ')})`);
  for (const [what, s] of [['bench', bench], ['board', board]] as const) {
    if (!segment.test(s)) throw new EveError('TOPIC_SEGMENT', `${what} '${s}' cannot be an MQTT topic segment (letters, digits, _ . - only)`);
  }
  return `${TOPIC_ROOT}/${bench}/${board}/${kind}`;
}

export function parseTopic(topic: string): { bench: string; board: string; kind: TelemetryKind } | undefined {
  const p = topic.split('/');
  if (p.length !== 5 || `${p[0]}/${p[1]}` !== TOPIC_ROOT) return undefined;
  const kind = p[4] as TelemetryKind;
  if (!KINDS.includes(kind) || !segment.test(p[2]!) || !segment.test(p[3]!)) return undefined;
  return { bench: p[2]!, board: p[3]!, kind };
}

const envelope = {
  source: z.string().min(1).max(128),
  /** The publisher's run: sequence numbers restart with each session. */
  session: z.string().min(1).max(128),
  seq: z.number().int().nonnegative(),
  deviceTimeUs: z.number().nonnegative().nullable(),
  hostTime: z.number().int().positive(),
};

export const StatusPayload = z.object({ ...envelope, state: z.enum(['online', 'offline', 'busy']), detail: z.string().optional() }).strict();

export const TelemetryPayload = z.object({
  ...envelope,
  capacitorV: z.number(),
  harvestW: z.number().nonnegative(),
  supplyV: z.number(),
  supplyA: z.number(),
  mode: z.number().int().nonnegative(),
  brownOuts: z.number().int().nonnegative(),
}).strict();

export const MeasurementPayload = z.object({
  ...envelope,
  campaignId: z.number().int().nonnegative(),
  phase: z.string(),
  candidate: z.string(),
  mode: z.number().int().nonnegative(),
  modeName: z.string(),
  sparsity: z.number().min(0).max(1),
  latencyUs: z.number().positive(),
  energyUj: z.number(),
  energyUncertaintyUj: z.number().nonnegative(),
  inferences: z.number().int().positive(),
  accuracy: z.number().min(0).max(1).nullable(),
  costSource: z.enum(['predicted', 'virtual', 'hardware']),
  /** What the cost model predicted for this mode, next to what was measured. */
  predictedLatencyUs: z.number().positive().optional(),
  predictedEnergyUj: z.number().optional(),
  /** Measured dense-baseline latency on the same board ÷ this latency. */
  speedupVsDense: z.number().positive().optional(),
}).strict();

/** What happened on a bench: mode switches, deploys, faults and fleet actions, and campaign jobs. */
export const EVENT_KINDS = ['modeSwitch', 'deploy', 'fault', 'quarantine', 'powerCycle', 'timeout', 'job'] as const;
export const JOB_STATES = ['queued', 'running', 'done', 'failed'] as const;

export const EventPayload = z.object({
  ...envelope,
  kind: z.enum(EVENT_KINDS),
  detail: z.string(),
  /** modeSwitch: the mode switched to. */
  mode: z.number().int().nonnegative().optional(),
  /** job: the campaign, the job, its new state and how many jobs the campaign has. */
  campaignId: z.number().int().nonnegative().optional(),
  job: z.string().min(1).max(256).optional(),
  jobState: z.enum(JOB_STATES).optional(),
  jobsTotal: z.number().int().nonnegative().optional(),
  /** job: the campaign's progress after this transition, and its runner's estimate of the time left. */
  jobsDone: z.number().int().nonnegative().optional(),
  jobsFailed: z.number().int().nonnegative().optional(),
  jobsRunning: z.number().int().nonnegative().optional(),
  etaS: z.number().nonnegative().optional(),
}).strict();

export const SCHEMAS = { status: StatusPayload, telemetry: TelemetryPayload, measurement: MeasurementPayload, event: EventPayload } as const;

export type StatusPayload = z.infer<typeof StatusPayload>;
export type TelemetryPayload = z.infer<typeof TelemetryPayload>;
export type MeasurementPayload = z.infer<typeof MeasurementPayload>;
export type EventPayload = z.infer<typeof EventPayload>;
export type PayloadOf<K extends TelemetryKind> = z.infer<(typeof SCHEMAS)[K]>;
/** What a producer supplies; the sink adds the envelope's source, seq and hostTime. */
export type BodyOf<K extends TelemetryKind> = Omit<PayloadOf<K>, 'source' | 'session' | 'seq' | 'hostTime'>;
