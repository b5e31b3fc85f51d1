import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PcapStreamWriter, readCapture, type PacketToWrite } from './index.js';
import { openFileSink, readCaptureFile, writeCaptureFile } from './node.js';
import { done, getlinkDump } from '../test/handmade.js';

const dir = mkdtempSync(join(tmpdir(), 'nlkit-pcap-node-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const packets: PacketToWrite[] = [
  { direction: 'to-kernel', protocol: 0, data: getlinkDump(1), timestamp: { seconds: 10, nanoseconds: 1000 } },
  { direction: 'from-kernel', protocol: 0, data: done(1, 7), timestamp: { seconds: 11, nanoseconds: 2000 } },
];

describe('@nlkit/pcap/node', () => {
  it('writes and reads capture files', async () => {
    const file = join(dir, 'a.pcapng');
    await writeCaptureFile(file, packets, { format: 'pcapng' });
    const parsed = await readCaptureFile(file);
    expect(parsed.format).toBe('pcapng');
    expect(parsed.packets.map((p) => [p.direction, p.timestamp.seconds])).toEqual([
      ['to-kernel', 10],
      ['from-kernel', 11],
    ]);
    // Plain Uint8Array views, not Buffers.
    expect(Object.getPrototypeOf(parsed.packets[0].data)).toBe(Uint8Array.prototype);
  });

  it('reads a file cut mid-record leniently', async () => {
    const file = join(dir, 'cut.pcap');
    await writeCaptureFile(file, packets);
    const whole = readFileSync(file);
    writeFileSync(file, whole.subarray(0, whole.length - 2));
    await expect(readCaptureFile(file)).rejects.toMatchObject({ name: 'CaptureFormatError', code: 'truncated' });
    const parsed = await readCaptureFile(file, { allowTruncation: true });
    expect(parsed).toMatchObject({ truncated: true });
    expect(parsed.packets).toHaveLength(1);
  });

  it('streams into a file chunk by chunk; the file is valid after every packet', () => {
    const file = join(dir, 'stream.pcap');
    const sink = openFileSink(file);
    const writer = new PcapStreamWriter(sink.write);
    expect(readCapture(readFileSync(file))).toEqual([]);
    for (const [i, p] of packets.entries()) {
      writer.add(p);
      expect(readCapture(readFileSync(file))).toHaveLength(i + 1);
    }
    sink.close();
    sink.close();
    expect(() => sink.write(new Uint8Array(1))).toThrow(/closed/);
    expect(sink.path).toBe(file);
  });

  it('appends pcapng sections to an existing file', () => {
    const file = join(dir, 'append.pcapng');
    for (const [i, append] of [false, true].entries()) {
      const sink = openFileSink(file, { append });
      new PcapStreamWriter(sink.write, { format: 'pcapng', interfaceName: `nlmon${i}` }).add(packets[i]);
      sink.close();
    }
    expect(readCapture(readFileSync(file)).map((p) => p.interfaceName)).toEqual(['nlmon0', 'nlmon1']);
  });
});
