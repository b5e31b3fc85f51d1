/**
 * Replays captures of a real kernel (bundled in fixtures/) through a
 * `NetlinkChannel`, with no kernel, no root and no namespace: the
 * `ReplayTransport` answers each request with the replies recorded for it.
 *
 * 1. A link dump: the channel sends `RTM_GETLINK` with `NLM_F_DUMP`, the
 *    replay matches it against the recorded request and sends back the
 *    recorded `RTM_NEWLINK`s, rewritten with this run's sequence number.
 * 2. Refused requests: `RTM_NEWLINK` for a name that exists, and for a kind
 *    the kernel does not know; each recorded `NLMSG_ERROR` becomes a
 *    `NetlinkError` with the errno name (`code`) and the kernel's
 *    extended-ack message (`extack.message`), when it sent one.
 * 3. The second refusal again, through `IPRoute`.
 *
 * Run with `node --conditions=@nlkit/source --import tsx examples/replay-fixture.ts`.
 */
import { readFileSync } from 'node:fs';
import { NLM_F, NetlinkError } from '@nlkit/core';
import { IPRoute, netlinkRoute } from '@nlkit/client';
import { rtnl } from '@nlkit/rtnl';
import { ReplayTransport } from '@nlkit/testing';
import { NetlinkChannel } from '@nlkit/transport';

/** A fixture's capture, as the bytes of a pcap file. */
function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`../fixtures/rtnl/${name}.pcap`, import.meta.url)));
}

// 1. The recorded link dump answers this run's dump.
const replay = new ReplayTransport(fixture('link-dump'), rtnl);
const channel = new NetlinkChannel(replay, rtnl, { initialSeq: 100 });
for await (const m of channel.dump({ name: 'RTM_GETLINK' })) {
  if (m.name !== 'RTM_NEWLINK') continue;
  console.log(`link #${m.header.index} ${m.attrs.ifname} mtu ${m.attrs.mtu} seq ${m.seq}`);
}
replay.assertDone(); // every recorded request was made
await channel.close();

// 2. Recorded refusals answer this run's requests: a name that exists
//    (EEXIST), and a kind the kernel does not know (EOPNOTSUPP, with an
//    extended-ack message).
const refused = [
  { capture: 'link-add-exists-error', ifname: 'v0', kind: 'veth' },
  { capture: 'link-add-unknown-kind-error', ifname: 'x0', kind: 'nlkit-nope' },
];
for (const { capture, ifname, kind } of refused) {
  const replayed = new NetlinkChannel(new ReplayTransport(fixture(capture), rtnl), rtnl);
  try {
    await replayed.request({ name: 'RTM_NEWLINK', flags: NLM_F.CREATE | NLM_F.EXCL, attrs: { ifname, linkinfo: { kind } } });
    console.log('unexpected: the request was acknowledged');
  } catch (e) {
    if (!(e instanceof NetlinkError)) throw e;
    console.log(`${ifname} refused: code ${e.code}, errno ${e.errno}, extack ${JSON.stringify(e.extack.message ?? null)}`);
    console.log(`  ${e.message}`);
  } finally {
    await replayed.close();
  }
}

// 3. The same refusal through IPRoute, which decodes with `netlinkRoute`
//    (rtnl and tc) and labels errors with the operation.
const ipr = new IPRoute(new ReplayTransport(fixture('link-add-unknown-kind-error'), netlinkRoute));
try {
  await ipr.link('add', { ifname: 'x0', kind: 'nlkit-nope' });
} catch (e) {
  if (!(e instanceof NetlinkError)) throw e;
  console.log(`IPRoute: ${e.operation}: code ${e.code}, extack ${JSON.stringify(e.extack.message ?? null)}`);
} finally {
  await ipr.close();
}
