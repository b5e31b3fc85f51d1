/**
 * Wireshark's own reading of our files: tshark must decode them as netlink,
 * with no option, purely from link type 253.
 *
 * Runs when `tshark` is on PATH. When it is missing the suite is skipped,
 * unless CI=true, where it must run (and fails with the install command).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PcapWriter, readCapture, type CaptureFormat, type PacketToWrite } from './index.js';
import { ByteBuilder, concat, cooked, done, epb, error, getlinkDump, idb, nlmsg, pcapFile, shb } from '../test/handmade.js';

const probe = spawnSync('tshark', ['--version'], { encoding: 'utf8' });
const available = probe.status === 0;
const required = process.env.CI === 'true';
const version = available ? probe.stdout.split('\n')[0] : undefined;

function tshark(...args: string[]): string {
  const run = spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.error) throw new Error(`tshark could not run (${run.error.message}); install it with: DEBIAN_FRONTEND=noninteractive apt-get install -y tshark`);
  if (run.status !== 0) throw new Error(`tshark ${args.join(' ')} exited with ${run.status}: ${run.stderr}`);
  return run.stdout;
}

// The traffic of `ip link show` against a missing device and of a genl family lookup, built by hand.
const dumpRequest = getlinkDump(1); // RTM_GETLINK, NLM_F_REQUEST|NLM_F_DUMP, seq 1, pid 0
const dumpDone = done(1, 4242); // NLMSG_DONE, NLM_F_MULTI, seq 1
const getRequest = nlmsg(18, 0x5, 2, 0, new Uint8Array(16)); // RTM_GETLINK, NLM_F_REQUEST|NLM_F_ACK, seq 2
const enodev = error(2, 4242, -19, getRequest); // NLMSG_ERROR -ENODEV, seq 2
const familyName = new TextEncoder().encode('nlctrl\0');
const genlRequest = nlmsg(
  16, // GENL_ID_CTRL
  0x5,
  3,
  0,
  new ByteBuilder(true).u8(3).u8(1).u16(0).u16(4 + familyName.length).u16(2).raw(familyName).align4().done(), // CTRL_CMD_GETFAMILY, CTRL_ATTR_FAMILY_NAME
);

const packets: PacketToWrite[] = [
  { direction: 'to-kernel', protocol: 0, data: dumpRequest, timestamp: { seconds: 1_700_000_000, nanoseconds: 100_200_300 } },
  { direction: 'from-kernel', protocol: 0, data: dumpDone, timestamp: { seconds: 1_700_000_000, nanoseconds: 100_300_400 }, comment: 'end of dump' },
  { direction: 'to-kernel', protocol: 0, data: getRequest, timestamp: { seconds: 1_700_000_001, nanoseconds: 5 } },
  { direction: 'from-kernel', protocol: 0, data: enodev, timestamp: { seconds: 1_700_000_001, nanoseconds: 999_999_999 } },
  { direction: 'to-kernel', protocol: 16, data: genlRequest, timestamp: { seconds: 1_700_000_002, nanoseconds: 0 } },
];

const suite = available || required ? describe : describe.skip;
if (!available && !required) {
  console.warn('@nlkit/pcap: skipping the tshark tests: tshark is not on PATH (install: DEBIAN_FRONTEND=noninteractive apt-get install -y tshark). With CI=true they are mandatory.');
}
const title = available
  ? `tshark (${version})`
  : required
    ? 'tshark (REQUIRED because CI=true, but not found on PATH)'
    : 'tshark — SKIPPED: tshark is not on PATH (install: DEBIAN_FRONTEND=noninteractive apt-get install -y tshark; CI=true makes this suite mandatory)';

suite(title, () => {
  const dir = mkdtempSync(join(tmpdir(), 'nlkit-pcap-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cases: [CaptureFormat, boolean][] = [
    ['pcap', false],
    ['pcap', true],
    ['pcapng', false],
    ['pcapng', true],
  ];

  for (const [format, nanosecond] of cases) {
    describe(`${format}, ${nanosecond ? 'nanosecond' : 'microsecond'} timestamps`, () => {
      const writer = new PcapWriter({ format, nanosecond });
      for (const p of packets) writer.add(p);
      const bytes = writer.toBytes();
      const file = join(dir, `netlink-${nanosecond ? 'ns' : 'us'}.${format}`);
      writeFileSync(file, bytes);

      it('is decoded as netlink with no Malformed or error/warning expert info', () => {
        const text = tshark('-r', file, '-V');
        expect(text.match(/^Linux netlink \(cooked header\)$/gm)).toHaveLength(packets.length);
        expect(text).toContain('Encapsulation type: Linux Netlink');
        expect(text).toContain('Link-layer address type: Netlink (824)');
        expect(text.match(/Linux rtnetlink \(route netlink\) protocol/g)).toHaveLength(2);
        expect(text).toContain('Message type: Get network interface info (18)');
        expect(text).toContain('Message type: End of a dump (0x0003)');
        expect(text).toContain('Message type: Error (0x0002)');
        expect(text).toContain('Error code: No such device (-ENODEV) (-19)');
        expect(text).toContain('Family: Generic (0x0010)');
        expect(text).toContain('Command: CTRL_CMD_GETFAMILY (3)');
        expect(text).toContain('Family Name: nlctrl');
        expect(text).not.toMatch(/malformed/i);
        expect(text).not.toMatch(/Expert Info \((Error|Warning)/);
        expect(text).not.toMatch(/Exception occurred/i);
      });

      it('reports the message types, sequence numbers, port ids, families and times we wrote', () => {
        const out = tshark(
          '-r', file,
          '-T', 'fields', '-E', 'separator=|',
          '-e', 'frame.time_epoch',
          '-e', 'netlink.family',
          '-e', 'netlink.hdr_type',
          '-e', 'netlink-route.nltype',
          '-e', 'netlink.hdr_seq',
          '-e', 'netlink.hdr_pid',
          '-e', 'netlink.error',
        );
        const rows = out.trim().split('\n').map((line) => line.split('|'));
        const time = (s: number, ns: number): string =>
          `${s}.${String(nanosecond ? ns : Math.floor(ns / 1000) * 1000).padStart(9, '0')}`;
        expect(rows).toEqual([
          [time(1_700_000_000, 100_200_300), '0x0000', '', '18', '1', '0', ''],
          [time(1_700_000_000, 100_300_400), '0x0000', '0x0003', '', '1', '4242', ''],
          [time(1_700_000_001, 5), '0x0000', '', '18', '2', '0', ''],
          // NLMSG_ERROR carries the failed request's header, which tshark decodes too.
          [time(1_700_000_001, 999_999_999), '0x0000', '0x0002,0x0012', '', '2,2', '4242,0', '-19'],
          [time(1_700_000_002, 0), '0x0010', '', '', '3', '0', ''],
        ]);
      });

      it('sees the direction we wrote in the cooked header (7 = to kernel, 6 = from kernel)', () => {
        // tshark shows no field for the packet type, so look at the cooked header bytes it dissected.
        const frames = JSON.parse(tshark('-r', file, '-T', 'json', '-x')) as {
          _source: { layers: { netlink_raw: [string, ...unknown[]]; netlink: Record<string, string> } };
        }[];
        expect(frames).toHaveLength(packets.length);
        frames.forEach((frame, i) => {
          const { netlink_raw: raw, netlink } = frame._source.layers;
          expect(raw[0].slice(0, 4)).toBe(packets[i].direction === 'to-kernel' ? '0007' : '0006');
          expect(raw[0].slice(4, 8)).toBe('0338');
          expect(netlink['netlink.hatype']).toBe('824');
        });
        // And our reader agrees with what tshark saw.
        expect(readCapture(bytes).map((p) => p.direction)).toEqual(packets.map((p) => p.direction));
      });

      if (format === 'pcapng') {
        it('shows the interface name and the packet comment', () => {
          const rows = tshark('-r', file, '-T', 'fields', '-E', 'separator=|', '-e', 'frame.interface_name', '-e', 'frame.comment').trim().split('\n');
          expect(rows).toEqual(['nlmon0|', 'nlmon0|end of dump', 'nlmon0|', 'nlmon0|', 'nlmon0|']);
        });
      }
    });
  }

  it('agrees with our reader on hand-built big-endian pcap and pcapng files', () => {
    const files: [string, Uint8Array][] = [
      [
        'be.pcap',
        pcapFile({
          littleEndian: false,
          nanosecond: true,
          records: [
            { seconds: 1_700_000_000, fraction: 42, data: concat(cooked(7, 0), dumpRequest) },
            { seconds: 1_700_000_000, fraction: 43, data: concat(cooked(6, 0), dumpDone) },
          ],
        }),
      ],
      [
        'be.pcapng',
        concat(
          shb(false),
          idb(false, 253, [[2, new TextEncoder().encode('nlmon9')]]),
          epb(false, 0, 1_700_000_000_000_042n, concat(cooked(7, 0), dumpRequest)),
          epb(false, 0, 1_700_000_000_000_043n, concat(cooked(6, 0), dumpDone)),
        ),
      ],
    ];
    for (const [name, bytes] of files) {
      const file = join(dir, name);
      writeFileSync(file, bytes);
      const out = tshark('-r', file, '-T', 'fields', '-E', 'separator=|', '-e', 'frame.time_epoch', '-e', 'netlink.hdr_seq', '-e', 'netlink.hdr_pid');
      const ours = readCapture(bytes).map((p) => {
        const view = new DataView(p.data.buffer, p.data.byteOffset);
        const ns = p.timestamp.nanoseconds;
        return [`${p.timestamp.seconds}.${String(ns).padStart(9, '0')}`, String(view.getUint32(8, true)), String(view.getUint32(12, true))];
      });
      expect(out.trim().split('\n').map((line) => line.split('|'))).toEqual(ours);
      expect(tshark('-r', file, '-V')).not.toMatch(/malformed/i);
    }
  });

  it('treats a snaplen-cut packet as cut by the capture, not as malformed', () => {
    const writer = new PcapWriter({ snaplen: 16 + 16 });
    writer.add(packets[0]);
    const file = join(dir, 'cut.pcap');
    writeFileSync(file, writer.toBytes());
    const text = tshark('-r', file, '-V');
    expect(text).toContain('Frame 1: 48 bytes on wire (384 bits), 32 bytes captured (256 bits)');
    expect(text).toContain('Sequence: 1');
    expect(text).toContain('[Packet size limited during capture: rtnetlink truncated]');
    expect(text).not.toMatch(/malformed/i);
  });
});
