import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SeqTable } from './seq-table.js';

interface Item {
  readonly seq: number;
  readonly tag: number;
}

type Op = { op: 'set'; seq: number; tag: number } | { op: 'delete'; seq: number } | { op: 'clear' };

/** Sequence numbers that collide: a few low bits over the whole u32 range, near the wrap, consecutive runs. */
const seqArb = fc.oneof(
  fc.integer({ min: 0, max: 40 }),
  fc.integer({ min: 0, max: 7 }).map((k) => (k * 16 + 3) >>> 0),
  fc.integer({ min: 0, max: 7 }).map((k) => (k * 1024 + 5) >>> 0),
  fc.integer({ min: 0, max: 40 }).map((k) => (0xffffffff - k) >>> 0),
  fc.integer({ min: 0, max: 0xffffffff }),
);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('set' as const), seq: seqArb, tag: fc.nat() }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('delete' as const), seq: seqArb }) },
  { weight: 1, arbitrary: fc.constant({ op: 'clear' as const }) },
);

/** Applies `ops` to a table and to a `Map`, checking every answer against the map's. */
function againstMap(ops: Op[], probes: number[]): void {
  const table = new SeqTable<Item>();
  const model = new Map<number, Item>();
  for (const o of ops) {
    if (o.op === 'set') {
      const item = { seq: o.seq, tag: o.tag };
      table.set(item);
      model.set(o.seq, item);
    } else if (o.op === 'delete') {
      expect(table.delete(o.seq)).toBe(model.delete(o.seq));
    } else {
      table.clear();
      model.clear();
    }
    expect(table.size).toBe(model.size);
  }
  for (const seq of [...probes, ...model.keys()]) {
    expect(table.get(seq)).toBe(model.get(seq));
    expect(table.has(seq)).toBe(model.has(seq));
  }
  const byTag = (a: Item, b: Item): number => a.seq - b.seq;
  expect(table.values().sort(byTag)).toEqual([...model.values()].sort(byTag));
}

describe('SeqTable', () => {
  it('answers as a Map keyed by seq does, for any sequence of sets, deletes and clears', () => {
    fc.assert(fc.property(fc.array(opArb, { maxLength: 300 }), fc.array(seqArb, { maxLength: 20 }), againstMap), { numRuns: 400 });
  });

  it('keeps every item reachable across growing past 16 slots and shrinking back, with colliding seqs', () => {
    const table = new SeqTable<Item>();
    // 200 items whose seqs share their low 4 bits in pairs, then all but a few removed in an order that closes holes mid-run.
    const seqs = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? i * 8 : 0xfffffff0 - i * 8) >>> 0);
    for (const [tag, seq] of seqs.entries()) table.set({ seq, tag });
    expect(table.size).toBe(200);
    for (const [tag, seq] of seqs.entries()) expect(table.get(seq)).toEqual({ seq, tag });
    const kept = new Set(seqs.filter((_, i) => i % 37 === 0));
    for (const seq of [...seqs].reverse()) if (!kept.has(seq)) expect(table.delete(seq)).toBe(true);
    expect(table.size).toBe(kept.size);
    for (const seq of seqs) expect(table.has(seq)).toBe(kept.has(seq));
    expect(table.delete(12345)).toBe(false);
  });

  it('replaces the item of a seq already held rather than adding a second', () => {
    const table = new SeqTable<Item>();
    table.set({ seq: 7, tag: 1 });
    table.set({ seq: 7 + 16, tag: 2 });
    table.set({ seq: 7, tag: 3 });
    expect(table.size).toBe(2);
    expect(table.get(7)).toEqual({ seq: 7, tag: 3 });
    expect(table.get(23)).toEqual({ seq: 23, tag: 2 });
  });
});
