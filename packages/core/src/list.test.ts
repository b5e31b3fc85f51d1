import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { concatBytes, viewOf } from './bytes.js';
import { attrs } from './attrs.js';
import { NlDecodeError } from './errors.js';
import { MessageView, encodeMessage, family, viewMessages } from './family.js';
import { MessageList } from './list.js';
import { cstring, u32 } from './scalars.js';
import { struct } from './struct.js';

const hdr = struct('objmsg', 'om_', { index: u32 });
const demo = family('demo', 0, {
  DEMO_NEW: { type: 16, header: hdr, attrs: attrs('DA_', { name: { nla: 1, codec: cstring() }, mtu: { nla: 2, codec: u32 } }) },
});
const other = family('other', 0, { OTHER_NEW: { type: 16 } });

/** A datagram of `n` messages numbered from `first` (index = number, name = `m<number>`). */
function datagram(first: number, n: number): DataView {
  const parts: Uint8Array[] = [];
  for (let i = first; i < first + n; i++) parts.push(encodeMessage(demo, { name: 'DEMO_NEW', seq: i, header: { index: i }, attrs: { name: `m${i}`, mtu: i * 10 } }));
  return viewOf(concatBytes(parts));
}

/** The offsets of every message of `view`, as `viewMessages` finds them. */
function offsetsOf(view: DataView): Uint32Array {
  return Uint32Array.from(viewMessages(demo, new Uint8Array(view.buffer, view.byteOffset, view.byteLength)), (m) => m.offset);
}

describe('MessageList', () => {
  it('gives fresh views of the messages at the offsets, in order, by index, iteration and forEach (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 8 }), fc.array(fc.integer({ min: -40, max: 40 }), { maxLength: 10 }), (sizes, probes) => {
        const views: DataView[] = [];
        const offsets: Uint32Array[] = [];
        const expected: string[] = [];
        let next = 1;
        for (const n of sizes) {
          const v = datagram(next, n);
          // Each datagram split into two chunks (one maybe empty): a chunk is a run of a datagram, not all of it.
          const offs = offsetsOf(v);
          const cut = n >> 1;
          views.push(v, v);
          offsets.push(offs.slice(0, cut), offs.slice(cut));
          for (let i = next; i < next + n; i++) expected.push(`m${i}`);
          next += n;
        }
        const list = new MessageList(demo, views, offsets);
        expect(list.length).toBe(expected.length);
        expect([...list].map((m) => m.get('name'))).toEqual(expected);
        const seen: string[] = [];
        list.forEach((m, i) => {
          expect(i).toBe(seen.length);
          seen.push(m.get('name') as string);
        });
        expect(seen).toEqual(expected);
        expect(list.toArray().map((m) => m.decode().attrs)).toEqual(expected.map((name) => ({ name, mtu: Number(name.slice(1)) * 10 })));
        for (const p of probes) expect(list.at(p)?.get('name')).toBe(expected.at(p));
        expect(list.at(0.5)?.get('name')).toBe(expected[0]);
        expect(list.at(NaN)?.get('name')).toBe(expected[0]);
        const a = list.at(0);
        if (a) expect(list.at(0)).not.toBe(a); // a fresh view each time
      }),
      { numRuns: 200 },
    );
  });

  it('concat joins lists without copying a message; the unchecked form takes the arrays as they are', () => {
    const v1 = datagram(1, 3);
    const v2 = datagram(4, 2);
    const a = new MessageList(demo, [v1], [offsetsOf(v1)]);
    const b = MessageList.unchecked(demo, [v2], [offsetsOf(v2)]);
    const joined = MessageList.concat(demo, [a, MessageList.concat(demo, []), b]);
    expect([...joined].map((m) => (m.header as { index: number }).index)).toEqual([1, 2, 3, 4, 5]);
    expect(joined.at(3)!.view).toBe(v2);
    expect(joined.at(3)!.offset).toBe(b.at(0)!.offset);
    expect(joined.at(0)).toBeInstanceOf(MessageView);
    expect(() => MessageList.concat(demo, [a, new MessageList(other, [], []) as never])).toThrow(TypeError);
  });

  it('refuses offsets that are not messages of their datagram, with the offset', () => {
    const v = datagram(1, 2);
    const offs = offsetsOf(v);
    expect(() => new MessageList(demo, [v], [])).toThrow(RangeError);
    const past = () => new MessageList(demo, [v], [Uint32Array.of(offs[0]!, v.byteLength - 8)]);
    expect(past).toThrow(NlDecodeError);
    expect(past).toThrow(expect.objectContaining({ offset: v.byteLength - 8 }));
    // An offset inside the first message: its "nlmsg_len" (the bytes there) runs past the end.
    const bytes = new Uint8Array(v.buffer.slice(0));
    viewOf(bytes).setUint32(offs[1]!, 1 << 20, true);
    expect(() => new MessageList(demo, [viewOf(bytes)], [Uint32Array.of(offs[1]!)])).toThrow(/nlmsg_len 1048576 is out of bounds/);
    viewOf(bytes).setUint32(offs[1]!, 8, true);
    expect(() => new MessageList(demo, [viewOf(bytes)], [Uint32Array.of(offs[1]!)])).toThrow(NlDecodeError);
    // The checked constructor copies the arrays it is given: changing them later changes nothing.
    const views = [v];
    const offsets = [offs];
    const list = new MessageList(demo, views, offsets);
    views.length = 0;
    offsets.length = 0;
    expect(list.length).toBe(2);
    expect(list.at(1)!.get('name')).toBe('m2');
  });
});
