import { EventEmitter } from 'node:events';
import type { IPublishPacket, MqttClient } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { GroupAck, type GroupAckOptions } from './group-ack.js';

/** The part of an MQTT.js client GroupAck uses: handleMessage, the packet writer, connection events. */
class FakeClient extends EventEmitter {
  connected = true;
  readonly sent: { cmd: string; messageId: number; reasonCode: number }[] = [];
  handleMessage: (packet: IPublishPacket, cb: (e?: Error) => void) => void = (_p, cb) => cb();
  _sendPacket(packet: { cmd: string; messageId: number; reasonCode: number }): void {
    this.sent.push(packet);
  }
  /** Hands a QoS 1 PUBLISH over as MQTT.js does; resolves what the callback got. */
  deliver(messageId: number, payload = `m${messageId}`): { error: Error | undefined; called: boolean } {
    const r = { error: undefined as Error | undefined, called: false };
    this.handleMessage({ cmd: 'publish', topic: 't', payload: Buffer.from(payload), qos: 1, dup: false, retain: false, messageId }, (e) => { r.called = true; r.error = e; });
    return r;
  }
}

function setup(o: Partial<GroupAckOptions<string>> = {}) {
  const client = new FakeClient();
  const commits: string[][] = [];
  const deferred: (() => void)[] = [];
  const log: string[] = [];
  const acks = new GroupAck<string>({
    accept: (_t, p) => p.toString(),
    commit: (items) => { commits.push([...items]); },
    defer: (fn) => deferred.push(fn),
    log: (l) => log.push(l),
    ...o,
  });
  acks.attach(client as unknown as MqttClient);
  const endTurn = () => { for (const fn of deferred.splice(0)) fn(); };
  return { client, commits, endTurn, acks, log };
}

const settled = () => new Promise((r) => setImmediate(r));

describe('GroupAck', () => {
  it('lets MQTT.js go on at once, commits the turn\'s messages together, then acknowledges them in order', async () => {
    const { client, commits, endTurn } = setup();
    const calls = [1, 2, 3].map((id) => client.deliver(id));
    // called back at once, with an error so that MQTT.js sends no PUBACK of its own
    expect(calls.every((c) => c.called && c.error !== undefined)).toBe(true);
    expect([commits.length, client.sent.length]).toEqual([0, 0]);
    endTurn();
    await settled();
    expect(commits).toEqual([['m1', 'm2', 'm3']]);
    expect(client.sent).toEqual([1, 2, 3].map((messageId) => ({ cmd: 'puback', messageId, reasonCode: 0 })));
  });

  it('closes a group at its size limit without waiting for the turn to end', async () => {
    const { client, commits, endTurn } = setup({ maxGroup: 2 });
    for (const id of [1, 2, 3, 4, 5]) client.deliver(id);
    await settled();
    endTurn();
    await settled();
    expect(commits.map((c) => c.length)).toEqual([2, 2, 1]);
    expect(client.sent.map((p) => p.messageId)).toEqual([1, 2, 3, 4, 5]);
  });

  it('acknowledges nothing of a group whose commit fails', async () => {
    const { client, endTurn, log } = setup({ commit: () => { throw new Error('disk full'); } });
    client.deliver(1);
    endTurn();
    await settled();
    expect(client.sent).toEqual([]);
    expect(log.join()).toContain('disk full');
  });

  it('sends no PUBACK on a later connection than the PUBLISH came on (the broker redelivers instead)', async () => {
    const { client, commits, endTurn } = setup();
    client.deliver(1);
    client.emit('close');
    client.emit('connect');
    client.deliver(2);
    endTurn();
    await settled();
    expect(commits).toEqual([['m1', 'm2']]);
    expect(client.sent.map((p) => p.messageId)).toEqual([2]);
  });

  it('holds MQTT.js once maxPending messages wait, and lets it go when their group is done', async () => {
    let release: () => void = () => {};
    const { client, endTurn } = setup({ maxPending: 2, commit: () => new Promise<void>((r) => { release = r; }) });
    const first = client.deliver(1);
    const second = client.deliver(2);
    expect([first.called, second.called]).toEqual([true, false]);
    endTurn();
    await settled();
    expect(second.called).toBe(false);
    release();
    await settled();
    expect(second.called).toBe(true);
    expect(client.sent.map((p) => p.messageId)).toEqual([1, 2]);
  });

  it('stores nothing and acknowledges nothing once stopped', async () => {
    const { client, commits, endTurn, acks } = setup();
    client.deliver(1);
    acks.stop();
    endTurn();
    client.deliver(2);
    endTurn();
    await settled();
    expect([commits, client.sent]).toEqual([[], []]);
  });

  it('refuses a client without the packet writer it acknowledges through', () => {
    const acks = new GroupAck<string>({ accept: () => 'x', commit: () => {}, log: () => {} });
    const bare = Object.assign(new EventEmitter(), { handleMessage: () => {} });
    expect(() => acks.attach(bare as unknown as MqttClient)).toThrow(expect.objectContaining({ code: 'MQTT_CLIENT_UNSUPPORTED' }));
  });
});
