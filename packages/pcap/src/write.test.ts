import { describe, expect, it } from 'vitest';
import { PcapStreamWriter, PcapWriter, parseCapture, readCapture, type CaptureFormat, type PacketToWrite } from './index.js';
import { concat, cooked, done, error, getlinkDump } from '../test/handmade.js';

const request = getlinkDump(1);
const reply = done(1, 4242);
const nack = error(2, 4242, -1, request);

const packets: PacketToWrite[] = [
  { direction: 'to-kernel', protocol: 0, data: request, timestamp: { seconds: 1_700_000_000, nanoseconds: 123_456_789 } },
  { direction: 'from-kernel', protocol: 0, data: reply, timestamp: { seconds: 1_700_000_000, nanoseconds: 223_456_789 } },
  { direction: 'from-kernel', protocol: 16, data: nack, timestamp: { seconds: 1_700_000_001, nanoseconds: 5 } },
];

const u32le = (b: Uint8Array, at: number): number => new DataView(b.buffer, b.byteOffset).getUint32(at, true);
const u16le = (b: Uint8Array, at: number): number => new DataView(b.buffer, b.byteOffset).getUint16(at, true);

describe('round trip', () => {
  for (const format of ['pcap', 'pcapng'] as CaptureFormat[]) {
    for (const nanosecond of [false, true]) {
      it(`${format}, ${nanosecond ? 'nanosecond' : 'microsecond'} timestamps`, () => {
        const writer = new PcapWriter({ format, nanosecond });
        for (const p of packets) writer.add(p);
        const bytes = writer.toBytes();
        const parsed = parseCapture(bytes);
        expect(parsed.format).toBe(format);
        expect(parsed.packets).toEqual(
          packets.map((p) => ({
            timestamp: {
              seconds: p.timestamp!.seconds,
              nanoseconds: nanosecond ? p.timestamp!.nanoseconds : Math.floor(p.timestamp!.nanoseconds / 1000) * 1000,
            },
            direction: p.direction,
            packetType: p.direction === 'to-kernel' ? 7 : 6,
            protocol: p.protocol,
            data: p.data,
            originalLength: p.data.length,
            linkType: 253,
            ...(format === 'pcapng' ? { interfaceName: 'nlmon0' } : {}),
          })),
        );
      });
    }
  }

  it('keeps packet comments in pcapng and drops them in pcap', () => {
    for (const format of ['pcap', 'pcapng'] as CaptureFormat[]) {
      const writer = new PcapWriter({ format, interfaceName: 'nlmon7' });
      writer.add({ ...packets[0], comment: 'dump request ✓' });
      const [p] = readCapture(writer.toBytes());
      expect(p.comment).toBe(format === 'pcapng' ? 'dump request ✓' : undefined);
      expect(p.interfaceName).toBe(format === 'pcapng' ? 'nlmon7' : undefined);
    }
  });

  it('cuts packets at the snaplen and records their original length', () => {
    for (const format of ['pcap', 'pcapng'] as CaptureFormat[]) {
      const writer = new PcapWriter({ format, snaplen: 20 });
      writer.add(packets[0]);
      const [p] = readCapture(writer.toBytes());
      expect(p.data).toEqual(request.subarray(0, 4));
      expect(p.originalLength).toBe(request.length);
    }
  });

  it('writes an empty datagram', () => {
    const writer = new PcapWriter({ format: 'pcapng' });
    writer.add({ direction: 'to-kernel', protocol: 0, data: new Uint8Array(0), timestamp: { seconds: 0, nanoseconds: 0 } });
    expect(readCapture(writer.toBytes())[0].data).toEqual(new Uint8Array(0));
  });
});

describe('layout', () => {
  it('pcap: little-endian global header, microsecond magic, snaplen 262144, link type 253', () => {
    const bytes = new PcapWriter().toBytes();
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0xd4, 0xc3, 0xb2, 0xa1]);
    expect(bytes.length).toBe(24);
    expect([u16le(bytes, 4), u16le(bytes, 6), u32le(bytes, 8), u32le(bytes, 12), u32le(bytes, 16), u32le(bytes, 20)]).toEqual([
      2, 4, 0, 0, 262144, 253,
    ]);
    expect(Array.from(new PcapWriter({ nanosecond: true, snaplen: 65535 }).toBytes().subarray(0, 4))).toEqual([0x4d, 0x3c, 0xb2, 0xa1]);
  });

  it('pcap: record header then the big-endian cooked header then the datagram', () => {
    const writer = new PcapWriter();
    writer.add(packets[0]);
    const rec = writer.toBytes().subarray(24);
    expect([u32le(rec, 0), u32le(rec, 4), u32le(rec, 8), u32le(rec, 12)]).toEqual([1_700_000_000, 123_456, 48, 48]);
    expect(rec.subarray(16, 32)).toEqual(cooked(7, 0));
    expect(Array.from(rec.subarray(16, 32))).toEqual([0, 7, 0x03, 0x38, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(rec.subarray(32)).toEqual(request);
  });

  it('pcapng: SHB, IDB with if_name and if_tsresol, EPB on interface 0', () => {
    const writer = new PcapWriter({ format: 'pcapng', nanosecond: true });
    writer.add({ ...packets[1], protocol: 16 });
    const bytes = writer.toBytes();
    expect(u32le(bytes, 0)).toBe(0x0a0d0d0a);
    expect(u32le(bytes, 8)).toBe(0x1a2b3c4d);
    expect([u16le(bytes, 12), u16le(bytes, 14)]).toEqual([1, 0]);
    const shbLength = u32le(bytes, 4);
    expect(u32le(bytes, shbLength - 4)).toBe(shbLength);
    const idb = bytes.subarray(shbLength);
    expect(u32le(idb, 0)).toBe(1);
    expect(u16le(idb, 8)).toBe(253);
    expect(u32le(idb, 12)).toBe(262144);
    // if_name "nlmon0" then if_tsresol 9 then opt_endofopt.
    expect([u16le(idb, 16), u16le(idb, 18)]).toEqual([2, 6]);
    expect(new TextDecoder().decode(idb.subarray(20, 26))).toBe('nlmon0');
    expect([u16le(idb, 28), u16le(idb, 30), idb[32]]).toEqual([9, 1, 9]);
    expect([u16le(idb, 36), u16le(idb, 38)]).toEqual([0, 0]);
    const epb = idb.subarray(u32le(idb, 4));
    expect(u32le(epb, 0)).toBe(6);
    expect(u32le(epb, 4)).toBe(epb.length);
    const ticks = (BigInt(u32le(epb, 12)) << 32n) | BigInt(u32le(epb, 16));
    expect(ticks).toBe(1_700_000_000_223_456_789n);
    expect([u32le(epb, 8), u32le(epb, 20), u32le(epb, 24)]).toEqual([0, 36, 36]);
    expect(epb.subarray(28, 44)).toEqual(cooked(6, 16));
    expect(epb.length % 4).toBe(0);
  });
});

describe('PcapStreamWriter', () => {
  it('emits the header at once and one chunk per packet; every chunk boundary is a valid capture', () => {
    for (const format of ['pcap', 'pcapng'] as CaptureFormat[]) {
      const chunks: Uint8Array[] = [];
      const writer = new PcapStreamWriter((c) => chunks.push(c), { format });
      expect(chunks).toHaveLength(1);
      expect(readCapture(chunks[0])).toEqual([]);
      for (const p of packets) writer.add(p);
      expect(chunks).toHaveLength(1 + packets.length);
      for (let n = 1; n <= chunks.length; n++) {
        expect(readCapture(concat(...chunks.slice(0, n)))).toHaveLength(n - 1);
      }
    }
  });

  it('stamps packets without a timestamp with its clock', () => {
    const chunks: Uint8Array[] = [];
    const writer = new PcapStreamWriter((c) => chunks.push(c), { now: () => ({ seconds: 42, nanoseconds: 999_999_999 }) });
    writer.add({ direction: 'to-kernel', protocol: 0, data: request });
    expect(readCapture(concat(...chunks))[0].timestamp).toEqual({ seconds: 42, nanoseconds: 999_999_000 });
  });

  it('defaults to the system clock', () => {
    const writer = new PcapWriter();
    const before = Math.floor(Date.now() / 1000);
    writer.add({ direction: 'to-kernel', protocol: 0, data: request });
    const after = Math.floor(Date.now() / 1000);
    const { seconds } = readCapture(writer.toBytes())[0].timestamp;
    expect(seconds).toBeGreaterThanOrEqual(before);
    expect(seconds).toBeLessThanOrEqual(after);
  });
});

describe('PcapWriter', () => {
  it('toBytes may be called again after more packets', () => {
    const writer = new PcapWriter({ format: 'pcapng' });
    writer.add(packets[0]);
    expect(readCapture(writer.toBytes())).toHaveLength(1);
    writer.add(packets[1]);
    expect(readCapture(writer.toBytes())).toHaveLength(2);
    expect(writer.format).toBe('pcapng');
  });

  it('rejects what the formats cannot hold, writing nothing', () => {
    const writer = new PcapWriter();
    const ts = { seconds: 1, nanoseconds: 0 };
    const bad: PacketToWrite[] = [
      { direction: 'sideways' as 'to-kernel', protocol: 0, data: request, timestamp: ts },
      { direction: 'to-kernel', protocol: 65536, data: request, timestamp: ts },
      { direction: 'to-kernel', protocol: -1, data: request, timestamp: ts },
      { direction: 'to-kernel', protocol: 1.5, data: request, timestamp: ts },
      { direction: 'to-kernel', protocol: 0, data: [1, 2] as unknown as Uint8Array, timestamp: ts },
      { direction: 'to-kernel', protocol: 0, data: request, timestamp: { seconds: 2 ** 32, nanoseconds: 0 } },
      { direction: 'to-kernel', protocol: 0, data: request, timestamp: { seconds: -1, nanoseconds: 0 } },
      { direction: 'to-kernel', protocol: 0, data: request, timestamp: { seconds: 1, nanoseconds: 1e9 } },
      { direction: 'to-kernel', protocol: 0, data: request, timestamp: { seconds: Number.NaN, nanoseconds: 0 } },
    ];
    for (const p of bad) expect(() => writer.add(p)).toThrow(RangeError);
    expect(writer.toBytes().length).toBe(24);
    const ng = new PcapWriter({ format: 'pcapng' });
    const empty = ng.toBytes().length;
    expect(() => ng.add({ ...packets[0], comment: 'x'.repeat(70_000) })).toThrow(RangeError);
    expect(ng.toBytes().length).toBe(empty);
  });

  it('allows pcapng timestamps beyond 2^32 seconds', () => {
    const writer = new PcapWriter({ format: 'pcapng', nanosecond: true });
    writer.add({ ...packets[0], timestamp: { seconds: 2 ** 33, nanoseconds: 1 } });
    expect(readCapture(writer.toBytes())[0].timestamp).toEqual({ seconds: 2 ** 33, nanoseconds: 1 });
    expect(() => writer.add({ ...packets[0], timestamp: { seconds: 2 ** 35, nanoseconds: 0 } })).toThrow(RangeError);
  });

  it('rejects bad options', () => {
    expect(() => new PcapWriter({ snaplen: 15 })).toThrow(RangeError);
    expect(() => new PcapWriter({ snaplen: 2 ** 32 })).toThrow(RangeError);
    expect(() => new PcapWriter({ format: 'erf' as CaptureFormat })).toThrow(RangeError);
    expect(() => new PcapWriter({ format: 'pcapng', interfaceName: 'n'.repeat(70_000) })).toThrow(RangeError);
  });
});
