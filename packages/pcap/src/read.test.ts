import { describe, expect, it } from 'vitest';
import {
  CaptureFormatError,
  detectCaptureFormat,
  inferDirection,
  iterateCapture,
  parseCapture,
  readCapture,
  type CaptureErrorCode,
} from './index.js';
import {
  ByteBuilder,
  block,
  concat,
  cooked,
  done,
  epb,
  error,
  getlinkDump,
  i64opt,
  idb,
  opb,
  pcapFile,
  shb,
  sll2,
  spb,
  u8opt,
  utf8,
} from '../test/handmade.js';

const request = getlinkDump(1);
const reply = done(1, 4242);
const nack = error(2, 4242, -1, request);
const toKernel = concat(cooked(7, 0), request);
const fromKernel = concat(cooked(6, 0), reply);

function expectError(fn: () => unknown, code: CaptureErrorCode, offset?: number): CaptureFormatError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CaptureFormatError);
    const err = e as CaptureFormatError;
    expect(err.code).toBe(code);
    if (offset !== undefined) expect(err.offset).toBe(offset);
    expect(err.message).toContain(`byte offset ${err.offset}`);
    return err;
  }
  throw new Error(`expected a CaptureFormatError ${code}`);
}

describe('pcap reading', () => {
  for (const littleEndian of [true, false]) {
    for (const nanosecond of [false, true]) {
      it(`reads a ${littleEndian ? 'little' : 'big'}-endian ${nanosecond ? 'nanosecond' : 'microsecond'} file`, () => {
        const bytes = pcapFile({
          littleEndian,
          nanosecond,
          records: [
            { seconds: 1_700_000_000, fraction: nanosecond ? 123_456_789 : 123_456, data: toKernel },
            { seconds: 1_700_000_001, fraction: 7, data: fromKernel },
          ],
        });
        expect(detectCaptureFormat(bytes)).toBe('pcap');
        const packets = readCapture(bytes);
        expect(packets).toHaveLength(2);
        expect(packets[0]).toEqual({
          timestamp: { seconds: 1_700_000_000, nanoseconds: 123_456_789 - (nanosecond ? 0 : 789) },
          direction: 'to-kernel',
          packetType: 7,
          protocol: 0,
          data: request,
          originalLength: request.length,
          linkType: 253,
        });
        expect(packets[1].direction).toBe('from-kernel');
        expect(packets[1].packetType).toBe(6);
        expect(packets[1].timestamp).toEqual({ seconds: 1_700_000_001, nanoseconds: nanosecond ? 7 : 7000 });
        expect(packets[1].data).toEqual(reply);
      });
    }
  }

  it('returns data as a view into the capture, without copying', () => {
    const bytes = pcapFile({ littleEndian: true, records: [{ seconds: 1, fraction: 0, data: toKernel }] });
    const [packet] = readCapture(bytes);
    expect(packet.data.buffer).toBe(bytes.buffer);
    expect(packet.data.byteOffset).toBe(24 + 16 + 16);
  });

  it('reports the netlink family from the cooked header', () => {
    const bytes = pcapFile({ littleEndian: true, records: [{ seconds: 1, fraction: 0, data: concat(cooked(7, 16), request) }] });
    expect(readCapture(bytes)[0].protocol).toBe(16);
  });

  it("reports 'unknown' direction for tcpdump's PACKET_OUTGOING (4), which inferDirection can resolve", () => {
    const bytes = pcapFile({
      littleEndian: true,
      records: [
        { seconds: 1, fraction: 0, data: concat(cooked(4, 0), request) },
        { seconds: 1, fraction: 1, data: concat(cooked(4, 0), reply) },
        { seconds: 1, fraction: 2, data: concat(cooked(4, 0), nack) },
      ],
    });
    const packets = readCapture(bytes);
    expect(packets.map((p) => [p.direction, p.packetType])).toEqual([
      ['unknown', 4],
      ['unknown', 4],
      ['unknown', 4],
    ]);
    expect(packets.map((p) => inferDirection(p.data))).toEqual(['to-kernel', 'from-kernel', 'from-kernel']);
  });

  it('inferDirection: NLM_F_REQUEST in the first header means to-kernel; short data is unknown', () => {
    expect(inferDirection(new Uint8Array(15))).toBe('unknown');
    const bigEndianRequest = new ByteBuilder(false).u32(16).u16(18).u16(0x001).u32(1).u32(0).done();
    expect(inferDirection(bigEndianRequest, false)).toBe('to-kernel');
    expect(inferDirection(bigEndianRequest)).toBe('from-kernel');
    expect(inferDirection(concat(new Uint8Array(3), request).subarray(3))).toBe('to-kernel');
  });

  it('reports snaplen-cut packets through originalLength', () => {
    const cut = toKernel.subarray(0, 30);
    const bytes = pcapFile({ littleEndian: true, snaplen: 30, records: [{ seconds: 1, fraction: 0, data: cut, origLen: toKernel.length }] });
    const [packet] = readCapture(bytes);
    expect(packet.data.length).toBe(14);
    expect(packet.originalLength).toBe(request.length);
  });

  it('carries a microsecond field of a second or more into the seconds', () => {
    const bytes = pcapFile({ littleEndian: true, records: [{ seconds: 10, fraction: 2_500_000, data: toKernel }] });
    expect(readCapture(bytes)[0].timestamp).toEqual({ seconds: 12, nanoseconds: 500_000_000 });
  });

  it('reads an empty capture (header only)', () => {
    expect(readCapture(pcapFile({ littleEndian: false, records: [] }))).toEqual([]);
  });

  it('reads LINKTYPE_LINUX_SLL (113) and LINKTYPE_LINUX_SLL2 (276) netlink packets', () => {
    const sll = pcapFile({ littleEndian: true, linkType: 113, records: [{ seconds: 1, fraction: 0, data: concat(cooked(6, 9), reply) }] });
    expect(readCapture(sll)[0]).toMatchObject({ direction: 'from-kernel', protocol: 9, linkType: 113, data: reply });
    const v2 = pcapFile({ littleEndian: true, linkType: 276, records: [{ seconds: 1, fraction: 0, data: concat(sll2(7, 16), request) }] });
    expect(readCapture(v2)[0]).toMatchObject({ direction: 'to-kernel', protocol: 16, linkType: 276, data: request });
  });

  it('rejects or skips cooked-capture packets of other ARPHRD types', () => {
    const bytes = pcapFile({
      littleEndian: true,
      linkType: 113,
      records: [
        { seconds: 1, fraction: 0, data: concat(cooked(0, 0x0800, 1), new Uint8Array(20)) },
        { seconds: 2, fraction: 0, data: fromKernel },
      ],
    });
    const err = expectError(() => readCapture(bytes), 'unsupported-link-type', 40);
    expect(err.linkType).toBe(113);
    expect(err.message).toMatch(/ARPHRD type 1\b/);
    expect(readCapture(bytes, { nonNetlink: 'skip' }).map((p) => p.timestamp.seconds)).toEqual([2]);
  });

  it('rejects a file of another link type, naming it', () => {
    const bytes = pcapFile({ littleEndian: true, linkType: 1, records: [{ seconds: 1, fraction: 0, data: new Uint8Array(60) }] });
    const err = expectError(() => readCapture(bytes), 'unsupported-link-type', 20);
    expect(err.linkType).toBe(1);
    expect(err.message).toContain('link type 1');
    expect(readCapture(bytes, { nonNetlink: 'skip' })).toEqual([]);
  });

  it('rejects a LINKTYPE_NETLINK packet whose ARPHRD type is not 824', () => {
    const bytes = pcapFile({ littleEndian: true, records: [{ seconds: 1, fraction: 0, data: concat(cooked(7, 0, 1), request) }] });
    expectError(() => readCapture(bytes), 'bad-pseudo-header', 24 + 16 + 2);
  });

  it('rejects a packet shorter than its pseudo header', () => {
    const bytes = pcapFile({ littleEndian: true, records: [{ seconds: 1, fraction: 0, data: new Uint8Array(10) }] });
    expectError(() => readCapture(bytes), 'bad-pseudo-header', 40);
  });

  it('rejects bad magic, bad version, short headers', () => {
    expectError(() => readCapture(new Uint8Array(0)), 'truncated', 0);
    expectError(() => readCapture(Uint8Array.of(0xd4, 0xc3)), 'truncated', 0);
    expectError(() => readCapture(utf8('GIF89a and more bytes here')), 'bad-magic', 0);
    expectError(() => readCapture(pcapFile({ littleEndian: true, records: [] }).subarray(0, 20)), 'truncated', 0);
    expectError(() => readCapture(pcapFile({ littleEndian: true, major: 3, records: [] })), 'unsupported-version', 4);
  });

  it('rejects incl_len above the snaplen', () => {
    const bytes = pcapFile({ littleEndian: true, snaplen: 40, records: [{ seconds: 1, fraction: 0, data: toKernel }] });
    const err = expectError(() => readCapture(bytes), 'bad-length', 32);
    expect(err.message).toMatch(/incl_len 48 exceeds the snapshot length 40/);
  });

  it('reports a truncated record header and truncated record data with their offsets', () => {
    const full = pcapFile({
      littleEndian: true,
      records: [
        { seconds: 1, fraction: 0, data: toKernel },
        { seconds: 2, fraction: 0, data: fromKernel },
      ],
    });
    const second = 24 + 16 + toKernel.length;
    expectError(() => readCapture(full.subarray(0, second + 5)), 'truncated', second);
    expectError(() => readCapture(full.subarray(0, second + 16 + 3)), 'truncated', second + 16);
  });

  it('yields the packets before a problem, then throws', () => {
    const full = pcapFile({
      littleEndian: true,
      records: [
        { seconds: 1, fraction: 0, data: toKernel },
        { seconds: 2, fraction: 0, data: fromKernel },
      ],
    });
    const it = iterateCapture(full.subarray(0, full.length - 1));
    expect(it.next().value).toMatchObject({ direction: 'to-kernel' });
    expect(() => it.next()).toThrow(CaptureFormatError);
  });

  it('checks the file header before iteration starts', () => {
    expect(() => iterateCapture(utf8('not a capture at all'))).toThrow(CaptureFormatError);
  });
});

describe('lenient reading of a truncated tail', () => {
  const full = pcapFile({
    littleEndian: true,
    records: [
      { seconds: 1, fraction: 0, data: toKernel },
      { seconds: 2, fraction: 0, data: fromKernel },
    ],
  });

  it('returns the packets before the cut and says where it was', () => {
    const parsed = parseCapture(full.subarray(0, full.length - 3), { allowTruncation: true });
    expect(parsed.format).toBe('pcap');
    expect(parsed.truncated).toBe(true);
    expect(parsed.packets).toHaveLength(1);
    expect(parsed.truncation).toBeInstanceOf(CaptureFormatError);
    expect(parsed.truncation?.offset).toBe(24 + 16 + toKernel.length + 16);
  });

  it('says not truncated for a whole file', () => {
    expect(parseCapture(full, { allowTruncation: true })).toEqual({ format: 'pcap', packets: readCapture(full), truncated: false });
  });

  it('still throws without allowTruncation, for a cut file header, and for corruption', () => {
    expectError(() => parseCapture(full.subarray(0, full.length - 3)), 'truncated');
    expectError(() => parseCapture(full.subarray(0, 10), { allowTruncation: true }), 'truncated', 0);
    const corrupt = full.slice();
    new DataView(corrupt.buffer).setUint32(24 + 8, 0x7fffffff, true);
    expectError(() => parseCapture(corrupt, { allowTruncation: true }), 'bad-length');
  });

  it('tolerates a pcapng file cut inside a block', () => {
    const ng = concat(shb(true), idb(true, 253), epb(true, 0, 1n, toKernel), epb(true, 0, 2n, fromKernel));
    const parsed = parseCapture(ng.subarray(0, ng.length - 6), { allowTruncation: true });
    expect(parsed).toMatchObject({ format: 'pcapng', truncated: true });
    expect(parsed.packets).toHaveLength(1);
  });
});

describe('pcapng reading', () => {
  for (const littleEndian of [true, false]) {
    it(`reads a ${littleEndian ? 'little' : 'big'}-endian section with options`, () => {
      const bytes = concat(
        shb(littleEndian, [[1, utf8('section comment')]]),
        idb(littleEndian, 253, [
          [2, utf8('nlmon0')],
          [9, u8opt(9)],
        ]),
        epb(littleEndian, 0, 1_700_000_000_123_456_789n, toKernel, [
          [1, utf8('first')],
          [1, utf8('second')],
        ]),
        epb(littleEndian, 0, 1_700_000_001_000_000_000n, fromKernel),
      );
      expect(detectCaptureFormat(bytes)).toBe('pcapng');
      const packets = readCapture(bytes);
      expect(packets).toEqual([
        {
          timestamp: { seconds: 1_700_000_000, nanoseconds: 123_456_789 },
          direction: 'to-kernel',
          packetType: 7,
          protocol: 0,
          data: request,
          originalLength: request.length,
          linkType: 253,
          interfaceName: 'nlmon0',
          comment: 'first\nsecond',
        },
        {
          timestamp: { seconds: 1_700_000_001, nanoseconds: 0 },
          direction: 'from-kernel',
          packetType: 6,
          protocol: 0,
          data: reply,
          originalLength: reply.length,
          linkType: 253,
          interfaceName: 'nlmon0',
        },
      ]);
    });
  }

  it('defaults to microsecond timestamps and applies if_tsresol powers of two and if_tsoffset', () => {
    const bytes = concat(
      shb(true),
      idb(true, 253),
      idb(true, 253, [[9, u8opt(0x80 | 10)]]), // 1/1024 s
      idb(true, 253, [[14, i64opt(true, 1_000n)], [9, u8opt(0)]]), // whole seconds, +1000 s
      epb(true, 0, 5_500_000n, toKernel),
      epb(true, 1, 3n * 1024n + 512n, toKernel),
      epb(true, 2, 7n, toKernel),
    );
    expect(readCapture(bytes).map((p) => p.timestamp)).toEqual([
      { seconds: 5, nanoseconds: 500_000_000 },
      { seconds: 3, nanoseconds: 500_000_000 },
      { seconds: 1_007, nanoseconds: 0 },
    ]);
  });

  it('reads several sections of different byte orders, each with its own interfaces', () => {
    const bytes = concat(
      shb(true),
      idb(true, 253, [[2, utf8('nlmon0')]]),
      epb(true, 0, 1n, toKernel),
      shb(false),
      idb(false, 1, [[2, utf8('eth0')]]),
      idb(false, 253, [[2, utf8('nlmon1')]]),
      epb(false, 1, 2n, fromKernel),
    );
    expect(readCapture(bytes).map((p) => [p.interfaceName, p.direction])).toEqual([
      ['nlmon0', 'to-kernel'],
      ['nlmon1', 'from-kernel'],
    ]);
  });

  it('reads Simple Packet Blocks (interface 0, no timestamp, cut to the snaplen)', () => {
    const bytes = concat(shb(true), idb(true, 253, [], 20), spb(true, toKernel.subarray(0, 20), toKernel.length));
    expect(readCapture(bytes)).toEqual([
      {
        timestamp: { seconds: 0, nanoseconds: 0 },
        direction: 'to-kernel',
        packetType: 7,
        protocol: 0,
        data: request.subarray(0, 4),
        originalLength: request.length,
        linkType: 253,
      },
    ]);
  });

  it('reads obsolete Packet Blocks', () => {
    const bytes = concat(shb(true), idb(true, 253), opb(true, 0, 2_000_001n, fromKernel, [[1, utf8('old')]]));
    expect(readCapture(bytes)[0]).toMatchObject({ timestamp: { seconds: 2, nanoseconds: 1000 }, data: reply, comment: 'old' });
  });

  it('skips unknown blocks (Name Resolution, Interface Statistics, custom, ...)', () => {
    const bytes = concat(
      shb(true),
      block(true, 4, new Uint8Array(8)),
      idb(true, 253),
      block(true, 5, new Uint8Array(12)),
      block(true, 0x00000bad, utf8('custom')),
      epb(true, 0, 1n, toKernel),
    );
    expect(readCapture(bytes)).toHaveLength(1);
  });

  it('tolerates a packet comment without opt_endofopt and strips a trailing NUL', () => {
    const body = new ByteBuilder(true).u32(0).u32(0).u32(1).u32(toKernel.length).u32(toKernel.length).raw(toKernel).align4();
    body.u16(1).u16(4).raw(utf8('abc\0'));
    const bytes = concat(shb(true), idb(true, 253), block(true, 6, body.done()));
    expect(readCapture(bytes)[0].comment).toBe('abc');
  });

  it('rejects packets of interfaces of other link types unless told to skip them', () => {
    const bytes = concat(shb(true), idb(true, 1), idb(true, 253), epb(true, 0, 1n, new Uint8Array(60)), epb(true, 1, 2n, toKernel));
    const err = expectError(() => readCapture(bytes), 'unsupported-link-type');
    expect(err.linkType).toBe(1);
    expect(readCapture(bytes, { nonNetlink: 'skip' })).toHaveLength(1);
  });

  it('accepts a non-netlink interface that has no packets', () => {
    const bytes = concat(shb(true), idb(true, 1), idb(true, 253), epb(true, 1, 2n, toKernel));
    expect(readCapture(bytes)).toHaveLength(1);
  });

  describe('errors', () => {
    const head = concat(shb(true), idb(true, 253));

    it('bad byte-order magic', () => {
      const bytes = shb(true);
      bytes.set([1, 2, 3, 4], 8);
      expectError(() => readCapture(bytes), 'bad-magic', 8);
    });

    it('unsupported major version', () => {
      expectError(() => readCapture(shb(true, [], 2)), 'unsupported-version', 12);
    });

    it('block total length mismatch', () => {
      const bytes = concat(head, epb(true, 0, 1n, toKernel));
      const last = bytes.length - 4;
      new DataView(bytes.buffer).setUint32(last, 999, true);
      const err = expectError(() => readCapture(bytes), 'bad-length', last);
      expect(err.message).toMatch(/mismatch/);
    });

    it('block total length too small or unaligned', () => {
      const small = concat(head, new ByteBuilder(true).u32(6).u32(8).u32(8).done());
      expectError(() => readCapture(small), 'bad-length', head.length + 4);
      const odd = concat(head, new ByteBuilder(true).u32(6).u32(13).raw(new Uint8Array(9)).done());
      expectError(() => readCapture(odd), 'bad-length', head.length + 4);
    });

    it('block running past the end', () => {
      const bytes = concat(head, epb(true, 0, 1n, toKernel));
      expectError(() => readCapture(bytes.subarray(0, bytes.length - 4)), 'truncated', head.length);
      expectError(() => readCapture(bytes.subarray(0, head.length + 5)), 'truncated', head.length);
    });

    it('block body too short for its type', () => {
      expectError(() => readCapture(concat(head, block(true, 6, new Uint8Array(8)))), 'bad-length', head.length + 4);
      expectError(() => readCapture(concat(shb(true), block(true, 1, new Uint8Array(4)))), 'bad-length');
      expectError(() => readCapture(block(true, 0x0a0d0d0a, new ByteBuilder(true).u32(0x1a2b3c4d).done())), 'bad-length', 4);
    });

    it('captured length larger than the block', () => {
      const bytes = concat(head, epb(true, 0, 1n, toKernel));
      new DataView(bytes.buffer).setUint32(head.length + 8 + 12, 1000, true);
      expectError(() => readCapture(bytes), 'bad-length', head.length + 8 + 12);
    });

    it('packet on an undescribed interface', () => {
      expectError(() => readCapture(concat(head, epb(true, 3, 1n, toKernel))), 'bad-interface', head.length + 8);
      expectError(() => readCapture(concat(shb(true), spb(true, toKernel))), 'bad-interface');
    });

    it('interfaces do not carry over into the next section', () => {
      expectError(() => readCapture(concat(head, shb(true), epb(true, 0, 1n, toKernel))), 'bad-interface');
    });

    it('option running past its block, option of the wrong size', () => {
      const body = new ByteBuilder(true).u16(253).u16(0).u32(0).u16(2).u16(40).raw(utf8('nl')).align4().done();
      expectError(() => readCapture(concat(shb(true), block(true, 1, body))), 'bad-option');
      expectError(() => readCapture(concat(shb(true), idb(true, 253, [[9, Uint8Array.of(6, 6)]]))), 'bad-option');
      expectError(() => readCapture(concat(shb(true), idb(true, 253, [[14, Uint8Array.of(1)]]))), 'bad-option');
    });

    it('a first block that is not a Section Header Block is not pcapng', () => {
      expectError(() => readCapture(idb(true, 253)), 'bad-magic', 0);
    });
  });
});
