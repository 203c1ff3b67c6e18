import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DurableQueue } from './durable-queue.js';

describe('DurableQueue', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'eve-queue-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps records in order until removed, across a reopen', () => {
    const path = join(dir, 'q.sqlite');
    const q = new DurableQueue(path);
    q.push(['a', 'bb']);
    q.push(['ccc']);
    const first = q.peek(2);
    expect(first.map((r) => r.text)).toEqual(['a', 'bb']);
    q.remove(first);
    expect([q.count, q.bytes]).toEqual([1, 3]);
    q.close();
    const again = new DurableQueue(path);
    expect(again.peek(10).map((r) => r.text)).toEqual(['ccc']);
    expect([again.count, again.bytes]).toEqual([1, 3]);
    again.close();
  });

  it('counts a record removed twice once', () => {
    const q = new DurableQueue(join(dir, 'twice.sqlite'));
    q.push(['x', 'y', 'z']);
    const [x, , z] = q.peek(3);
    q.remove([x!]);
    q.remove([x!, z!]);
    expect([q.count, q.bytes, q.peek(5).map((r) => r.text)]).toEqual([1, 1, ['y']]);
    q.close();
  });

  it('fails with a typed error when the file cannot be opened', () => {
    expect(() => new DurableQueue(join(dir, 'missing/dir/q.sqlite'))).toThrow(expect.objectContaining({ code: 'QUEUE_OPEN' }));
  });
});
