/**
 * Group acknowledgement for QoS 1 messages received with MQTT.js: many messages are made durable
 * together and only then acknowledged (PUBACK), so the cost of a commit is shared by a group
 * instead of paid by every message.
 *
 * MQTT.js hands over the next PUBLISH only after `handleMessage`'s callback, and sends the PUBACK
 * itself when that callback gets no error. So the callback is called at once *with a marker
 * error*: MQTT.js then skips its own PUBACK (handlers/publish.ts: `if (err) return done(err)`) and
 * goes on to the next packet (the packet loop's `done` ignores its argument; nothing is emitted
 * and the connection stays up). The group's PUBACKs are sent here after the commit, through the
 * client's packet writer. A group closes when it reaches `maxGroup` messages or when the current
 * turn of the event loop ends (all packets of the socket read are handled), whichever is first.
 *
 * Crash before the commit: nothing was acknowledged, the broker redelivers (persistent session).
 * Crash after the commit, before the PUBACKs: the broker redelivers what is already stored, a
 * duplicate that overwrites itself downstream. A PUBACK is only sent on the connection its PUBLISH
 * came on: after a reconnect the broker redelivers the group and that copy is acknowledged.
 *
 * At most `maxPending` messages are held unacknowledged: beyond that the callback of the next one
 * waits for a group to finish, which stops MQTT.js (the broker keeps the rest), whatever the
 * broker's own in-flight window.
 */
import type { IPublishPacket, MqttClient } from 'mqtt';
import { EveError } from '@eve-bench/device-agent';

export interface GroupAckOptions<T> {
  /**
   * Turns one message into what the group commits, synchronously; undefined when nothing is to be
   * stored (an invalid message the caller has dead-lettered): it is still acknowledged with its group.
   * Throwing leaves the message unacknowledged.
   */
  accept(topic: string, payload: Buffer): T | undefined;
  /** Makes a group durable, in one transaction where it can; resolves once it is. */
  commit(items: T[]): void | Promise<void>;
  /** Messages per group at most (default 500). */
  maxGroup?: number;
  /** Messages received and not yet acknowledged before MQTT.js is held (default 1,000). */
  maxPending?: number;
  /** Runs `fn` once the current event-loop turn is done (default setImmediate). */
  defer?: (fn: () => void) => void;
  /** Observes a group's life: `closed` before its commit, `committed` before its PUBACKs. */
  onStage?: (stage: 'closed' | 'committed', size: number) => void;
  log: (line: string) => void;
}

/** What one received message needs for its acknowledgement. */
interface Received<T> {
  item: T | undefined;
  messageId: number | undefined;
  connection: number;
}

type SendPacket = (packet: { cmd: 'puback'; messageId: number; reasonCode: number }) => void;

/** The parts of MQTT.js this relies on, checked when a client is attached. */
function packetWriter(client: MqttClient): SendPacket {
  const send = (client as unknown as { _sendPacket?: unknown })._sendPacket;
  if (typeof send !== 'function' || typeof client.handleMessage !== 'function') {
    throw new EveError('MQTT_CLIENT_UNSUPPORTED', 'this MQTT.js has no handleMessage/_sendPacket: the bridge cannot acknowledge messages in groups (needs MQTT.js 5)');
  }
  return (packet) => (send as (p: object) => void).call(client, packet);
}

export class GroupAck<T> {
  /** Passed to handleMessage's callback: "acknowledged later, by the group". */
  private readonly deferred = new EveError('ACK_DEFERRED', 'acknowledged with its group');
  private readonly maxGroup: number;
  private readonly maxPending: number;
  private readonly defer: (fn: () => void) => void;
  private group: Received<T>[] = [];
  private pending = 0;
  private held: (() => void) | undefined;
  private flushing = false;
  private scheduled = false;
  private connection = 0;
  private stopped = false;
  private idle: Promise<void> = Promise.resolve();
  private send: SendPacket | undefined;
  private client: MqttClient | undefined;

  constructor(private readonly o: GroupAckOptions<T>) {
    this.maxGroup = o.maxGroup ?? 500;
    this.maxPending = o.maxPending ?? 1000;
    this.defer = o.defer ?? ((fn) => void setImmediate(fn));
  }

  /** Takes over the client's message handling; call before CONNECT (a session redelivers at once). */
  attach(client: MqttClient): void {
    this.send = packetWriter(client);
    this.client = client;
    // PUBACKs belong to the connection their PUBLISH came on
    client.on('close', () => { this.connection++; });
    client.on('connect', () => { this.connection++; });
    client.handleMessage = (packet, callback) => this.receive(packet, callback);
  }

  private receive(packet: IPublishPacket, callback: (e?: Error) => void): void {
    if (this.stopped) return callback(this.deferred); // not acknowledged: redelivered to the next session
    let item: T | undefined;
    try {
      item = this.o.accept(packet.topic, packet.payload as Buffer);
    } catch (e) {
      this.o.log(`bridge: not acknowledged, the broker will redeliver: ${(e as Error).message}`);
      return callback(this.deferred);
    }
    this.group.push({ item, messageId: packet.qos > 0 ? packet.messageId : undefined, connection: this.connection });
    this.pending++;
    if (this.group.length >= this.maxGroup) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      this.defer(() => { this.scheduled = false; this.flush(); });
    }
    if (this.pending < this.maxPending) callback(this.deferred);
    else this.held = () => callback(this.deferred);
  }

  private flush(): void {
    if (this.flushing || this.group.length === 0) return;
    const group = this.group;
    this.group = [];
    this.o.onStage?.('closed', group.length);
    if (this.stopped) return this.finish(group);
    const items: T[] = [];
    for (const r of group) if (r.item !== undefined) items.push(r.item);
    let committing: void | Promise<void>;
    try {
      committing = items.length > 0 ? this.o.commit(items) : undefined;
    } catch (e) {
      return this.failed(group, e as Error);
    }
    if (!(committing instanceof Promise)) {
      // the common case, synchronous: the next group starts only after this one is acknowledged
      this.acknowledge(group);
      return this.finish(group);
    }
    this.flushing = true;
    this.idle = committing.then(() => this.acknowledge(group), (e: Error) => this.failed(group, e)).finally(() => {
      this.flushing = false;
      this.finish(group);
      this.flush();
    });
  }

  private failed(group: Received<T>[], e: Error): void {
    this.o.log(`bridge: ${group.length} messages not acknowledged, the broker will redeliver: ${e.message}`);
    if (!this.flushing) this.finish(group);
  }

  private acknowledge(group: Received<T>[]): void {
    this.o.onStage?.('committed', group.length);
    if (this.stopped || !this.client!.connected) return;
    for (const r of group) {
      // written together: mqtt-packet corks the socket until the next tick, so this is one write
      if (r.messageId !== undefined && r.connection === this.connection) this.send!({ cmd: 'puback', messageId: r.messageId, reasonCode: 0 });
    }
  }

  private finish(group: Received<T>[]): void {
    this.pending -= group.length;
    const held = this.held;
    this.held = undefined;
    held?.();
  }

  /** Commits and acknowledges what was received so far (before a clean disconnect). */
  async settle(): Promise<void> {
    this.flush();
    while (this.flushing) await this.idle;
  }

  /** From now on nothing is committed or acknowledged; what is unacknowledged stays with the broker. */
  stop(): void {
    this.stopped = true;
    this.held?.();
    this.held = undefined;
  }
}
