/**
 * parseTopic, remembered: a bench has a few hundred topics at most and every message repeats one,
 * so the bridge splits and checks each topic once. Bounded: past `max` topics it starts afresh.
 */
import { parseTopic } from '../schema.js';

export type ParsedTopic = NonNullable<ReturnType<typeof parseTopic>>;

export class TopicCache {
  private readonly seen = new Map<string, ParsedTopic | null>();
  constructor(private readonly max = 10_000) {}

  /** The topic's parts, or undefined when it is not an EVE topic. */
  parse(topic: string): ParsedTopic | undefined {
    let t = this.seen.get(topic);
    if (t === undefined) {
      if (this.seen.size >= this.max) this.seen.clear();
      t = parseTopic(topic) ?? null;
      this.seen.set(topic, t);
    }
    return t ?? undefined;
  }
}
