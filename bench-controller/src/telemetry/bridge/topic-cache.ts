/**
 * parseTopic, remembered: a bench has a few hundred topics at most and every message repeats one,
 * so the bridge splits and checks each topic once. Bounded: past `max` topics it starts afresh.
 */
import { parseTopic } from '../schema.js';
import { telemetryHead } from './telemetry-line.js';

/** A topic's parts and, for a telemetry topic, the start of its samples' lines ('' otherwise). */
export type ParsedTopic = NonNullable<ReturnType<typeof parseTopic>> & { telemetryHead: string };

export class TopicCache {
  private readonly seen = new Map<string, ParsedTopic | null>();
  constructor(private readonly max = 10_000) {}

  /** The topic's parts, or undefined when it is not an EVE topic. */
  parse(topic: string): ParsedTopic | undefined {
    let t = this.seen.get(topic);
    if (t === undefined) {
      if (this.seen.size >= this.max) this.seen.clear();
      const p = parseTopic(topic);
      t = p ? { ...p, telemetryHead: p.kind === 'telemetry' ? telemetryHead(p.bench, p.board) : '' } : null;
      this.seen.set(topic, t);
    }
    return t ?? undefined;
  }
}
