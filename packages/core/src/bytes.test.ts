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

  it('copyWords copies exactly the first length bytes, a word at a time, into ranges that stay as written; odd block sizes and large copies too', () => {
    for (const blockSize of [256, 250, 16 * 1024]) {
      const blocks = new ByteBlocks(blockSize);
      const src = new Uint8Array(512);
      const words = new Uint32Array(src.buffer);
      const made: [Uint8Array, number[]][] = [];
      for (let i = 0; i < 300; i++) {
        const length = (i * 7) % 150;
        for (let j = 0; j < src.length; j++) src[j] = (i * 31 + j) & 255;
        made.push([blocks.copyWords(words, length), [...src.subarray(0, length)]]);
      }
      for (const [range, want] of made) expect([...range]).toEqual(want);
    }
    // The last bytes of a block whose size is not a whole number of words.
    const odd = new ByteBlocks(250);
    for (const size of [56, 56, 56, 56, 16]) odd.reserve(size);
    const tail = odd.copyWords(new Uint32Array(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 0).buffer), 10);
    expect([...tail]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(tail.byteOffset).toBe(240);
  });
});
