/**
 * Codec micro-benchmarks on a route dump held in memory: recorded once from
 * the live namespace (the kernel's own bytes), or synthetic where no
 * namespace is at hand. Decode as lazy views untouched, lazy views with
 * `dst` and `gateway` read, eager decode to objects; encode of route
 * requests into one buffer.
 */
import {
  NLM_F,
  NLMSG,
  decodeMessageAt,
  encodeMessage,
  setSpecialisedCodecs,
  frames,
  messageSize,
  viewMessages,
  viewOf,
  writeMessage,
  type AnyInput,
} from '@nlkit/core';
import { openNetlink } from '@nlkit/live';
import { rtnl } from '@nlkit/rtnl';
import { isOverrun } from '@nlkit/transport';
import { sample, type Samples } from './harness.js';

/** Size cap of a kernel dump datagram (about 32 KiB). */
const DATAGRAM = 32 * 1024;

/** The attributes the kernel sends for a plain IPv4 unicast route via a gateway. */
function dumpedRoute(i: number): AnyInput<typeof rtnl> {
  return {
    name: 'RTM_NEWROUTE',
    flags: NLM_F.MULTI,
    seq: 1,
    pid: 4242,
    header: { family: 2, dstLen: 32, srcLen: 0, tos: 0, table: 254, protocol: 4, scope: 0, type: 1, flags: 0 },
    attrs: { table: 254, dst: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, gateway: '192.168.0.1', oif: 2 },
  };
}

/** A synthetic dump as the kernel would deliver it: routes packed into ~32 KiB datagrams. */
export function syntheticRouteDump(n: number): Uint8Array[] {
  const grams: Uint8Array[] = [];
  let batch: AnyInput<typeof rtnl>[] = [];
  let size = 0;
  const flush = (): void => {
    const buf = new Uint8Array(size);
    const view = viewOf(buf);
    let pos = 0;
    for (const m of batch) pos += writeMessage(rtnl, m, view, pos);
    grams.push(buf);
    batch = [];
    size = 0;
  };
  for (let i = 0; i < n; i++) {
    const m = dumpedRoute(i);
    const s = messageSize(rtnl, m);
    if (size + s > DATAGRAM) flush();
    batch.push(m);
    size += s;
  }
  flush();
  return grams;
}

/** Records one full IPv4 route dump of the current namespace: the datagrams as received, up to `NLMSG_DONE` (kept). */
export async function recordRouteDump(): Promise<Uint8Array[]> {
  const t = openNetlink();
  try {
    await t.send(encodeMessage(rtnl, { name: 'RTM_GETROUTE', flags: NLM_F.REQUEST | NLM_F.DUMP, seq: 1, header: { family: 2 } }));
    const grams: Uint8Array[] = [];
    for await (const d of t.receive()) {
      if (isOverrun(d)) throw new Error('overrun while recording');
      const view = viewOf(d.bytes);
      let done = false;
      for (const f of frames(view)) {
        if (f.header.type === NLMSG.DONE) done = true;
        if (f.header.type === NLMSG.ERROR) throw new Error('the dump was refused');
      }
      grams.push(d.bytes);
      if (done) return grams;
    }
    throw new Error('the transport ended before NLMSG_DONE');
  } finally {
    await t.close();
  }
}

function countRoutes(grams: readonly Uint8Array[]): number {
  let n = 0;
  for (const g of grams) for (const f of frames(g)) if (f.header.type === 24) n++;
  return n;
}

export interface CodecCase {
  id: string;
  name: string;
  floor?: string;
  samples: Samples;
}

let sinkN = 0;

/** Runs the codec cases over `grams` (`n` route requests for the encode case). */
export async function codecSuite(grams: readonly Uint8Array[], runs: number, encodeN: number): Promise<CodecCase[]> {
  const routes = countRoutes(grams);
  const bytes = grams.reduce((n, g) => n + g.length, 0);
  const note = `${grams.length} datagrams, ${(bytes / 2 ** 20).toFixed(1)} MiB`;
  const out: CodecCase[] = [];
  const items = (): number => routes;
  const add = async (id: string, name: string, fn: () => unknown, floor: string | null = 'codec-walk'): Promise<void> => {
    const s = await sample(items, fn, runs);
    s.note = note;
    out.push(floor ? { id, name, floor, samples: s } : { id, name, samples: s });
  };

  await add('codec-walk', 'walk nlmsghdrs only (codec floor)', () => {
    let n = 0;
    for (const g of grams) {
      const v = viewOf(g);
      for (let p = 0; p + 16 <= v.byteLength; ) {
        if (v.getUint16(p + 4, true) === 24) n++;
        p += (v.getUint32(p, true) + 3) & ~3;
      }
    }
    return (sinkN = n);
  }, null);

  await add('codec-lazy', 'lazy views, untouched (kept)', () => {
    const keep = [];
    for (const g of grams) for (const v of viewMessages(rtnl, g)) if (v.type === 24) keep.push(v);
    return keep;
  });

  await add('codec-lazy-touched', 'lazy views, dst+gateway read (kept)', () => {
    const keep = [];
    for (const g of grams) {
      for (const v of viewMessages(rtnl, g)) {
        if (v.type !== 24) continue;
        const d = v.get('dst');
        const gw = v.get('gateway');
        if (typeof d === 'string' && typeof gw === 'string') sinkN += d.length + gw.length;
        keep.push(v);
      }
    }
    return keep;
  });

  await add('codec-eager', 'eager decode to objects (kept)', () => {
    const keep = [];
    for (const g of grams) {
      const view = viewOf(g);
      for (const f of frames(view)) {
        const m = decodeMessageAt(rtnl, view, f.offset);
        if (m.name === 'RTM_NEWROUTE') keep.push(m);
      }
    }
    return keep;
  });

  const requests = Array.from({ length: encodeN }, (_, i): AnyInput<typeof rtnl> => ({
    name: 'RTM_NEWROUTE',
    flags: NLM_F.REQUEST | NLM_F.ACK | NLM_F.CREATE | NLM_F.EXCL,
    seq: i + 1,
    header: { family: 2, dstLen: 32, table: 254, protocol: 4, scope: 0, type: 1 },
    attrs: { dst: `12.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, gateway: '10.0.0.1', oif: 2 },
  }));
  const encodeAll = (): Uint8Array => {
    const sizes = new Array<number>(encodeN);
    let total = 0;
    for (let i = 0; i < encodeN; i++) total += sizes[i] = messageSize(rtnl, requests[i]!);
    const buf = new Uint8Array(total);
    const view = viewOf(buf);
    let pos = 0;
    for (let i = 0; i < encodeN; i++) pos += writeMessage(rtnl, requests[i]!, view, pos, sizes[i]);
    return buf;
  };
  const s = await sample(() => encodeN, encodeAll, runs);
  out.push({ id: 'codec-encode', name: `encode ${encodeN.toLocaleString('en')} route requests into one buffer (messageSize + writeMessage)`, samples: s });
  // The same with the codecs that walk the declaration for every value (what runs where code cannot be made).
  setSpecialisedCodecs(false);
  const interpreted = await sample(() => encodeN, encodeAll, runs);
  setSpecialisedCodecs(true);
  out.push({ id: 'codec-encode-interpreted', name: 'the same with setSpecialisedCodecs(false) (the interpreted encoders alone)', samples: interpreted, floor: 'codec-encode' });
  const each = await sample(() => encodeN, () => {
    const kept = new Array<Uint8Array>(encodeN);
    for (let i = 0; i < encodeN; i++) kept[i] = encodeMessage(rtnl, requests[i]!);
    return kept;
  }, runs);
  out.push({ id: 'codec-encode-each', name: `encode ${encodeN.toLocaleString('en')} route requests, each into bytes of its own (encodeMessage, kept)`, samples: each });
  return out;
}
