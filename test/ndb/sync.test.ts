/**
 * The view stays equal to a fresh dump while another process (`ip -batch`)
 * makes a few thousand changes: links, addresses, routes in several tables
 * and both families, rules, neighbours, carrier flaps. Two databases watch
 * the same namespace: one with a roomy event socket (kept current by
 * events alone) and one with a 4 KiB socket, where the kernel drops events
 * (`ENOBUFS`) and the database resynchronises by dumping.
 */
import { describe, expect, it } from 'vitest';
import { NDB } from '@nlkit/ndb';
import { canonicalDump, canonicalView, difference, ipBatch, ipBatchAsync, isRoot, withNamespaces } from './util.js';

/** A small deterministic generator (xorshift). */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

/** One round of changes, about `n` commands, mostly valid given what earlier rounds did (`ip -force` goes on past the rest). */
function storm(round: number, n: number, live: { routes: string[]; addrs: string[]; neighs: string[]; rules: number[]; links: string[] }): string[] {
  const rnd = prng(round * 7919 + 17);
  const pick = <T>(xs: T[]): T | undefined => (xs.length ? xs.splice(Math.floor(rnd() * xs.length), 1)[0] : undefined);
  const lines: string[] = [];
  let seq = 0;
  while (lines.length < n) {
    const r = rnd();
    const id = `${round}.${seq++}`;
    const [a, b] = [round & 255, seq & 255];
    const c = (seq >> 8) & 255;
    if (r < 0.3) {
      const table = ['main', '100', '200'][seq % 3]!;
      const dst = `11.${a}.${c}.${b}/32`;
      lines.push(`route add ${dst} via 10.0.0.${1 + (seq % 3)} table ${table}`);
      live.routes.push(`${dst} table ${table}`);
    } else if (r < 0.38) {
      const x = pick(live.routes);
      if (x) lines.push(`route del ${x}`);
    } else if (r < 0.43) {
      const x = live.routes[Math.floor(rnd() * live.routes.length)];
      if (x) lines.push(`route replace ${x.replace(' table', ` via 10.0.0.${1 + (seq % 3)} table`)}`);
    } else if (r < 0.5) {
      lines.push(`route add 2001:db8:${a.toString(16)}:${seq.toString(16)}::/64 via 2001:db8::1 table ${seq % 2 ? 'main' : '100'}`);
    } else if (r < 0.6) {
      const addr = `10.1.${a}.${b}/32`;
      lines.push(`address add ${addr} dev eth0`);
      live.addrs.push(addr);
    } else if (r < 0.65) {
      const x = pick(live.addrs);
      if (x) lines.push(`address del ${x} dev eth0`);
    } else if (r < 0.75) {
      const dst = `10.0.${1 + c}.${b}`;
      lines.push(`neigh replace ${dst} lladdr 02:00:00:${a.toString(16).padStart(2, '0')}:${c.toString(16).padStart(2, '0')}:${b.toString(16).padStart(2, '0')} dev eth0`);
      live.neighs.push(dst);
    } else if (r < 0.8) {
      const x = pick(live.neighs);
      if (x) lines.push(`neigh del ${x} dev eth0`);
    } else if (r < 0.85) {
      const pref = 1000 + round * 1000 + (seq % 1000);
      lines.push(`rule add from 10.${a}.${c}.${b} table 100 pref ${pref}`);
      live.rules.push(pref);
    } else if (r < 0.88) {
      const x = pick(live.rules);
      if (x !== undefined) lines.push(`rule del pref ${x}`);
    } else if (r < 0.92) {
      const name = `s${round}x${seq}`;
      lines.push(`link add ${name} type veth peer name ${name}p`, `link set ${name} up`, `link set ${name}p up mtu ${1300 + (seq % 200)}`, `address add 10.2.${a}.${b}/32 dev ${name}`);
      lines.push(`route add 12.${a}.${c}.${b}/32 dev ${name}`);
      live.links.push(name);
    } else if (r < 0.95) {
      const x = pick(live.links);
      // A device going down takes its IPv4 routes with it, without RTM_DELROUTE; deleting it takes the rest.
      if (x) lines.push(`link set ${x} down`, ...(rnd() < 0.5 ? [`link del ${x}`] : [`link set ${x} up`]));
      if (x && !lines[lines.length - 1]!.includes('del')) live.links.push(x);
    } else if (r < 0.97) {
      // A carrier flap: routes through eth0 gain and lose `linkdown`, silently.
      lines.push('link set eth0p down', 'link set eth0p up');
    } else {
      lines.push(`link set eth0 mtu ${1400 + (seq % 100)}`);
    }
    void id;
  }
  return lines;
}

describe.skipIf(!isRoot)('ndb sync (live)', () => {
  it('stays equal to a fresh dump through thousands of changes: by events, and by resyncs after forced overruns', () =>
    withNamespaces(1, async (ns) => {
      ipBatch(ns, [
        'link add eth0 type veth peer name eth0p',
        'link set eth0 up',
        'link set eth0p up',
        'address add 10.0.0.2/24 dev eth0',
        'address add 2001:db8::2/64 dev eth0 nodad',
        'link add br0 type bridge',
        'link add p0 type veth peer name p0p',
        'link set p0p master br0',
        'link set br0 up',
        'link set p0 up',
        'link set p0p up',
      ]);
      const roomy = await NDB.open({ netns: ns, syncTimeoutMs: 10_000 });
      const tiny = await NDB.open({ netns: ns, receiveBufferSize: 4096 });
      const events = roomy.events({ snapshot: true, kinds: ['route'] });
      let routes = events.snapshot!.routes.size;
      const counting = (async () => {
        for await (const e of events) {
          if (e.type === 'add') routes++;
          else if (e.type === 'del') routes--;
        }
      })();
      try {
        const live = { routes: [], addrs: [], neighs: [], rules: [], links: [] };
        const check = async (label: string): Promise<void> => {
          // The kernel may still be finishing things of its own (IPv6 duplicate address detection takes a second): compare until equal.
          let last: unknown;
          for (let attempt = 0; attempt < 20; attempt++) {
            await Promise.all([roomy.sync(60_000), tiny.sync(60_000)]);
            const dump = await canonicalDump(ns);
            const d1 = difference(canonicalView(roomy, ns), dump);
            const d2 = difference(canonicalView(tiny, ns), dump);
            last = { roomy: d1, tiny: d2 };
            if (Object.keys(d1).length === 0 && Object.keys(d2).length === 0) return;
            await new Promise((r) => setTimeout(r, 250));
          }
          expect(last, label).toEqual({ roomy: {}, tiny: {} });
        };
        await check('after loading');
        let total = 0;
        for (let round = 1; round <= 4; round++) {
          const lines = storm(round, 1000, live);
          total += lines.length;
          await ipBatchAsync(ns, lines);
          await check(`after round ${round}`);
        }
        expect(total).toBeGreaterThanOrEqual(4000);

        const [r] = roomy.stats();
        const [t] = tiny.stats();
        // The roomy socket kept up: events only.
        expect(r!.overruns).toBe(0);
        expect(r!.resyncs).toBe(0);
        expect(r!.events).toBeGreaterThan(4000);
        // The tiny one overflowed and resynchronised.
        expect(t!.overruns).toBeGreaterThan(0);
        expect(t!.resyncs).toBeGreaterThan(0);
        // The event queue, started with a snapshot, counts exactly what the view holds.
        await new Promise((res) => setTimeout(res, 50));
        expect(routes).toBe(roomy.routes.size);
      } finally {
        events.close();
        await counting;
        await roomy.close();
        await tiny.close();
      }
    }), 240_000);
});
