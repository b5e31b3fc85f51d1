import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isOverrun } from '@nlkit/transport';
import type { Inbound } from '@nlkit/transport';
import { describe, expect, it } from 'vitest';
import koffi from 'koffi';
import { openNetlink } from './live-transport.js';
import type { LiveTransport } from './live-transport.js';
import { EntryKind, RING_SLOT, RING_SLOTS, beginReceiveJob, prepareReceiveThread, type ReceiveJob, type RingEntry } from './receive-thread.js';
import { withTempNetns } from './netns.js';
import { isRoot, requireRootInCI, runChild } from './test-child.js';

requireRootInCI();
const here = dirname(fileURLToPath(import.meta.url));

const NLMSG_DONE = 3;
const RTM_NEWROUTE = 24;
const RTM_GETROUTE = 26;
const NLM_F_REQUEST = 0x1;
const NLM_F_DUMP = 0x300;
const RTNLGRP_IPV4_ROUTE = 7;
const ROUTES = 20_000;

/** `RTM_GETROUTE` dump of IPv4 routes: `nlmsghdr` + `rtmsg { family: AF_INET }`. */
function routeDump(seq: number): Uint8Array {
  const out = new Uint8Array(28);
  const v = new DataView(out.buffer);
  v.setUint32(0, 28, true);
  v.setUint16(4, RTM_GETROUTE, true);
  v.setUint16(6, NLM_F_REQUEST | NLM_F_DUMP, true);
  v.setUint32(8, seq, true);
  out[16] = 2;
  return out;
}

interface Msg {
  type: number;
  seq: number;
  /** The bytes after the header: what two sockets' dumps of the same table share. */
  body: string;
}

function messagesOf(bytes: Uint8Array): Msg[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Msg[] = [];
  for (let off = 0; off + 16 <= v.byteLength; ) {
    const len = v.getUint32(off, true);
    expect(len).toBeGreaterThanOrEqual(16);
    out.push({ type: v.getUint16(off + 4, true), seq: v.getUint32(off + 8, true), body: Buffer.from(bytes.subarray(off + 16, off + len)).toString('hex') });
    off += (len + 3) & ~3;
  }
  return out;
}

interface DumpResult {
  routes: Msg[];
  /** Datagrams of other groups received meanwhile, with their group. */
  events: { group: number; messages: Msg[] }[];
  /** How many of the dump's datagrams the thread read. */
  threaded: number;
}

/**
 * One route dump through `t`, read to its `NLMSG_DONE`. `during` runs once
 * the receive thread has read part of the dump (or never, when it does not
 * take over).
 */
async function dump(t: LiveTransport, seq: number, during?: () => void): Promise<DumpResult> {
  const before = t.threadReads;
  await t.send(routeDump(seq));
  const routes: Msg[] = [];
  const events: DumpResult['events'] = [];
  let ran = false;
  for await (const x of t.receive()) {
    if (isOverrun(x)) throw new Error('unexpected overrun');
    const ms = messagesOf(x.bytes);
    if (x.group !== 0) {
      events.push({ group: x.group, messages: ms });
      continue;
    }
    let done = false;
    for (const m of ms) {
      expect(m.seq).toBe(seq);
      if (m.type === NLMSG_DONE) done = true;
      else {
        expect(m.type).toBe(RTM_NEWROUTE);
        routes.push(m);
      }
    }
    if (!ran && during && t.threadReads > before) {
      ran = true;
      during();
    }
    if (done) break;
  }
  return { routes, events, threaded: t.threadReads - before };
}

/** Dumps until the receive thread has taken part (it starts in the background on the first long dump). */
async function threadedDump(t: LiveTransport, seq: number, during?: () => void): Promise<DumpResult> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const r = await dump(t, seq + attempt, during);
    if (r.threaded > 0) return r;
    await new Promise((res) => setTimeout(res, 20));
  }
  throw new Error('the receive thread never took a dump over');
}

const ip = (netns: string, ...args: string[]): void => void execFileSync('ip', ['-n', netns, ...args]);

/** A namespace with `lo` up and {@link ROUTES} host routes through it. */
function loadRoutes(netns: string): void {
  ip(netns, 'link', 'set', 'lo', 'up');
  const lines = Array.from({ length: ROUTES }, (_, i) => `route add 11.0.${i >> 8}.${i & 255}/32 dev lo`);
  execFileSync('ip', ['-n', netns, '-batch', '-'], { input: lines.join('\n') });
}

/**
 * A job on one end of a `socketpair(AF_UNIX, SOCK_DGRAM)`: datagrams of any
 * size, written from here, in place of a netlink socket's.
 */
describe('the receive thread\'s ring', () => {
  const libc = koffi.load('libc.so.6');
  const socketpair = libc.func('int socketpair(int domain, int type, int protocol, void *sv)');
  const send = libc.func('intptr_t send(int fd, const void *buf, size_t len, int flags)');
  const close = libc.func('int close(int fd)');

  /** One netlink message of `size` bytes (type 16, or NLMSG_DONE), its payload a pattern of `tag`. */
  function datagram(size: number, seq: number, tag: number, done = false): Uint8Array {
    const out = new Uint8Array(size);
    for (let i = 16; i < size; i++) out[i] = (tag + i) & 255;
    const v = new DataView(out.buffer);
    v.setUint32(0, size, true);
    v.setUint16(4, done ? NLMSG_DONE : 16, true);
    v.setUint32(8, seq, true);
    return out;
  }

  async function job(fd: number, seq: number, bufferSize: number): Promise<ReceiveJob> {
    expect(prepareReceiveThread()).toBe(true);
    for (let i = 0; i < 500; i++) {
      const j = beginReceiveJob(fd, seq, bufferSize);
      if (j) return j;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('the receive thread did not become ready');
  }

  async function takeN(j: ReceiveJob, n: number): Promise<RingEntry[]> {
    const out: RingEntry[] = [];
    while (out.length < n) {
      const e = j.take();
      if (e) out.push(e);
      else await j.wait();
    }
    return out;
  }

  it('passes datagrams of one slot, of several, and across the ring\'s end whole and in order; reports one too large for its buffer', async () => {
    const sv = new Int32Array(2);
    expect(Number(socketpair(1, 2, 0, sv))).toBe(0); // AF_UNIX, SOCK_DGRAM
    const bufferSize = 128 * 1024;
    const j = await job(sv[0]!, 77, bufferSize);
    try {
      let slots = 0;
      let tag = 0;
      // Rounds of what fits the socket's buffer, until the ring has wrapped three times.
      while (slots < 3 * RING_SLOTS) {
        // 9 slots a round: multi-slot datagrams come to straddle the ring's end.
        const sizes = [100, 3 * RING_SLOT - 10, RING_SLOT, RING_SLOT + 1, 17 + 16, 20];
        const sent = sizes.map((n) => datagram(n, 77, tag++));
        for (const d of sent) expect(Number(send(sv[1]!, d, d.length, 0))).toBe(d.length);
        const got = await takeN(j, sent.length);
        expect(got.map((e) => e.kind)).toEqual(sent.map(() => EntryKind.Datagram));
        expect(got.map((e) => e.bytes)).toEqual(sent);
        slots += sizes.reduce((k, n) => k + Math.ceil(n / RING_SLOT), 0);
      }
      const big = datagram(bufferSize + 1000, 77, 1);
      expect(Number(send(sv[1]!, big, big.length, 0))).toBe(big.length);
      const [lost] = await takeN(j, 1);
      expect(lost).toMatchObject({ kind: EntryKind.Error, errno: 90, group: big.length }); // EMSGSIZE, with the datagram's size
      const end = datagram(20, 77, 0, true);
      send(sv[1]!, end, end.length, 0);
      const [last, over] = await takeN(j, 2);
      expect(last!.bytes).toEqual(end);
      expect(over!.kind).toBe(EntryKind.End);
      expect(j.over).toBe(true);
    } finally {
      await j.stop();
      close(sv[0]!);
      close(sv[1]!);
    }
  });
});

/**
 * The start of a child's script: a transport `t` in the namespace of
 * `NLKIT_NETNS`, and `dump(seq, upTo?)`, a route dump read to its end (or
 * `upTo` datagrams).
 */
/**
 * Runs `body` in a child process, in a namespace loaded with routes, after
 * the child's transport has dumped until its receive thread took a dump over.
 */
function runThreadedChild(netns: string, body: string): ReturnType<typeof runChild> {
  loadRoutes(netns);
  const index = pathToFileURL(join(here, 'index.ts')).href;
  const script = `${childPrelude(index)}
    for (let seq = 1; t.threadReads === 0 && seq < 50; seq++) { await dump(seq); await new Promise((r) => setTimeout(r, 20)); }
    ${body}`;
  return runChild(script, { NLKIT_NETNS: netns }, 30_000);
}

function childPrelude(index: string): string {
  return `
    import { openNetlink } from ${JSON.stringify(index)};
    const t = openNetlink({ netns: process.env.NLKIT_NETNS });
    const dump = async (seq, upTo) => {
      const req = new Uint8Array(28);
      const v = new DataView(req.buffer);
      v.setUint32(0, 28, true); v.setUint16(4, 26, true); v.setUint16(6, 0x301, true); v.setUint32(8, seq, true); req[16] = 2;
      await t.send(req);
      let n = 0;
      for await (const x of t.receive()) {
        const b = x.bytes;
        const w = new DataView(b.buffer, b.byteOffset, b.byteLength);
        let last = 0;
        for (let p = 0; p + 16 <= b.length; p += (w.getUint32(p, true) + 3) & ~3) last = p;
        if (w.getUint16(last + 4, true) === 3 || ++n === upTo) break;
      }
    };`;
}

describe.skipIf(!isRoot)('receive thread (live, root)', () => {
  it('takes long dumps over and hands out the same messages, in order, as the main thread reads', async () => {
    await withTempNetns(async (netns) => {
      loadRoutes(netns);
      const threaded = openNetlink({ netns });
      const inline = openNetlink({ netns, receiveThread: false });
      try {
        const a = await threadedDump(threaded, 100);
        const b = await dump(inline, 900);
        expect(b.threaded).toBe(0);
        expect(inline.threadReads).toBe(0);
        expect(a.threaded).toBeGreaterThan(10);
        expect(a.routes.length).toBe(ROUTES + 3); // + the kernel's own routes for lo in the local table
        expect(a.routes.map((m) => m.body)).toEqual(b.routes.map((m) => m.body));
        // The next dump, sent before the thread's end of the last one was taken, is handed over too.
        const after = await dump(threaded, 2000);
        expect(after.routes.length).toBe(a.routes.length);
        expect(after.threaded).toBeGreaterThan(10);
      } finally {
        await threaded.close();
        await inline.close();
      }
    });
  });

  it('passes on events that arrive during a threaded dump, with their group', async () => {
    await withTempNetns(async (netns) => {
      loadRoutes(netns);
      const t = openNetlink({ netns, groups: [RTNLGRP_IPV4_ROUTE] });
      try {
        const r = await threadedDump(t, 10, () => ip(netns, 'route', 'add', '13.0.0.1/32', 'dev', 'lo'));
        // The event may come just after the dump's end: read on until it does.
        const events = [...r.events];
        const it = t.receive()[Symbol.asyncIterator]();
        while (!events.some((e) => e.messages.some((m) => m.type === RTM_NEWROUTE))) {
          const x = (await it.next()).value as Inbound;
          if (!isOverrun(x) && x.group !== 0) events.push({ group: x.group, messages: messagesOf(x.bytes) });
        }
        const added = events.find((e) => e.messages.some((m) => m.type === RTM_NEWROUTE))!;
        expect(added.group).toBe(RTNLGRP_IPV4_ROUTE);
        // rtmsg { family 2, dst_len 32, ... } then RTA_TABLE, RTA_DST 13.0.0.1: the address is in the body.
        expect(added.messages[0]!.body).toContain('0d000001');
        expect(r.routes.length).toBeGreaterThanOrEqual(ROUTES);
      } finally {
        await t.close();
      }
    });
  });

  it('close() in the middle of a threaded dump stops the thread, releases the socket, and frees the thread for others', async () => {
    await withTempNetns(async (netns) => {
      loadRoutes(netns);
      const fds = readdirSync('/proc/self/fd').length;
      const t = openNetlink({ netns });
      await threadedDump(t, 1);
      await t.send(routeDump(500));
      const it = t.receive()[Symbol.asyncIterator]();
      const start = t.threadReads;
      while (t.threadReads === start) {
        const r = await it.next();
        expect(r.done).toBe(false);
      }
      await t.close();
      expect(await it.next()).toEqual({ done: true, value: undefined });
      expect(readdirSync('/proc/self/fd').length).toBe(fds);
      // Another transport gets the thread.
      const other = openNetlink({ netns });
      try {
        expect((await dump(other, 7)).threaded).toBeGreaterThan(0);
      } finally {
        await other.close();
      }
    });
  });

  it('process.exit() in the middle of a threaded dump exits cleanly', async () => {
    await withTempNetns(async (netns) => {
      const { code, signal, out, errors } = await runThreadedChild(netns, `
        const before = t.threadReads;
        await dump(100, 12);
        console.log('mid-dump', t.threadReads > before);
        process.exit(0);
      `);
      expect(errors).toBe('');
      expect(signal).toBeNull();
      expect(code).toBe(0);
      expect(out).toContain('mid-dump true');
    });
  });

  it('a process exits by itself after a threaded dump and close()', async () => {
    await withTempNetns(async (netns) => {
      const { code, signal, out, errors, exitedAt } = await runThreadedChild(netns, `
        console.log('thread reads', t.threadReads > 0);
        await t.close();
        console.log('closed', Date.now());
      `);
      expect(errors).toBe('');
      expect(signal).toBeNull();
      expect(code).toBe(0);
      expect(out).toContain('thread reads true');
      const closedAt = Number(/closed (\d+)/.exec(out)![1]);
      expect(exitedAt - closedAt).toBeLessThan(3000);
    });
  });
});
