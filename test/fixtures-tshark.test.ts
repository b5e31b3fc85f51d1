/**
 * Wireshark reads nlkit's own recordings of real kernel sessions as netlink:
 * every fixture is decoded by tshark without a malformed packet or an error.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeMessages } from '@nlkit/core';
import { readCapture } from '@nlkit/pcap';
import { FAMILIES, FIXTURES_DIR, listFixtures, loadFixture } from './fixture-lib.js';

const tshark = (() => {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!tshark && process.env['CI'] === 'true') throw new Error('tshark is missing: .ci/run installs it (apt-get install tshark)');

describe.skipIf(!tshark)('tshark on the fixtures', () => {
  it.each(listFixtures())('%s', (name) => {
    const file = join(FIXTURES_DIR, name + '.pcap');
    const text = execFileSync('tshark', ['-r', file, '-V'], { encoding: 'utf8' });
    expect(text).not.toMatch(/Malformed|\[Expert Info \(Error/);
    // Per frame: the sequence numbers of the netlink headers tshark dissected (an
    // NLMSG_ERROR adds the header it echoes), and the message types it named in hex.
    const fields = execFileSync('tshark', ['-r', file, '-T', 'fields', '-e', 'netlink.hdr_seq', '-e', 'netlink.hdr_type'], { encoding: 'utf8' })
      .trimEnd()
      .split('\n');
    const { meta, capture } = loadFixture(name);
    const fam = FAMILIES[meta.family]!;
    const ours = readCapture(capture).map((p) => decodeMessages(fam, p.data));
    expect(fields.length).toBe(ours.length);
    fields.forEach((line, i) => {
      const [seqs, types] = line.split('\t') as [string, string | undefined];
      expect(seqs.split(',').length).toBeGreaterThanOrEqual(ours[i]!.length);
      for (const m of ours[i]!) expect(seqs.split(',').map(Number)).toContain(m.seq);
      // Control messages are named by the generic dissector; family messages by rtnetlink's.
      for (const m of ours[i]!.filter((x) => x.type < 16)) expect(types?.split(',')).toContain(`0x${m.type.toString(16).padStart(4, '0')}`);
    });
    expect(text).toMatch(/Linux rtnetlink \(route netlink\) protocol/);
  });
});
