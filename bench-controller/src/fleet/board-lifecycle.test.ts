import { describe, expect, it } from 'vitest';
import { BoardLifecycle, type Transition } from './board-lifecycle.js';

describe('BoardLifecycle', () => {
  it('walks off -> powered -> deployed -> ready and reports each move', () => {
    const seen: Transition[] = [];
    const life = new BoardLifecycle('b1', 'off', (t) => seen.push(t));
    life.move('powered', 'supply on');
    life.move('deployed', 'package sent');
    life.move('ready', 'answered');
    expect(life.state).toBe('ready');
    expect(seen.map((t) => `${t.from}->${t.to}`)).toEqual(['off->powered', 'powered->deployed', 'deployed->ready']);
  });

  it('refuses illegal moves and leaves the state unchanged', () => {
    const life = new BoardLifecycle('b1');
    expect(() => life.move('ready', 'skipping power')).toThrow(/board b1: cannot go from off to ready \(skipping power\); legal: powered, quarantined/);
    expect(life.state).toBe('off');
  });

  it('leaves failed only through power-off (a power-cycle) or quarantine, and quarantine only to off', () => {
    const life = new BoardLifecycle('b1', 'ready');
    life.move('failed', 'timeout');
    expect(life.canMove('ready')).toBe(false);
    expect(life.canMove('powered')).toBe(false);
    life.move('quarantined', 'K failures');
    for (const s of ['powered', 'deployed', 'ready', 'failed'] as const) expect(life.canMove(s)).toBe(false);
    life.move('off', 'released');
    expect(life.state).toBe('off');
  });
});
