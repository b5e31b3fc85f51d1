import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { concatBytes } from '@nlkit/core';
import { isOverrun, OVERRUN } from '@nlkit/transport';
import type { Datagram, Inbound } from '@nlkit/transport';
import { afterAll, describe, expect, it } from 'vitest';
import { SocketError } from './errors.js';
import { openNetlink } from './live-transport.js';
import type { LiveTransport } from './live-transport.js';
import { koffiLibc } from './koffi-libc.js';
import type { Libc } from './libc.js';
import { listNetns, withTempNetns } from './netns.js';
import { isRoot, requireRootInCI, runChild } from './test-child.js';

requireRootInCI();
const here = dirname(fileURLToPath(import.meta.url));

// Just enough of the netlink wire format to talk to rtnetlink by hand.
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const RTM_NEWLINK = 16;
const RTM_GETLINK = 18;
const NLM_F_REQUEST = 0x1;
const NLM_F_ACK = 0x4;
const NLM_F_DUMP = 0x300;
const NLM_F_EXCL = 0x200;
const NLM_F_CREATE = 0x400;
const NLM_F_ACK_TLVS = 0x200;
const IFLA_IFNAME = 3;
const IFLA_MTU = 4;
const IFLA_LINKINFO = 18;
const IFLA_INFO_KIND = 1;
const NLMSGERR_ATTR_MSG = 1;
const RTNLGRP_LINK = 1;
const RTNLGRP_NEXTHOP = 32;
const RTNLGRP_BRVLAN = 33;
/** errnos a scripted sendto fails with. */
const EINTR = 4, EAGAIN = 11, ENOBUFS = 105;

interface Message {
  type: number;
  flags: number;
  seq: number;
  pid: number;
  /** The message after its 16-byte header. */
  body: DataView;
}

/** An attribute: `struct nlattr` and its payload, padded to 4 bytes. */
function attr(type: number, payload: Uint8Array): Uint8Array {
  const len = 4 + payload.length;
  const out = new Uint8Array((len + 3) & ~3);
  const v = new DataView(out.buffer);
  v.setUint16(0, len, true);
  v.setUint16(2, type, true);
  out.set(payload, 4);
  return out;
}

const cstring = (s: string): Uint8Array => new TextEncoder().encode(`${s}\0`);

/** `nlmsghdr` + `ifinfomsg { ifi_index }` + attributes. */
function linkRequest(type: number, flags: number, seq: number, index: number, ...attrs: Uint8Array[]): Uint8Array {
  const len = 32 + attrs.reduce((n, a) => n + a.length, 0);
  const out = new Uint8Array(len);
  const v = new DataView(out.buffer);
  v.setUint32(0, len, true);
  v.setUint16(4, type, true);
  v.setUint16(6, flags, true);
  v.setUint32(8, seq, true);
  v.setInt32(20, index, true);
  let off = 32;
  for (const a of attrs) {
    out.set(a, off);
    off += a.length;
  }
  return out;
}

/** The messages in one datagram. */
function messages(bytes: Uint8Array): Message[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Message[] = [];
  for (let off = 0; off + 16 <= v.byteLength; ) {
    const len = v.getUint32(off, true);
    expect(len).toBeGreaterThanOrEqual(16);
    out.push({
      type: v.getUint16(off + 4, true),
      flags: v.getUint16(off + 6, true),
      seq: v.getUint32(off + 8, true),
      pid: v.getUint32(off + 12, true),
      body: new DataView(v.buffer, v.byteOffset + off + 16, len - 16),
    });
    off += (len + 3) & ~3;
  }
  return out;
}

/** An RTM_NEWLINK's interface name (`IFLA_IFNAME`). */
function ifname(m: Message): string | undefined {
  for (let off = 16; off + 4 <= m.body.byteLength; ) {
    const len = m.body.getUint16(off, true);
    if (len < 4) break;
    if (m.body.getUint16(off + 2, true) === IFLA_IFNAME) {
      return new TextDecoder().decode(new Uint8Array(m.body.buffer, m.body.byteOffset + off + 4, len - 5));
    }
    off += (len + 3) & ~3;
  }
  return undefined;
}

/** The next item of the stream, or a failure after `ms`. */
async function next(it: AsyncIterator<Inbound>, ms = 5000): Promise<Inbound> {
  let timer: NodeJS.Timeout | undefined;
  const r = await Promise.race([
    it.next(),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`nothing received within ${ms} ms`)), ms))),
  ]).finally(() => clearTimeout(timer));
  if (r.done) throw new Error('stream ended');
  return r.value;
}

async function nextDatagram(it: AsyncIterator<Inbound>, ms?: number): Promise<Datagram> {
  const x = await next(it, ms);
  if (isOverrun(x)) throw new Error('unexpected overrun');
  return x;
}

const ip = (netns: string, ...args: string[]): void => void execFileSync('ip', ['-n', netns, ...args]);
const ipBatch = (netns: string, lines: string[]): void => void execFileSync('ip', ['-n', netns, '-batch', '-'], { input: lines.join('\n') });

/** Opens a transport in a fresh namespace, and closes both afterwards. */
function inTempNetns(options: Parameters<typeof openNetlink>[0], fn: (t: LiveTransport, netns: string) => Promise<void>): Promise<void> {
  return withTempNetns(async (netns) => {
    const t = openNetlink({ ...options, netns });
    try {
      await fn(t, netns);
    } finally {
      await t.close();
    }
  });
}

const openFds = (): number => readdirSync('/proc/self/fd').length;

/**
 * koffi's Libc, counting the receive and send calls made through it
 * (`recvmmsg` left out when `burst` is false); `sendto.refuse` lists errnos
 * the next `sendto` calls fail with, without sending.
 */
function countingLibc(burst = true, sendto?: { refuse: number[] }): { libc: Libc; calls: { recvmsg: number; recvmmsg: number; sendto: number } } {
  const real = koffiLibc() as unknown as Record<string, (...a: unknown[]) => unknown>;
  const calls = { recvmsg: 0, recvmmsg: 0, sendto: 0 };
  const names = ['socket', 'bind', 'getsockname', 'setsockopt', 'getsockopt', 'sendto', 'recvmsg', 'allocRecvBuffer', 'close', 'open', 'setns', 'unshare', 'mount', 'umount2', 'watchReadable'];
  if (burst) names.push('recvmmsg', 'allocRecvBatch');
  const libc: Record<string, (...a: unknown[]) => unknown> = {};
  for (const name of names) {
    libc[name] = (...a) => {
      if (name === 'recvmsg' || name === 'recvmmsg' || name === 'sendto') calls[name]++;
      // A scripted sendto failure (-errno) before the real call, as the kernel would refuse.
      const errno = name === 'sendto' ? sendto?.refuse.shift() : undefined;
      if (errno !== undefined) return -errno;
      return real[name]!(...a);
    };
  }
  return { libc: libc as unknown as Libc, calls };
}

/** `n` requests setting lo's MTU, in one datagram, seqs from `seq`: each answered by an ACK, and an RTM_NEWLINK event to RTNLGRP_LINK. */
function mtuChanges(n: number, seq: number): Uint8Array {
  return concatBytes(Array.from({ length: n }, (_, i) => {
    const mtu = new Uint8Array(4);
    new DataView(mtu.buffer).setUint32(0, 60000 + seq + i, true);
    return linkRequest(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, seq + i, 1, attr(IFLA_MTU, mtu));
  }));
}

describe.skipIf(!isRoot)('LiveTransport (live, root)', () => {
  afterAll(() => {
    expect(listNetns().filter((n) => n.startsWith(`nlkit-test-${process.pid}-`))).toEqual([]);
  });

  it('binds, reports its port id and groups, and joins groups above 32', async () => {
    await inTempNetns({ groups: [RTNLGRP_LINK, RTNLGRP_BRVLAN] }, async (t, netns) => {
      expect(t.info.protocol).toBe(0);
      expect(t.info.portId).toBeGreaterThan(0);
      expect(t.info.groups).toEqual([RTNLGRP_LINK, RTNLGRP_BRVLAN]);
      expect(t.info.netns).toBe(netns);
      expect(t.memberships()).toEqual([RTNLGRP_LINK, RTNLGRP_BRVLAN]);
      t.dropMembership(RTNLGRP_LINK);
      t.addMembership(RTNLGRP_NEXTHOP);
      expect(t.memberships()).toEqual([RTNLGRP_NEXTHOP, RTNLGRP_BRVLAN]);
      expect(t.info.groups).toEqual([RTNLGRP_NEXTHOP, RTNLGRP_BRVLAN]);
    });
  });

  it('binds a chosen port id, and refuses one that is taken', async () => {
    await withTempNetns(async (netns) => {
      const portId = 0x7f000000 + (process.pid & 0xffff);
      const a = openNetlink({ netns, portId });
      try {
        expect(a.info.portId).toBe(portId);
        expect(() => openNetlink({ netns, portId })).toThrow(expect.objectContaining({ code: 'EADDRINUSE', syscall: 'bind' }));
      } finally {
        await a.close();
      }
    });
  });

  it('opens other netlink protocols, and names an unknown one', async () => {
    await withTempNetns(async (netns) => {
      const genl = openNetlink({ netns, protocol: 16 });
      expect(genl.info.protocol).toBe(16);
      await genl.close();
      expect(() => openNetlink({ netns, protocol: 31 })).toThrow(expect.objectContaining({ code: 'EPROTONOSUPPORT', syscall: 'socket' }));
    });
  });

  it('sets and reads socket options', async () => {
    await inTempNetns({ receiveBufferSize: 300_000, sendBufferSize: 100_000, strictCheck: true, capAck: true, noEnobufs: true }, async (t) => {
      // SOL_SOCKET = 1, SO_RCVBUF = 8, SO_SNDBUF = 7; the kernel doubles what it was given.
      expect(t.getOption(1, 8)).toBe(Math.min(300_000, Number(readSysctl('net/core/rmem_max'))) * 2);
      expect(t.getOption(1, 7)).toBe(Math.min(100_000, Number(readSysctl('net/core/wmem_max'))) * 2);
      // SOL_NETLINK = 270: NETLINK_GET_STRICT_CHK = 12, NETLINK_CAP_ACK = 10, NETLINK_NO_ENOBUFS = 5, NETLINK_EXT_ACK = 11.
      expect(t.getOption(270, 12)).toBe(1);
      expect(t.getOption(270, 10)).toBe(1);
      expect(t.getOption(270, 5)).toBe(1);
      expect(t.getOption(270, 11)).toBe(1);
      t.setOption(270, 5, 0);
      expect(t.getOption(270, 5)).toBe(0);
    });
    await inTempNetns({ receiveBufferSize: 8_000_000, forceBufferSizes: true, extAck: false }, async (t) => {
      expect(t.getOption(1, 8)).toBe(16_000_000);
      expect(t.getOption(270, 11)).toBe(0);
    });
  });

  it('a request gets its reply and its ack', async () => {
    await inTempNetns({}, async (t) => {
      const it = t.receive()[Symbol.asyncIterator]();
      await t.send(linkRequest(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 7, 1));
      const reply = await nextDatagram(it);
      expect(reply.group).toBe(0);
      const [link] = messages(reply.bytes);
      expect(link).toMatchObject({ type: RTM_NEWLINK, seq: 7, pid: t.info.portId });
      expect(link!.body.getInt32(4, true)).toBe(1); // ifi_index
      expect(ifname(link!)).toBe('lo');
      const ack = messages((await nextDatagram(it)).bytes);
      expect(ack).toHaveLength(1);
      expect(ack[0]).toMatchObject({ type: NLMSG_ERROR, seq: 7 });
      expect(ack[0]!.body.getInt32(0, true)).toBe(0);
    });
  });

  it('takeNow() hands out, in order and without waiting, what one read brought, before a pending next() is woken', async () => {
    await inTempNetns({}, async (t) => {
      const it = t.receive()[Symbol.asyncIterator]();
      // Ten requests in one datagram: the kernel answers each with a reply and an ACK, twenty datagrams.
      const reqs = Array.from({ length: 10 }, (_, i) => linkRequest(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 100 + i, 1));
      const batch = new Uint8Array(reqs.reduce((n, r) => n + r.length, 0));
      reqs.reduce((at, r) => (batch.set(r, at), at + r.length), 0);
      await t.send(batch);
      const got = [messages((await nextDatagram(it)).bytes)[0]!];
      for (let x = t.takeNow(); x !== undefined; x = t.takeNow()) {
        if (isOverrun(x)) throw new Error('unexpected overrun');
        got.push(messages(x.bytes)[0]!);
      }
      expect(got.map((m) => [m.seq, m.type])).toEqual(reqs.flatMap((_, i) => [[100 + i, RTM_NEWLINK], [100 + i, NLMSG_ERROR]]));
      expect(t.takeNow()).toBeUndefined();
      // With a next() pending, the sender takes the reply read inside send() first; the pending next() gets what comes after.
      const pending = it.next();
      const sent = t.send(linkRequest(RTM_GETLINK, NLM_F_REQUEST, 200, 1));
      const taken = t.takeNow();
      expect(taken && !isOverrun(taken) && messages(taken.bytes)[0]).toMatchObject({ seq: 200, type: RTM_NEWLINK });
      await sent;
      await t.send(linkRequest(RTM_GETLINK, NLM_F_REQUEST, 201, 1));
      const r = await pending;
      expect(messages((r.value as Datagram).bytes)[0]).toMatchObject({ seq: 201, type: RTM_NEWLINK });
    });
  });

  it('sendNow() sends at once, or sends nothing and returns false when the socket is full (EAGAIN); send() then waits for room; EINTR is retried', async () => {
    const script = { refuse: [] as number[] };
    const { libc, calls } = countingLibc(true, script);
    await inTempNetns({ libc }, async (t) => {
      // A reader waits, as the engine's does: the reply read inside the send is the sender's to take first.
      const pending = t.receive()[Symbol.asyncIterator]().next();
      expect(t.sendNow(linkRequest(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 300, 1))).toBe(true);
      const taken = [t.takeNow(), t.takeNow()].map((x) => (x && !isOverrun(x) ? messages(x.bytes)[0] : undefined));
      expect(taken.map((m) => [m?.seq, m?.type])).toEqual([[300, RTM_NEWLINK], [300, NLMSG_ERROR]]);
      // Interrupted twice, then sent: one call of sendNow, three of sendto.
      script.refuse.push(EINTR, EINTR);
      calls.sendto = 0;
      expect(t.sendNow(linkRequest(RTM_GETLINK, NLM_F_REQUEST, 301, 1))).toBe(true);
      expect(calls.sendto).toBe(3);
      expect(messages((t.takeNow() as Datagram).bytes)[0]).toMatchObject({ seq: 301, type: RTM_NEWLINK });
      // A full socket: false, and nothing reached the kernel.
      script.refuse.push(EAGAIN);
      expect(t.sendNow(linkRequest(RTM_GETLINK, NLM_F_REQUEST, 302, 1))).toBe(false);
      await new Promise((r) => setTimeout(r, 20));
      expect(t.takeNow()).toBeUndefined();
      let woken = false;
      void pending.then(() => (woken = true));
      await new Promise((r) => setTimeout(r, 0));
      expect(woken).toBe(false);
      // send() retries after a pause while the socket stays full, then sends.
      script.refuse.push(EAGAIN, EAGAIN);
      calls.sendto = 0;
      await t.send(linkRequest(RTM_GETLINK, NLM_F_REQUEST, 303, 1));
      expect(calls.sendto).toBe(3);
      // The waiting reader's first datagram is 303's reply: 302 never reached the kernel.
      expect(messages(((await pending).value as Datagram).bytes)[0]).toMatchObject({ seq: 303, type: RTM_NEWLINK });
      // Any other errno is thrown, as send() rejects with it.
      script.refuse.push(ENOBUFS);
      expect(() => t.sendNow(linkRequest(RTM_GETLINK, NLM_F_REQUEST, 304, 1))).toThrow(expect.objectContaining({ code: 'ENOBUFS', syscall: 'sendto' }));
    });
  });

  it('a datagram too large for the receive buffer is an EMSGSIZE error, not silent loss; the buffer grows', async () => {
    await inTempNetns({ datagramBufferSize: 64 }, async (t) => {
      const it = t.receive()[Symbol.asyncIterator]();
      // lo's RTM_NEWLINK is several hundred bytes: cut short, and reported.
      await t.send(linkRequest(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 5, 1));
      const err = await next(it).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(SocketError);
      expect(err).toMatchObject({ code: 'EMSGSIZE', syscall: 'recvmsg' });
      expect((err as Error).message).toMatch(/did not fit the 64-byte receive buffer and was lost/);
      // The stream goes on: the ACK after it, then the same reply again, whole.
      const ack = messages((await nextDatagram(it)).bytes);
      expect(ack[0]).toMatchObject({ type: NLMSG_ERROR, seq: 5 });
      await t.send(linkRequest(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 6, 1));
      const [link] = messages((await nextDatagram(it)).bytes);
      expect(link).toMatchObject({ type: RTM_NEWLINK, seq: 6 });
      expect(ifname(link!)).toBe('lo');
      expect(messages((await nextDatagram(it)).bytes)[0]).toMatchObject({ type: NLMSG_ERROR, seq: 6 });
    });
  });

  it('a burst of replies is taken with recvmmsg, in order, each datagram with its own group', async () => {
    for (const burst of [true, false]) {
      const { libc, calls } = countingLibc(burst);
      await inTempNetns({ libc, groups: [RTNLGRP_LINK] }, async (t) => {
        const it = t.receive()[Symbol.asyncIterator]();
        await t.send(mtuChanges(40, 100));
        const acks: number[] = [];
        let events = 0;
        while (acks.length < 40) {
          const d = await nextDatagram(it);
          for (const m of messages(d.bytes)) {
            if (m.type === NLMSG_ERROR) {
              expect(d.group).toBe(0);
              expect(m.body.getInt32(0, true)).toBe(0);
              acks.push(m.seq);
            } else {
              expect(m.type).toBe(RTM_NEWLINK);
              expect(d.group).toBe(RTNLGRP_LINK);
              events++;
            }
          }
        }
        expect(acks).toEqual(Array.from({ length: 40 }, (_, i) => 100 + i));
        expect(events).toBeGreaterThan(0);
        if (burst) {
          // 40 ACKs and as many events, 16 to a call: a handful of calls, not one per datagram.
          expect(calls.recvmmsg).toBeGreaterThan(0);
          expect(calls.recvmmsg + calls.recvmsg).toBeLessThan(20);
        } else {
          expect(calls.recvmsg).toBeGreaterThanOrEqual(80);
        }
      });
    }
  });

  it('in a burst, a datagram too large for the buffer is an EMSGSIZE error in its place; the others come whole, and the buffer grows', async () => {
    const { libc, calls } = countingLibc();
    await inTempNetns({ libc, datagramBufferSize: 64 }, async (t) => {
      const it = t.receive()[Symbol.asyncIterator]();
      // Three requests for lo: each reply (hundreds of bytes) is cut short, each ACK (36 bytes) fits.
      const three = new Uint8Array(96);
      for (let i = 0; i < 3; i++) three.set(linkRequest(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 20 + i, 1), 32 * i);
      await t.send(three);
      for (let i = 0; i < 3; i++) {
        const err = await next(it).then(() => undefined, (e: unknown) => e);
        expect(err).toBeInstanceOf(SocketError);
        expect(err).toMatchObject({ code: 'EMSGSIZE', syscall: 'recvmmsg' });
        expect((err as Error).message).toMatch(/did not fit the 64-byte receive buffer and was lost; the buffer now holds 2048 bytes/);
        expect(messages((await nextDatagram(it)).bytes)[0]).toMatchObject({ type: NLMSG_ERROR, seq: 20 + i });
      }
      expect(calls.recvmmsg).toBeGreaterThan(0);
      // The buffer grew (64 -> 2048 for a reply of a kilobyte or so): the next burst's replies come whole.
      const again = new Uint8Array(64);
      for (let i = 0; i < 2; i++) again.set(linkRequest(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 30 + i, 1), 32 * i);
      await t.send(again);
      for (let i = 0; i < 2; i++) {
        const [link] = messages((await nextDatagram(it)).bytes);
        expect(link).toMatchObject({ type: RTM_NEWLINK, seq: 30 + i });
        expect(ifname(link!)).toBe('lo');
        expect(messages((await nextDatagram(it)).bytes)[0]).toMatchObject({ type: NLMSG_ERROR, seq: 30 + i });
      }
    });
  });

  it('a dump of 401 links arrives whole, up to NLMSG_DONE', async () => {
    await inTempNetns({}, async (t, netns) => {
      ipBatch(netns, Array.from({ length: 200 }, (_, i) => `link add va${i} type veth peer name vb${i}`));
      await t.send(linkRequest(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 42, 0));
      const names = new Set<string>();
      let datagrams = 0;
      let done = false;
      for await (const x of t.receive()) {
        if (isOverrun(x)) throw new Error('unexpected overrun');
        datagrams++;
        for (const m of messages(x.bytes)) {
          expect(m.seq).toBe(42);
          if (m.type === NLMSG_DONE) done = true;
          else {
            expect(m.type).toBe(RTM_NEWLINK);
            names.add(ifname(m)!);
          }
        }
        if (done) break;
      }
      expect(names.size).toBe(401);
      expect(names).toContain('lo');
      expect(names).toContain('va199');
      expect(names).toContain('vb0');
      expect(datagrams).toBeGreaterThan(1);
    });
  });

  it('an error reply carries the negative errno', async () => {
    await inTempNetns({}, async (t) => {
      const it = t.receive()[Symbol.asyncIterator]();
      await t.send(linkRequest(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 9, 9999));
      const [err] = messages((await nextDatagram(it)).bytes);
      expect(err).toMatchObject({ type: NLMSG_ERROR, seq: 9 });
      expect(err!.body.getInt32(0, true)).toBe(-19); // -ENODEV
    });
  });

  it('with NETLINK_EXT_ACK the kernel explains itself (NLM_F_ACK_TLVS); without, it does not', async () => {
    const badKind = (seq: number): Uint8Array =>
      linkRequest(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, seq, 0,
        attr(IFLA_IFNAME, cstring('nlk0')),
        attr(IFLA_LINKINFO, attr(IFLA_INFO_KIND, cstring('nlkit-no-such-kind'))));
    await inTempNetns({}, async (t) => {
      const it = t.receive()[Symbol.asyncIterator]();
      await t.send(badKind(11));
      const [err] = messages((await nextDatagram(it)).bytes);
      expect(err).toMatchObject({ type: NLMSG_ERROR, seq: 11 });
      expect(err!.body.getInt32(0, true)).toBe(-95); // -EOPNOTSUPP
      expect(err!.flags & NLM_F_ACK_TLVS).toBe(NLM_F_ACK_TLVS);
      // nlmsgerr = error + the request's header and payload (no NETLINK_CAP_ACK), then the TLVs.
      const requestLen = err!.body.getUint32(4, true);
      let text: string | undefined;
      for (let off = 4 + ((requestLen + 3) & ~3); off + 4 <= err!.body.byteLength; ) {
        const len = err!.body.getUint16(off, true);
        if (err!.body.getUint16(off + 2, true) === NLMSGERR_ATTR_MSG) {
          text = new TextDecoder().decode(new Uint8Array(err!.body.buffer, err!.body.byteOffset + off + 4, len - 5));
        }
        off += (len + 3) & ~3;
      }
      expect(text).toMatch(/unknown device type/i);
    });
    await inTempNetns({ extAck: false }, async (t) => {
      const it = t.receive()[Symbol.asyncIterator]();
      await t.send(badKind(12));
      const [err] = messages((await nextDatagram(it)).bytes);
      expect(err!.body.getInt32(0, true)).toBe(-95);
      expect(err!.flags & NLM_F_ACK_TLVS).toBe(0);
    });
  });

  it('delivers RTM_NEWLINK events as they happen, with their group', async () => {
    await inTempNetns({ groups: [RTNLGRP_LINK] }, async (t, netns) => {
      const it = t.receive()[Symbol.asyncIterator]();
      ip(netns, 'link', 'add', 'ev0', 'type', 'veth', 'peer', 'name', 'ev1');
      const seen = async (name: string, up: boolean): Promise<void> => {
        for (;;) {
          const d = await nextDatagram(it);
          expect(d.group).toBe(RTNLGRP_LINK);
          const m = messages(d.bytes).find((x) => x.type === RTM_NEWLINK && ifname(x) === name);
          // ifi_flags & IFF_UP
          if (m && ((m.body.getUint32(8, true) & 1) === 1) === up) return;
        }
      };
      await seen('ev0', false);
      ip(netns, 'link', 'set', 'ev0', 'up');
      await seen('ev0', true);
      ip(netns, 'link', 'set', 'ev0', 'down');
      await seen('ev0', false);
    });
  });

  it('reports the group of events above 31 (RTNLGRP_NEXTHOP = 32, the top bit of nl_groups)', async () => {
    await inTempNetns({ groups: [RTNLGRP_NEXTHOP] }, async (t, netns) => {
      ip(netns, 'link', 'set', 'lo', 'up');
      const it = t.receive()[Symbol.asyncIterator]();
      ip(netns, 'nexthop', 'add', 'id', '7', 'blackhole');
      const d = await nextDatagram(it);
      expect(d.group).toBe(RTNLGRP_NEXTHOP);
      expect(messages(d.bytes)[0]!.type).toBe(104); // RTM_NEWNEXTHOP
    });
  });

  it('after dropMembership, a request is answered and no event comes first', async () => {
    await inTempNetns({ groups: [RTNLGRP_LINK] }, async (t, netns) => {
      const it = t.receive()[Symbol.asyncIterator]();
      ip(netns, 'link', 'set', 'lo', 'up');
      expect((await nextDatagram(it)).group).toBe(RTNLGRP_LINK);
      t.dropMembership(RTNLGRP_LINK);
      ip(netns, 'link', 'set', 'lo', 'down');
      await t.send(linkRequest(RTM_GETLINK, NLM_F_REQUEST, 5, 1));
      const d = await nextDatagram(it);
      expect(d.group).toBe(0);
      expect(messages(d.bytes)[0]).toMatchObject({ type: RTM_NEWLINK, seq: 5 });
    });
  });

  it('a receive buffer overflow (ENOBUFS) shows as OVERRUN in the stream, which goes on', async () => {
    await inTempNetns({ groups: [RTNLGRP_LINK], receiveBufferSize: 1024 }, async (t, netns) => {
      // A storm of link changes while nobody reads: the kernel drops events.
      const lines = Array.from({ length: 10 }, (_, i) => `link add st${i} type veth peer name su${i}`);
      for (let round = 0; round < 5; round++) {
        for (let i = 0; i < 10; i++) lines.push(`link set st${i} up`, `link set st${i} down`);
      }
      ipBatch(netns, lines);
      const it = t.receive()[Symbol.asyncIterator]();
      const seen: Inbound[] = [];
      for (;;) {
        const x = await next(it);
        seen.push(x);
        if (isOverrun(x)) break;
        expect(seen.length).toBeLessThan(50);
      }
      expect(seen.at(-1)).toBe(OVERRUN);
      // The stream goes on: a request still gets its answer.
      await t.send(linkRequest(RTM_GETLINK, NLM_F_REQUEST, 77, 1));
      for (;;) {
        const x = await next(it);
        if (!isOverrun(x) && x.group === 0) {
          expect(messages(x.bytes)[0]).toMatchObject({ type: RTM_NEWLINK, seq: 77 });
          break;
        }
      }
    });
  });

  it('an overrun while readers wait (EPOLLERR) does not stop later deliveries', async () => {
    await inTempNetns({ groups: [RTNLGRP_LINK], receiveBufferSize: 1024 }, async (t, netns) => {
      const it = t.receive()[Symbol.asyncIterator]();
      // More readers waiting than the small buffer holds datagrams.
      const got: Inbound[] = [];
      const pending = Array.from({ length: 20 }, () => it.next().then((r) => void (r.done || got.push(r.value))));
      ipBatch(netns, [
        ...Array.from({ length: 5 }, (_, i) => `link add so${i} type veth peer name sp${i}`),
        ...Array.from({ length: 5 }, (_, i) => `link set so${i} up`),
      ]);
      // epoll reports the socket's ENOBUFS as EPOLLERR, on which libuv stops the poll handle.
      const until = async (what: () => boolean): Promise<void> => {
        for (let waited = 0; !what(); waited += 10) {
          if (waited > 3000) throw new Error(`stalled after ${got.length} items`);
          await new Promise((r) => setTimeout(r, 10));
        }
      };
      await until(() => got.includes(OVERRUN));
      expect(got.length).toBeLessThan(20);
      // Readers are still waiting: a new event must reach them.
      ip(netns, 'link', 'set', 'lo', 'up');
      await until(() => got.some((x) => !isOverrun(x) && messages(x.bytes).some((m) => ifname(m) === 'lo')));
      await t.close();
      await Promise.all(pending);
    });
  });

  it('datagrams handed out are never overwritten by later receives', async () => {
    await inTempNetns({}, async (t) => {
      const it = t.receive()[Symbol.asyncIterator]();
      const kept: Uint8Array[] = [];
      for (let seq = 1; seq <= 20; seq++) {
        await t.send(linkRequest(RTM_GETLINK, NLM_F_REQUEST, seq, seq % 2 === 0 ? 1 : 9999));
        kept.push((await nextDatagram(it)).bytes);
      }
      kept.forEach((bytes, i) => expect(messages(bytes)[0]!.seq).toBe(i + 1));
    });
  });

  it('a pending receive does not hold up the event loop, and costs no CPU while waiting', async () => {
    await inTempNetns({}, async (t) => {
      const it = t.receive()[Symbol.asyncIterator]();
      const pending = it.next();
      const cpu = process.cpuUsage();
      const t0 = performance.now();
      await new Promise((r) => setTimeout(r, 500));
      const elapsed = performance.now() - t0;
      const used = process.cpuUsage(cpu);
      expect(elapsed).toBeLessThan(1500);
      expect((used.user + used.system) / 1000).toBeLessThan(150);
      await t.send(linkRequest(RTM_GETLINK, NLM_F_REQUEST, 3, 1));
      const r = await pending;
      expect(r.done).toBe(false);
    });
  });

  it('close() ends a pending for-await; later reads are done and sends reject', async () => {
    await withTempNetns(async (netns) => {
      const t = openNetlink({ netns });
      const fd = t.fd;
      let iterations = 0;
      const loop = (async () => {
        for await (const _ of t.receive()) iterations++;
        return 'ended';
      })();
      await new Promise((r) => setTimeout(r, 20));
      await t.close();
      await expect(loop).resolves.toBe('ended');
      expect(iterations).toBe(0);
      expect(t.closed).toBe(true);
      expect(t.fd).toBe(-1);
      expect(readdirSync('/proc/self/fd')).not.toContain(String(fd));
      expect(await t.receive()[Symbol.asyncIterator]().next()).toEqual({ done: true, value: undefined });
      await t.close(); // idempotent
      const sent = t.send(linkRequest(RTM_GETLINK, NLM_F_REQUEST, 1, 1));
      await expect(sent).rejects.toBeInstanceOf(SocketError);
      await expect(sent).rejects.toMatchObject({ code: 'EBADF', syscall: 'sendto', message: expect.stringContaining('closed') });
      expect(() => t.sendNow(linkRequest(RTM_GETLINK, NLM_F_REQUEST, 2, 1))).toThrow(expect.objectContaining({ code: 'EBADF', syscall: 'sendto' }));
      expect(() => t.addMembership(1)).toThrow(/closed/);
    });
  });

  it('breaking out of a for-await leaves the stream usable', async () => {
    await inTempNetns({}, async (t) => {
      await t.send(linkRequest(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 1, 1));
      for await (const x of t.receive()) {
        expect(isOverrun(x)).toBe(false);
        break;
      }
      const ack = await nextDatagram(t.receive()[Symbol.asyncIterator]());
      expect(messages(ack.bytes)[0]).toMatchObject({ type: NLMSG_ERROR, seq: 1 });
    });
  });

  it('a process exits by itself after close()', async () => {
    await withTempNetns(async (netns) => {
      const index = pathToFileURL(join(here, 'index.ts')).href;
      const script = `
        import { openNetlink } from ${JSON.stringify(index)};
        const t = openNetlink({ netns: process.env.NLKIT_NETNS, groups: [1] });
        const req = new Uint8Array(32);
        const v = new DataView(req.buffer);
        v.setUint32(0, 32, true); v.setUint16(4, 18, true); v.setUint16(6, 1, true); v.setUint32(8, 1, true); v.setInt32(20, 1, true);
        await t.send(req);
        const it = t.receive()[Symbol.asyncIterator]();
        const reply = await it.next();
        console.log('received', reply.value.bytes.length);
        const loop = (async () => { for await (const _ of t.receive()) {} console.log('loop ended'); })();
        setTimeout(async () => { await t.close(); console.log('closed', Date.now()); }, 50);
        await loop;
      `;
      const { code, signal, out, errors, exitedAt } = await runChild(script, { NLKIT_NETNS: netns }, 20_000);
      expect(errors).toBe('');
      expect(signal).toBeNull();
      expect(code).toBe(0);
      expect(out.split('\n').map((l) => l.replace(/\d+/, 'N')).sort()).toEqual(['', 'closed N', 'loop ended', 'received N']);
      const closedAt = Number(/closed (\d+)/.exec(out)![1]);
      expect(exitedAt - closedAt).toBeLessThan(3000);
    });
  });

  it('10,000 open/close cycles leave no descriptor and no native memory behind', async () => {
    await withTempNetns(async (netns) => {
      const fds = openFds();
      const rss = process.memoryUsage().rss;
      for (let i = 0; i < 10_000; i++) {
        const t = openNetlink({ netns, groups: [RTNLGRP_LINK] });
        if (i % 1000 === 0) {
          // Now and then, a full round trip, so the readiness watch is made and released too.
          const it = t.receive()[Symbol.asyncIterator]();
          const pending = it.next();
          await t.send(linkRequest(RTM_GETLINK, NLM_F_REQUEST, i + 1, 1));
          expect((await pending).done).toBe(false);
        }
        await t.close();
      }
      expect(openFds()).toBe(fds);
      // Each transport holds a 64 KiB native receive buffer: leaking them would add ~640 MiB.
      expect(process.memoryUsage().rss - rss).toBeLessThan(128 * 1024 * 1024);
    });
  });
});

function readSysctl(name: string): string {
  return readFileSync(`/proc/sys/${name}`, 'utf8').trim();
}
