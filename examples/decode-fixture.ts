/**
 * Decodes a capture of a real kernel's link dump (bundled in fixtures/) and
 * prints each frame's direction and messages, then one message in the
 * canonical raw JSON form. Run with `pnpm start [FILE]`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeMessages, stringifyRaw, toRaw, type Message } from '@nlkit/core';
import { readCapture } from '@nlkit/pcap';
import { rtnl } from '@nlkit/rtnl';

const file = process.argv[2] ?? fileURLToPath(new URL('../fixtures/rtnl/link-dump.pcap', import.meta.url));
const buf = readFileSync(file);
const packets = readCapture(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));

let sample: Message | undefined;
for (const [i, p] of packets.entries()) {
  console.log(`frame ${i + 1}: ${p.direction}, ${p.data.length} bytes`);
  for (const m of decodeMessages(rtnl, p.data) as Message[]) {
    const a = m.attrs as { ifname?: string; mtu?: number; address?: string; operstate?: unknown; linkinfo?: { kind?: string } };
    const h = m.header as { index?: number };
    const what = m.name === 'RTM_NEWLINK'
      ? `#${h.index} ${a.ifname} mtu ${a.mtu} ${a.address ?? ''} ${a.linkinfo?.kind ?? ''} ${String(a.operstate ?? '')}`
      : '';
    console.log(`  ${m.name} seq=${m.seq} flags=0x${m.flags.toString(16)} ${what}`.trimEnd());
    if (m.name === 'RTM_NEWLINK' && a.linkinfo) sample ??= m;
  }
}
if (sample) {
  console.log('\none message in the canonical raw form:');
  console.log(stringifyRaw(toRaw(rtnl, sample as never), 1));
}
