import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CaptureFormatError, PcapWriter, parseCapture, readCapture, type CaptureFormat, type PacketToWrite } from './index.js';
import { concat, cooked, epb, getlinkDump, i64opt, idb, opb, pcapFile, shb, sll2, spb, u8opt, utf8, done } from '../test/handmade.js';

const packetArb: fc.Arbitrary<PacketToWrite> = fc.record(
  {
    direction: fc.constantFrom('to-kernel' as const, 'from-kernel' as const),
    protocol: fc.integer({ min: 0, max: 0xffff }),
    data: fc.uint8Array({ maxLength: 300 }),
    timestamp: fc.record({ seconds: fc.integer({ min: 0, max: 0xffffffff }), nanoseconds: fc.integer({ min: 0, max: 999_999_999 }) }),
    comment: fc.string({ unit: 'grapheme', maxLength: 20 }),
  },
  { requiredKeys: ['direction', 'protocol', 'data', 'timestamp'] },
);

interface WriterCase {
  format: CaptureFormat;
  nanosecond: boolean;
  snaplen: number;
  packets: PacketToWrite[];
}

const writerArb: fc.Arbitrary<WriterCase> = fc.record({
  format: fc.constantFrom<CaptureFormat>('pcap', 'pcapng'),
  nanosecond: fc.boolean(),
  snaplen: fc.oneof(fc.constant(262144), fc.integer({ min: 16, max: 400 })),
  packets: fc.array(packetArb, { maxLength: 8 }),
});

function write({ format, nanosecond, snaplen, packets }: WriterCase): Uint8Array {
  const writer = new PcapWriter({ format, nanosecond, snaplen });
  for (const p of packets) writer.add(p);
  return writer.toBytes();
}

/** Reads fully; anything thrown must be a CaptureFormatError. */
function readsOrFailsCleanly(bytes: Uint8Array): void {
  for (const run of [
    () => readCapture(bytes),
    () => readCapture(bytes, { nonNetlink: 'skip' }),
    () => parseCapture(bytes, { allowTruncation: true }),
  ]) {
    try {
      const result = run();
      // Touch every packet so lazily computed values would fail here.
      const packets = Array.isArray(result) ? result : result.packets;
      for (const p of packets) expect(p.data.length).toBeLessThanOrEqual(p.originalLength);
    } catch (e) {
      if (!(e instanceof CaptureFormatError)) throw e;
      expect(e.offset).toBeGreaterThanOrEqual(0);
      expect(e.offset).toBeLessThanOrEqual(bytes.length);
    }
  }
}

/** Valid captures of every shape the readers handle, to mutate. */
const request = getlinkDump(3);
const reply = done(3, 99);
const seeds: Uint8Array[] = [
  pcapFile({ littleEndian: true, records: [{ seconds: 1, fraction: 2, data: concat(cooked(7, 0), request) }] }),
  pcapFile({
    littleEndian: false,
    nanosecond: true,
    snaplen: 64,
    records: [
      { seconds: 1, fraction: 2, data: concat(cooked(7, 0), request) },
      { seconds: 3, fraction: 4, data: concat(cooked(6, 0), reply) },
    ],
  }),
  pcapFile({ littleEndian: true, linkType: 276, records: [{ seconds: 1, fraction: 2, data: concat(sll2(6, 16), reply) }] }),
  concat(
    shb(true, [[1, utf8('hi')]]),
    idb(true, 253, [
      [2, utf8('nlmon0')],
      [9, u8opt(0x85)],
      [14, i64opt(true, -5n)],
    ]),
    epb(true, 0, 123n, concat(cooked(7, 0), request), [[1, utf8('c')]]),
    spb(true, concat(cooked(6, 0), reply)),
    shb(false),
    idb(false, 113),
    idb(false, 253, [], 40),
    opb(false, 1, 5n, concat(cooked(6, 0), reply)),
    epb(false, 0, 7n, concat(cooked(7, 0), request)),
  ),
  write({
    format: 'pcapng',
    nanosecond: true,
    snaplen: 262144,
    packets: [{ direction: 'to-kernel', protocol: 0, data: request, timestamp: { seconds: 5, nanoseconds: 6 }, comment: 'x' }],
  }),
];

type Mutation =
  | { kind: 'set'; at: number; value: number }
  | { kind: 'cut'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; count: number }
  | { kind: 'u32'; at: number; value: number };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('u32' as const), at: fc.nat(), value: fc.constantFrom(0, 1, 11, 12, 0x7fffffff, 0xffffffff, 0xfffffff0) }),
);

function mutate(bytes: Uint8Array, mutations: Mutation[]): Uint8Array {
  let out: Uint8Array = bytes.slice();
  for (const m of mutations) {
    if (out.length === 0) break;
    const at = m.at % out.length;
    switch (m.kind) {
      case 'set':
        out[at] = m.value;
        break;
      case 'cut':
        out = out.slice(0, at);
        break;
      case 'insert':
        out = concat(out.subarray(0, at), m.bytes, out.subarray(at));
        break;
      case 'delete':
        out = concat(out.subarray(0, at), out.subarray(at + m.count));
        break;
      case 'u32':
        if (at + 4 <= out.length) new DataView(out.buffer).setUint32(at, m.value, at % 2 === 0);
        break;
    }
  }
  return out;
}

describe('properties', () => {
  it('random packets round-trip through both formats and resolutions', () => {
    fc.assert(
      fc.property(writerArb, (w) => {
        const packets = readCapture(write(w));
        expect(packets).toHaveLength(w.packets.length);
        packets.forEach((got, i) => {
          const sent = w.packets[i];
          expect(got.direction).toBe(sent.direction);
          expect(got.protocol).toBe(sent.protocol);
          expect(got.data).toEqual(sent.data.subarray(0, w.snaplen - 16));
          expect(got.originalLength).toBe(sent.data.length);
          expect(got.timestamp).toEqual({
            seconds: sent.timestamp!.seconds,
            nanoseconds: w.nanosecond ? sent.timestamp!.nanoseconds : Math.floor(sent.timestamp!.nanoseconds / 1000) * 1000,
          });
          expect(got.comment).toBe(w.format === 'pcapng' ? sent.comment : undefined);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('every cut of a valid capture reads leniently as a prefix of its packets', () => {
    fc.assert(
      fc.property(writerArb, fc.nat(), (w, cutSeed) => {
        const bytes = write(w);
        const full = readCapture(bytes);
        const headerLength = w.format === 'pcap' ? 24 : 0;
        const cut = headerLength + (cutSeed % (bytes.length - headerLength + 1));
        let parsed;
        try {
          parsed = parseCapture(bytes.subarray(0, cut), { allowTruncation: true });
        } catch (e) {
          // Only a cut inside the pcapng Section Header Block itself is fatal.
          expect(e).toBeInstanceOf(CaptureFormatError);
          expect(w.format).toBe('pcapng');
          expect((e as CaptureFormatError).offset).toBe(0);
          return;
        }
        expect(full.slice(0, parsed.packets.length)).toEqual(parsed.packets);
        if (cut === bytes.length) expect(parsed).toMatchObject({ truncated: false, packets: full });
      }),
      { numRuns: 300 },
    );
  });

  it('arbitrary bytes only ever throw CaptureFormatError', () => {
    const magics = [
      Uint8Array.of(),
      Uint8Array.of(0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0),
      Uint8Array.of(0xa1, 0xb2, 0x3c, 0x4d, 0, 2, 0, 4),
      Uint8Array.of(0x0a, 0x0d, 0x0d, 0x0a),
      Uint8Array.of(0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0),
    ];
    fc.assert(
      fc.property(fc.constantFrom(...magics), fc.uint8Array({ maxLength: 400 }), (prefix, rest) => {
        readsOrFailsCleanly(concat(prefix, rest));
      }),
      { numRuns: 2000 },
    );
  });

  it('mutated valid captures only ever throw CaptureFormatError, and never hang', () => {
    const seedArb = fc.oneof(fc.constantFrom(...seeds), writerArb.map(write));
    fc.assert(
      fc.property(seedArb, fc.array(mutationArb, { minLength: 1, maxLength: 4 }), (seed, mutations) => {
        readsOrFailsCleanly(mutate(seed, mutations));
      }),
      { numRuns: 3000 },
    );
  });
});
