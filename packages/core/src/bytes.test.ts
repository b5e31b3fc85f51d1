import { describe, expect, it } from 'vitest';
import { ByteBlocks } from './bytes.js';

describe('ByteBlocks', () => {
  it('hands out ranges that never overlap and stay as written, across blocks; large ones get a block of their own', () => {
    const blocks = new ByteBlocks(256);
    const ranges: Uint8Array[] = [];
    for (let i = 0; i < 100; i++) {
      const src = Uint8Array.from({ length: 1 + (i % 60) }, (_, j) => (i + j) & 255);
      ranges.push(blocks.copy(src));
    }
    const big = blocks.copy(new Uint8Array(200).fill(7));
    const after = blocks.copy(Uint8Array.of(1, 2, 3));
    ranges.forEach((r, i) => expect([...r]).toEqual(Array.from({ length: 1 + (i % 60) }, (_, j) => (i + j) & 255)));
    expect(big.buffer.byteLength).toBe(200);
    expect([...big]).toEqual(new Array(200).fill(7));
    expect(after.buffer).not.toBe(big.buffer);
    expect([...after]).toEqual([1, 2, 3]);
    // 8-byte aligned offsets within a block.
    const b = new ByteBlocks(256);
    expect([b.reserve(3), b.reserve(5), b.reserve(9), b.reserve(1)]).toEqual([0, 8, 16, 32]);
  });
});
