/**
 * Codec micro-benchmarks on a 100k-route dump held in memory: decode eagerly,
 * as lazy views without touching attributes, as lazy views reading `dst` and
 * `gateway` of every route, and encode of 100k route requests into one buffer.
 */
import { NLM_F, decodeMessageAt, frames, messageSize, viewMessages, viewOf, writeMessage, type AnyInput } from '@nlkit/core';
import { rtnl } from '@nlkit/rtnl';
import { measure, type Result } from './harness.js';

const N = 100_000;
/** Datagram size cap of a kernel dump (about 32 KiB). */
const DATAGRAM = 32 * 1024;

/** The attributes the kernel sends for a plain IPv4 unicast route via a gateway. */
function route(i: number, seq: number): AnyInput<typeof rtnl> {
  return {
    name: 'RTM_NEWROUTE',
    flags: NLM_F.MULTI,
    seq,
    pid: 4242,
    header: { family: 2, dstLen: 32, srcLen: 0, tos: 0, table: 254, protocol: 4, scope: 0, type: 1, flags: 0 },
    attrs: { table: 254, dst: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, gateway: '192.168.0.1', oif: 2 },
  };
}

/** A dump as the kernel would deliver it: routes packed into ~32 KiB datagrams. */
export function syntheticRouteDump(n = N): Uint8Array[] {
  const grams: Uint8Array[] = [];
  let batch: AnyInput<typeof rtnl>[] = [];
  let size = 0;
  const flush = () => {
    const buf = new Uint8Array(size);
    const view = viewOf(buf);
    let pos = 0;
    for (const m of batch) pos += writeMessage(rtnl, m, view, pos);
    grams.push(buf);
    batch = [];
    size = 0;
  };
  for (let i = 0; i < n; i++) {
    const m = route(i, 1);
    const s = messageSize(rtnl, m);
    if (size + s > DATAGRAM) flush();
    batch.push(m);
    size += s;
  }
  flush();
  return grams;
}

export function codecSuite(): Result[] {
  const grams = syntheticRouteDump();
  const bytes = grams.reduce((n, g) => n + g.length, 0);
  const note = `${grams.length} datagrams, ${(bytes / 2 ** 20).toFixed(1)} MiB`;
  const out: Result[] = [];

  out.push(measure('codec', 'walk nlmsghdr only (floor)', N, () => {
    let n = 0;
    for (const g of grams) for (const _f of frames(g)) n++;
    return n;
  }, 5, note));

  out.push(measure('codec', 'lazy views, untouched', N, () => {
    let n = 0;
    for (const g of grams) n += viewMessages(rtnl, g).length;
    return n;
  }, 5, note));

  out.push(measure('codec', 'lazy views, dst+gateway read', N, () => {
    let n = 0;
    for (const g of grams) {
      for (const v of viewMessages(rtnl, g)) {
        if (v.get('dst') !== undefined && v.get('gateway') !== undefined) n++;
      }
    }
    return n;
  }, 5, note));

  out.push(measure('codec', 'eager decode to objects', N, () => {
    let n = 0;
    for (const g of grams) {
      const view = viewOf(g);
      for (const f of frames(view)) {
        const m = decodeMessageAt(rtnl, view, f.offset);
        if (m.name === 'RTM_NEWROUTE') n++;
      }
    }
    return n;
  }, 5, note));

  out.push(measure('codec', 'encode 100k route requests into one buffer', N, () => {
    const msgs: AnyInput<typeof rtnl>[] = new Array(N);
    let total = 0;
    const sizes = new Array<number>(N);
    for (let i = 0; i < N; i++) {
      const m = { ...route(i, i + 1), name: 'RTM_NEWROUTE' as const, flags: NLM_F.REQUEST | NLM_F.ACK | NLM_F.CREATE | NLM_F.EXCL, pid: 0 };
      msgs[i] = m;
      sizes[i] = messageSize(rtnl, m);
      total += sizes[i]!;
    }
    const buf = new Uint8Array(total);
    const view = viewOf(buf);
    let pos = 0;
    for (let i = 0; i < N; i++) pos += writeMessage(rtnl, msgs[i]!, view, pos, sizes[i]);
    return buf;
  }, 5));

  return out;
}
