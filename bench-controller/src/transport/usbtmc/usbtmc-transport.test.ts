import { describe, expect, it } from 'vitest';
import { ScpiSession } from '../../scpi/scpi-session.js';
import { ScpiInterpreter } from '../../lab/scpi-server.js';
import { SimPsu } from '../../lab/sim-psu.js';
import { encodeDevDepMsgOut, encodeRequestDevDepMsgIn, nextTag, parseHeader } from './usbtmc-framing.js';
import { FakeUsbTmcDevice } from './fake-usbtmc-device.js';
import { UsbTmcTransport } from './usbtmc-transport.js';
import { ReconnectingTransport } from '../reconnecting-transport.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** A fake USBTMC instrument answering SCPI through the virtual lab's interpreter. */
function scpiDevice(options: { maxReplyTransfer?: number; maxInTransfer?: number } = {}) {
  const sim = new SimPsu();
  const interpreter = new ScpiInterpreter(sim);
  const device = new FakeUsbTmcDevice({
    ...options,
    label: '1ab1:0e11:FAKE',
    respond: (m) => {
      const reply = m.split('\n').filter((l) => l !== '').map((l) => interpreter.executeLine(l)).filter((r) => r !== undefined);
      return reply.length > 0 ? `${reply.join('\n')}\n` : undefined;
    },
  });
  return { sim, device };
}

describe('USBTMC framing', () => {
  it('writes the exact DEV_DEP_MSG_OUT header, padded to 4 bytes', () => {
    expect([...encodeDevDepMsgOut(1, bytes('*IDN?\n'), true)]).toEqual([
      1, 1, 0xfe, 0, 6, 0, 0, 0, 1, 0, 0, 0, 0x2a, 0x49, 0x44, 0x4e, 0x3f, 0x0a, 0, 0,
    ]);
    expect([...encodeRequestDevDepMsgIn(255, 1024)]).toEqual([2, 255, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0]);
    expect(encodeRequestDevDepMsgIn(7, 64, 0x0a)[8]).toBe(2);
  });

  it('wraps bTag from 255 to 1, never 0, and refuses headers whose ~bTag does not match', () => {
    expect(nextTag(254)).toBe(255);
    expect(nextTag(255)).toBe(1);
    const h = encodeDevDepMsgOut(9, bytes('x'), false);
    expect(parseHeader(h)).toMatchObject({ msgId: 1, tag: 9, transferSize: 1, eom: false });
    h[2] = 0;
    expect(() => parseHeader(h)).toThrow(expect.objectContaining({ code: 'USBTMC_BAD_HEADER' }));
    expect(() => parseHeader(new Uint8Array(5))).toThrow(expect.objectContaining({ code: 'USBTMC_BAD_HEADER' }));
    expect(() => encodeDevDepMsgOut(0, bytes('x'), true)).toThrow(expect.objectContaining({ code: 'USBTMC_BAD_TAG' }));
  });
});

describe('UsbTmcTransport against a fake USB device', () => {
  it('carries a SCPI session: identify, set, query', async () => {
    const { sim, device } = scpiDevice();
    const t = new UsbTmcTransport(device, { timeoutMs: 200 });
    await t.open();
    expect(t.address).toBe('usbtmc:1ab1:0e11:FAKE');
    const session = new ScpiSession(t, { timeoutMs: 1000 });
    expect((await session.identify()).model).toBe('DP832');
    await session.writeChecked(':SOUR1:VOLT 3.300');
    expect(sim.channel(1).setpoint().voltageV).toBe(3.3);
    expect(await session.query(':SOUR1:VOLT?')).toBe('3.300');
    // *IDN? went out as one DEV_DEP_MSG_OUT with EOM, then one REQUEST_DEV_DEP_MSG_IN.
    expect(parseHeader(device.outTransfers[0]!)).toMatchObject({ msgId: 1, tag: 1, transferSize: 6, eom: true });
    expect(parseHeader(device.outTransfers[1]!)).toMatchObject({ msgId: 2, tag: 2, transferSize: 1024 });
    await session.close();
    expect(device.opened).toBe(false);
  });

  it('splits long messages and reassembles replies spread over several transfers and packets', async () => {
    const { device } = scpiDevice({ maxReplyTransfer: 8, maxInTransfer: 16 });
    const t = new UsbTmcTransport(device, { timeoutMs: 200, maxTransferBytes: 8 });
    await t.open();
    const session = new ScpiSession(t, { timeoutMs: 1000 });
    expect(await session.query('*IDN?')).toBe('RIGOL TECHNOLOGIES,DP832,DP8SIM0001,00.01.16');
    await session.writeChecked(':SOUR2:VOLT 1.250;:SOUR2:CURR 0.0500');
    const outs = device.outTransfers.map(parseHeader).filter((h) => h.msgId === 1);
    expect(outs.every((h) => h.transferSize <= 8)).toBe(true);
    expect(outs.filter((h) => h.eom)).toHaveLength(3); // *IDN?, the setpoints, SYST:ERR?
    await session.close();
  });

  it('wraps bTag past 255 over a long session', async () => {
    const { device } = scpiDevice();
    const t = new UsbTmcTransport(device, { timeoutMs: 200 });
    await t.open();
    const session = new ScpiSession(t, { timeoutMs: 1000 });
    for (let i = 0; i < 140; i++) expect(await session.query('*OPC?')).toBe('1');
    const tags = device.outTransfers.map((o) => o[1]!);
    expect(tags).not.toContain(0);
    expect(tags.slice(253, 257)).toEqual([254, 255, 1, 2]);
    await session.close();
  });

  it('on a reply timeout clears the device and fails retriably; the next exchange works', async () => {
    const { device } = scpiDevice();
    const t = new UsbTmcTransport(device, { timeoutMs: 20 });
    await t.open();
    const reader = t.read()[Symbol.asyncIterator]();
    device.silentOnce = true;
    await expect(t.write(bytes('*IDN?\n'))).rejects.toMatchObject({ code: 'TRANSPORT_IO', retriable: true });
    expect(device.clears).toBe(1);
    await t.write(bytes('*OPC?\n'));
    expect(text((await reader.next()).value)).toBe('1\n');
    await t.close();
  });

  it('refuses a reply with the wrong bTag and a stalled pipe, clearing the halt each time', async () => {
    const { device } = scpiDevice();
    const t = new UsbTmcTransport(device, { timeoutMs: 50 });
    await t.open();
    const reader = t.read()[Symbol.asyncIterator]();
    device.wrongTagOnce = true;
    await expect(t.write(bytes('*OPC?\n'))).rejects.toMatchObject({ code: 'TRANSPORT_IO', message: expect.stringContaining('bTag') });
    // A garbage transfer from elsewhere stalls bulk-OUT; the transport's clear un-halts it.
    await expect(device.transferOut(1, new Uint8Array(12), 10)).rejects.toThrow(/stall/);
    await expect(t.write(bytes('*OPC?\n'))).rejects.toMatchObject({ code: 'TRANSPORT_IO' });
    await t.write(bytes('*OPC?\n'));
    expect(text((await reader.next()).value)).toBe('1\n');
    expect(device.clears).toBe(2);
    await t.close();
  });

  it('reports an unplug to the reader, so ReconnectingTransport reopens the device once it is back', async () => {
    const { device } = scpiDevice();
    const retries: number[] = [];
    const t = new ReconnectingTransport(() => new UsbTmcTransport(device, { timeoutMs: 50 }), {
      initialDelayMs: 1, maxDelayMs: 4, random: () => 0,
      onRetry: (a) => { retries.push(a.attempt); if (a.attempt === 3) device.unplugged = false; },
    });
    await t.open();
    const reader = t.read()[Symbol.asyncIterator]();
    await t.write(bytes('*OPC?\n'));
    expect(text((await reader.next()).value)).toBe('1\n');
    device.unplugged = true;
    const next = reader.next();
    await expect(t.write(bytes('*OPC?\n'))).rejects.toMatchObject({ code: 'TRANSPORT_DISCONNECTED', retriable: true });
    while (!t.isOpen || retries.length < 3) await new Promise((r) => setTimeout(r, 5));
    await t.write(bytes('*IDN?\n'));
    expect(text((await next).value)).toContain('DP832');
    expect(retries).toEqual([1, 2, 3]);
    await t.close();
  });

  it('refuses writes before open and after close, and bad options up front', async () => {
    const { device } = scpiDevice();
    const t = new UsbTmcTransport(device);
    await expect(t.write(bytes('*IDN?\n'))).rejects.toMatchObject({ code: 'TRANSPORT_CLOSED' });
    await t.open();
    await t.close();
    await expect(t.write(bytes('*IDN?\n'))).rejects.toMatchObject({ code: 'TRANSPORT_CLOSED' });
    expect(() => new UsbTmcTransport(device, { maxTransferBytes: 10 })).toThrow(expect.objectContaining({ code: 'TRANSPORT_BAD_OPTION' }));
  });
});
