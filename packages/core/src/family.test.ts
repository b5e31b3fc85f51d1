import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { roundTripProperty } from './arbitrary.js';
import { concatBytes, fromHex, toHex, viewOf } from './bytes.js';
import { attrs, nest, variant } from './attrs.js';
import { NetlinkError, NlDecodeError, NlEncodeError } from './errors.js';
import { MessageView, combine, decodeMessages, encodeMessage, encodeMessages, family, stringifyRaw, throwIfError, toRaw, viewMessages } from './family.js';
import { NLM_F, frames } from './nlmsg.js';
import { cstring, ip, u32, u64, u8 } from './scalars.js';
import { struct } from './struct.js';

const fixed = struct('demomsg', 'dm_', { family: u8, proto: u8, flags: { codec: u8, c: 'dm_flags' }, extra: u8, index: u32 });
const sub = attrs('DA_SUB_', { v: { nla: 1, codec: u32 } });
const demoAttrs = attrs('DA_', {
  name: { nla: 1, codec: cstring() },
  addr: { nla: 2, codec: ip },
  big: { nla: 3, codec: u64 },
  kind: { nla: 4, codec: cstring() },
  data: { nla: 5, codec: variant('kind', { sub: nest(sub) }) },
});
const demo = family('demo', 0, {
  DEMO_NEW: { type: 16, header: fixed, attrs: demoAttrs },
  DEMO_GET: { type: 18, header: fixed, attrs: demoAttrs },
});

describe('messages', () => {
  it('round-trip every declared message type (property)', () => {
    for (const name of ['DEMO_NEW', 'DEMO_GET'] as const) {
      fc.assert(roundTripProperty(demo, name), { numRuns: 300 });
    }
  });

  it('frame several messages and reject bad lengths', () => {
    const a = encodeMessage(demo, { name: 'DEMO_NEW', seq: 1, attrs: { name: 'x' } });
    const b = encodeMessage(demo, { name: 'DEMO_NEW', seq: 2 });
    const both = concatBytes([a, b]);
    expect([...frames(both)].map((f) => f.header.seq)).toEqual([1, 2]);
    expect(() => [...frames(both.subarray(0, both.length - 1))]).toThrow(/runs past the end of the datagram/);
    const short = both.slice(0, 20);
    new DataView(short.buffer).setUint32(0, 8, true);
    expect(() => [...frames(short)]).toThrow(/shorter than the 16-byte header/);
    expect(() => [...frames(new Uint8Array(7))]).toThrow(/too few for a netlink message header/);
  });

  it('encodeMessage: each result keeps its own bytes, later encodes and large messages included', () => {
    const inputs = Array.from({ length: 600 }, (_, i) => ({ name: 'DEMO_NEW' as const, seq: i, attrs: { name: 'n'.repeat(i % 40 === 7 ? 5000 : i % 13), big: BigInt(i) } }));
    const encoded = inputs.map((m) => encodeMessage(demo, m));
    // Encoded again one at a time into a fresh buffer each: the shared blocks gave every message its own range.
    encoded.forEach((bytes, i) => {
      expect(toHex(bytes)).toBe(toHex(encodeMessages(demo, [inputs[i]!])));
      expect(decodeMessages(demo, bytes)[0]).toMatchObject({ seq: i, attrs: { big: BigInt(i) } });
    });
  });

  it('decode lazily: header fields from bytes, one attribute without the rest', () => {
    const bytes = encodeMessages(demo, [
      { name: 'DEMO_NEW', seq: 5, header: { index: 3 }, attrs: { name: 'eth0', addr: '10.1.2.3' } },
      { name: 'DEMO_NEW', seq: 6, header: { index: 4 }, attrs: { addr: 'fe80::1' } },
    ]);
    const views = viewMessages(demo, bytes);
    expect(views.map((v) => [v.name, v.seq])).toEqual([['DEMO_NEW', 5], ['DEMO_NEW', 6]]);
    expect(views[0]!.get('addr')).toBe('10.1.2.3');
    expect(views[1]!.get('name')).toBeUndefined();
    expect(views[1]!.header).toEqual({ family: 0, proto: 0, flags: 0, extra: 0, index: 4 });
    expect(views[0]!.attrs).toEqual({ name: 'eth0', addr: '10.1.2.3' });
    expect(views[0]).toBeInstanceOf(MessageView);
  });

  it('print the canonical raw form with kernel names, hex and bigints', () => {
    const bytes = encodeMessage(demo, { name: 'DEMO_NEW', flags: 2, seq: 7, pid: 1234, header: { index: 3 }, attrs: { name: 'lo', big: 2n ** 63n, kind: 'sub', data: { v: 1 } } });
    const raw = toRaw(demo, decodeMessages(demo, bytes)[0]!);
    expect(raw).toEqual({
      type: 'DEMO_NEW', flags: 2, seq: 7, pid: 1234,
      fields: { dm_family: 0, dm_proto: 0, dm_flags: 0, dm_extra: 0, dm_index: 3 },
      attrs: [['DA_NAME', 'lo'], ['DA_BIG', 2n ** 63n], ['DA_KIND', 'sub'], ['DA_DATA', [['DA_SUB_V', 1]]]],
    });
    expect(stringifyRaw(raw)).toContain('["DA_BIG",9223372036854775808]');
    const unknownType = fromHex('14000000630000000000000000000000deadbeef');
    expect(toRaw(demo, decodeMessages(demo, unknownType)[0]!)).toEqual({ type: 0x63, flags: 0, seq: 0, pid: 0, fields: {}, attrs: [], payload: 'deadbeef' });
  });

  it('validate encode input', () => {
    expect(() => encodeMessage(demo, { name: 'DEMO_NOPE' } as never)).toThrow(/unknown message "DEMO_NOPE"/);
    expect(() => encodeMessage(demo, { name: 'DEMO_NEW', seq: -1 })).toThrow(NlEncodeError);
    expect(() => encodeMessage(demo, { name: 'DEMO_NEW', header: { index: 2 ** 33 } })).toThrow(/dm_index/);
    expect(() => encodeMessage(demo, { name: 'DEMO_NEW', attrs: { addr: '1.2.3.400' } })).toThrow(/DEMO_NEW > DA_ADDR/);
  });
});

describe('errors and acks', () => {
  const request = encodeMessage(demo, { name: 'DEMO_NEW', flags: NLM_F.REQUEST | NLM_F.ACK, seq: 42, pid: 0, attrs: { name: 'x' } });
  const reqHeader = { len: request.length, type: 16, flags: NLM_F.REQUEST | NLM_F.ACK, seq: 42, pid: 0 };

  it('decode an uncapped error with the echoed request and extended-ack TLVs', () => {
    const err = encodeMessage(demo, {
      name: 'NLMSG_ERROR', flags: NLM_F.ACK_TLVS, seq: 42, pid: 99,
      header: { error: -17, msg: reqHeader, payload: request.subarray(16) },
      attrs: { msg: 'File exists', offs: 36 },
    });
    const [m] = decodeMessages(demo, err);
    expect(m!.name).toBe('NLMSG_ERROR');
    expect(m!.header).toEqual({ error: -17, msg: reqHeader, payload: request.subarray(16) });
    expect(m!.attrs).toEqual({ msg: 'File exists', offs: 36 });
    let thrown: NetlinkError | undefined;
    try {
      throwIfError(demo, m!, 'demo add');
    } catch (e) {
      thrown = e as NetlinkError;
    }
    expect(thrown).toBeInstanceOf(NetlinkError);
    expect(thrown!.errno).toBe(17);
    expect(thrown!.code).toBe('EEXIST');
    expect(thrown!.extack).toEqual({ message: 'File exists', offset: 36 });
    expect(thrown!.seq).toBe(42);
    expect(thrown!.requestName).toBe('DEMO_NEW');
    expect(thrown!.message).toBe('demo add: EEXIST (File exists): File exists [attribute at byte 36] (seq 42)');
    expect(toHex(encodeMessage(demo, m as never))).toBe(toHex(err));
  });

  it('decode a capped ack, and a capped error with missing-attribute TLVs', () => {
    const ack = encodeMessage(demo, { name: 'NLMSG_ERROR', flags: NLM_F.CAPPED, seq: 42, header: { error: 0, msg: reqHeader } });
    expect(ack.length).toBe(36);
    const [a] = decodeMessages(demo, ack);
    expect(() => throwIfError(demo, a!)).not.toThrow();
    const capped = encodeMessage(demo, { name: 'NLMSG_ERROR', flags: NLM_F.CAPPED | NLM_F.ACK_TLVS, seq: 42, header: { error: -22, msg: reqHeader }, attrs: { msg: 'missing', missType: 3, missNest: 20 } });
    const [c] = decodeMessages(demo, capped);
    expect(c!.attrs).toEqual({ msg: 'missing', missType: 3, missNest: 20 });
    expect(() => throwIfError(demo, c!)).toThrow(/EINVAL .*missing \[missing attribute type 3\]/);
  });

  it('decode NLMSG_DONE with and without an error code and extended ack', () => {
    const plain = encodeMessage(demo, { name: 'NLMSG_DONE', flags: NLM_F.MULTI, seq: 3, header: { error: 0 } });
    expect(decodeMessages(demo, plain)[0]).toEqual({ name: 'NLMSG_DONE', type: 3, flags: NLM_F.MULTI, seq: 3, pid: 0, header: { error: 0 }, attrs: {} });
    const failed = encodeMessage(demo, { name: 'NLMSG_DONE', flags: NLM_F.MULTI | NLM_F.ACK_TLVS, seq: 3, header: { error: -5 }, attrs: { msg: 'dump failed' } });
    const [d] = decodeMessages(demo, failed);
    expect(() => throwIfError(demo, d!)).toThrow(/EIO .*dump failed/);
    expect(toHex(encodeMessage(demo, d as never))).toBe(toHex(failed));
  });

  it('exposes NLM_F_DUMP_INTR', () => {
    const m = encodeMessage(demo, { name: 'DEMO_NEW', flags: NLM_F.MULTI | NLM_F.DUMP_INTR });
    expect(decodeMessages(demo, m)[0]!.flags & NLM_F.DUMP_INTR).toBeTruthy();
  });
});

describe('hostile input', () => {
  const valid = encodeMessages(demo, [
    { name: 'DEMO_NEW', seq: 1, header: { index: 1 }, attrs: { name: 'eth0', addr: '10.0.0.1', kind: 'sub', data: { v: 3 }, big: 5n } },
    { name: 'NLMSG_ERROR', flags: NLM_F.ACK_TLVS, header: { error: -1, msg: { len: 16, type: 16, flags: 5, seq: 1, pid: 0 } }, attrs: { msg: 'no' } },
    { name: 'NLMSG_DONE', header: { error: 0 } },
  ]);

  const onlyTypedErrors = (bytes: Uint8Array) => {
    for (const decodeAll of [
      () => decodeMessages(demo, bytes),
      () => viewMessages(demo, bytes).map((v) => [v.get('addr'), v.get('data'), v.attrs]),
    ]) {
      try {
        decodeAll();
      } catch (e) {
        if (!(e instanceof NlDecodeError)) throw e;
      }
    }
  };

  it('arbitrary bytes raise only NlDecodeError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), onlyTypedErrors), { numRuns: 2000 });
  });

  it('mutated valid messages raise only NlDecodeError', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), fc.nat(valid.length), (edits, cut) => {
      const b = valid.slice(0, Math.max(cut, 1));
      for (const [i, v] of edits) if (i < b.length) b[i] = v;
      onlyTypedErrors(b);
    }), { numRuns: 3000 });
  });

  it('report the message type in the path', () => {
    const b = valid.slice();
    viewOf(b).setUint16(16 + 8, 200, true); // first attribute's length beyond its message
    try {
      decodeMessages(demo, b);
      expect.unreachable();
    } catch (e) {
      expect((e as NlDecodeError).path[0]).toBe('DEMO_NEW');
      expect((e as NlDecodeError).offset).toBe(24);
    }
  });
});

describe('roundTripProperty', () => {
  it('fails for a codec whose decode does not give back what was encoded', () => {
    const lossy = { ...u32, read: (v: DataView, o: number, n: number) => u32.read(v, o, n, undefined) + 1 } as typeof u32;
    const broken = family('broken', 0, { B_NEW: { type: 16, attrs: attrs('B_', { n: { nla: 1, codec: lossy } }) } });
    expect(() => fc.assert(roundTripProperty(broken, 'B_NEW'), { numRuns: 50, includeErrorInReport: true })).toThrow(/did not decode to what was encoded/);
  });
});

describe('combine', () => {
  it('merges the message tables of families of one protocol, keeping their types', () => {
    const a = family('a', 0, { A_NEW: { type: 16, attrs: attrs('A_', { x: { nla: 1, codec: u32 } }) } });
    const b = family('b', 0, { B_NEW: { type: 17, attrs: attrs('B_', { y: { nla: 1, codec: cstring() } }) } });
    const both = combine('ab', a, b);
    const bytes = encodeMessages(both, [{ name: 'A_NEW', attrs: { x: 1 } }, { name: 'B_NEW', attrs: { y: 'z' } }]);
    expect(decodeMessages(both, bytes).map((m) => [m.name, m.attrs])).toEqual([['A_NEW', { x: 1 }], ['B_NEW', { y: 'z' }]]);
    expect(() => combine('clash', a, family('c', 0, { C_NEW: { type: 16 } }))).toThrow(/share type 16/);
    expect(() => combine('mixed', a, family('d', 16, {}))).toThrow(/cannot combine/);
  });
});
