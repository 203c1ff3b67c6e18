import { describe, expect, it } from 'vitest';
import { Waitress } from './waitress.js';
import { manualTimers } from './manual-timers.js';


describe('Waitress', () => {
  it('resolves the first waiter whose matcher accepts the message', async () => {
    const t = manualTimers();
    const w = new Waitress<number>(t.timers);
    const even = w.wait((m) => m % 2 === 0, 100, 'even');
    const odd = w.wait((m) => m % 2 === 1, 100, 'odd');
    expect(w.resolve(3)).toBe(true);
    expect(w.resolve(4)).toBe(true);
    expect(w.resolve(5)).toBe(false); // nobody waits any more
    await expect(odd).resolves.toBe(3);
    await expect(even).resolves.toBe(4);
    expect(t.pending()).toBe(0); // answered waiters leave no timers behind
  });

  it('rejects a waiter nobody answers with a retriable BOARD_TIMEOUT', async () => {
    const t = manualTimers();
    const w = new Waitress<number>(t.timers);
    const p = w.wait(() => true, 250, 'hello');
    t.fireAll();
    await expect(p).rejects.toMatchObject({ code: 'BOARD_TIMEOUT', retriable: true, message: expect.stringMatching(/hello.*250 ms/) });
    expect(w.resolve(1)).toBe(false);
  });

  it('an abort rejects the waiter and clears its timer; an aborted signal rejects at once', async () => {
    const t = manualTimers();
    const w = new Waitress<number>(t.timers);
    const ac = new AbortController();
    const p = w.wait(() => true, 100, 'x', ac.signal);
    ac.abort(new Error('stop'));
    await expect(p).rejects.toMatchObject({ code: 'BOARD_ABORTED' });
    expect(t.pending()).toBe(0);
    await expect(w.wait(() => true, 100, 'y', ac.signal)).rejects.toMatchObject({ code: 'BOARD_ABORTED' });
    expect(w.resolve(1)).toBe(false);
  });

  it('rejectAll fails every waiter with the given error', async () => {
    const t = manualTimers();
    const w = new Waitress<number>(t.timers);
    const a = w.wait(() => true, 100, 'a');
    const b = w.wait(() => true, 100, 'b');
    w.rejectAll(new Error('link closed'));
    await expect(a).rejects.toThrow('link closed');
    await expect(b).rejects.toThrow('link closed');
    expect(t.pending()).toBe(0);
  });
});
