import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
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

  it('keeps a group of lines as one record that counts its lines, and reads records up to a line budget', () => {
    const q = new DurableQueue(join(dir, 'groups.sqlite'));
    q.pushGroup(['a 1', 'b 2', 'c 3']);
    q.pushGroup(['d 4']);
    q.pushGroup(['e 5', 'f 6']);
    expect([q.count, q.bytes]).toEqual([6, 'a 1\nb 2\nc 3'.length + 3 + 7]);
    expect(q.peekItems(4).map((r) => [r.body.toString(), r.items])).toEqual([['a 1\nb 2\nc 3', 3], ['d 4', 1]]);
    // a record larger than the budget still comes out, alone
    expect(q.peekItems(1).map((r) => r.items)).toEqual([3]);
    q.remove(q.peekItems(4));
    expect([q.count, q.peek(5).map((r) => r.text)]).toEqual([2, ['e 5\nf 6']]);
    q.close();
  });

  it('opens a queue written before records held groups, each old record one item', () => {
    const path = join(dir, 'old.sqlite');
    const old = new Database(path);
    old.exec('CREATE TABLE queue (id INTEGER PRIMARY KEY AUTOINCREMENT, text TEXT NOT NULL)');
    old.prepare('INSERT INTO queue (text) VALUES (?)').run('m f=1 1');
    old.close();
    const q = new DurableQueue(path);
    q.pushGroup(['m f=2 2', 'm f=3 3']);
    expect([q.count, q.peekItems(10).map((r) => r.items)]).toEqual([3, [1, 2]]);
    q.close();
  });

  it('creates a queue with the page size asked for, keeps an existing file\'s, and refuses an impossible one', () => {
    const path = join(dir, 'pages.sqlite');
    const q = new DurableQueue(path, { pageSize: 65536 });
    q.pushGroup(['a 1']);
    expect(q.pageSize).toBe(65536);
    q.close();
    const again = new DurableQueue(path, { pageSize: 4096 });
    expect([again.pageSize, again.count]).toEqual([65536, 1]);
    again.close();
    expect(() => new DurableQueue(join(dir, 'odd.sqlite'), { pageSize: 3000 })).toThrow(expect.objectContaining({ code: 'QUEUE_PAGE_SIZE' }));
  });

  it('shares a queue between a writing and a reading connection, reading past records already taken', () => {
    const path = join(dir, 'shared.sqlite');
    const writer = new DurableQueue(path, { pageSize: 65536, shared: 'writer' });
    const reader = new DurableQueue(path, { pageSize: 65536, shared: 'reader' });
    writer.pushGroup(['a 1', 'b 2']);
    writer.pushGroup(['c 3']);
    const first = reader.peekItems(2);
    expect(first.map((r) => r.body.toString())).toEqual(['a 1\nb 2']);
    // the next batch while the first is still being delivered
    const second = reader.peekItems(2, first[0]!.id);
    expect(second.map((r) => r.body.toString())).toEqual(['c 3']);
    writer.pushGroup(['d 4']);
    // delivered: the writing connection removes it (the reader only reads and checkpoints)
    writer.remove(second.map(({ id, items, chars }) => ({ id, items, chars })));
    reader.checkpoint();
    expect(reader.peekItems(10).map((r) => r.body.toString())).toEqual(['a 1\nb 2', 'd 4']);
    expect([writer.count, writer.bytes]).toEqual([3, 7 + 3]);
    writer.close();
    reader.close();
    const again = new DurableQueue(path);
    expect([again.count, again.bytes]).toEqual([3, 10]);
    again.close();
  });

  it('lets one writer at a time own a shared queue, however many readers', () => {
    const path = join(dir, 'owned.sqlite');
    const writer = new DurableQueue(path, { shared: 'writer' });
    expect(() => new DurableQueue(path, { shared: 'writer' })).toThrow(expect.objectContaining({ code: 'QUEUE_IN_USE', message: expect.stringContaining('in use by another process') }));
    const reader = new DurableQueue(path, { shared: 'reader' });
    writer.pushGroup(['a 1']);
    expect(reader.peekItems(1).map((r) => r.body.toString())).toEqual(['a 1']);
    reader.close();
    writer.close();
    const next = new DurableQueue(path, { shared: 'writer' });
    expect(next.count).toBe(1);
    next.close();
  });
});
