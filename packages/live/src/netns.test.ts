import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { SocketError } from './errors.js';
import { koffiLibc } from './koffi-libc.js';
import type { Libc } from './libc.js';
import { openNetlink } from './live-transport.js';
import { addNetns, deleteNetns, listNetns, NETNS_RUN_DIR, netnsPath, runInNetns, withTempNetns } from './netns.js';
import { isRoot, requireRootInCI } from './test-child.js';

requireRootInCI();

/** The inode of the namespace the calling thread is in. */
const threadNetns = (): number => statSync('/proc/thread-self/ns/net').ino;
/** The inode of a namespace file. */
const nsInode = (path: string): number => statSync(path).ino;
const uniqueName = (): string => `nlkit-test-${process.pid}-${randomBytes(4).toString('hex')}`;

/** A Libc that forwards to the real one, with some calls replaced. */
function libcWith(overrides: Partial<Libc>): Libc {
  const real = koffiLibc();
  return new Proxy(real, {
    get(target, key: keyof Libc) {
      const own = overrides[key];
      if (own !== undefined) return own;
      const v = target[key];
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

describe('netnsPath', () => {
  it('maps names, paths and pids as iproute2 does', () => {
    expect(netnsPath('blue')).toBe('/run/netns/blue');
    expect(netnsPath('/var/run/docker/netns/abc')).toBe('/var/run/docker/netns/abc');
    expect(netnsPath({ pid: 42 })).toBe('/proc/42/ns/net');
  });

  it('refuses names that are not one path component, and bad pids', () => {
    for (const bad of ['', '.', '..', 'a\0b', 'x'.repeat(256)]) expect(() => netnsPath(bad)).toThrow(RangeError);
    expect(() => netnsPath({ pid: 0 })).toThrow(RangeError);
    expect(() => netnsPath({ pid: 1.5 })).toThrow(RangeError);
  });
});

describe.skipIf(!isRoot)('network namespaces (live, root)', () => {
  afterAll(() => {
    expect(listNetns().filter((n) => n.startsWith(`nlkit-test-${process.pid}-`))).toEqual([]);
  });

  it('add, list and delete like ip netns, without moving the thread', () => {
    const before = threadNetns();
    const name = uniqueName();
    try {
      expect(addNetns(name)).toBe(`${NETNS_RUN_DIR}/${name}`);
      expect(threadNetns()).toBe(before);
      expect(listNetns()).toContain(name);
      // iproute2 sees it, and it is a different namespace from ours.
      expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).toContain(name);
      expect(nsInode(`${NETNS_RUN_DIR}/${name}`)).not.toBe(before);
      // /run/netns is a shared mount, as `ip netns add` leaves it.
      const mountinfo = readFileSync('/proc/self/mountinfo', 'utf8');
      expect(mountinfo.split('\n').some((l) => l.split(' ')[4] === NETNS_RUN_DIR && / shared:\d+/.test(l))).toBe(true);
    } finally {
      deleteNetns(name);
    }
    expect(listNetns()).not.toContain(name);
    expect(existsSync(`${NETNS_RUN_DIR}/${name}`)).toBe(false);
  });

  it('EEXIST when the name is taken, ENOENT when it is missing', async () => {
    await withTempNetns((name) => {
      expect(() => addNetns(name)).toThrow(expect.objectContaining({ name: 'SocketError', code: 'EEXIST', errno: 17 }));
    });
    const missing = uniqueName();
    let err: unknown;
    try {
      deleteNetns(missing);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SocketError);
    expect(err).toMatchObject({ code: 'ENOENT', syscall: 'unlink', path: `${NETNS_RUN_DIR}/${missing}` });
    expect(() => runInNetns(missing, () => 0)).toThrow(expect.objectContaining({ code: 'ENOENT', syscall: 'open' }));
  });

  it('runInNetns runs inside the namespace and comes back', async () => {
    const home = threadNetns();
    await withTempNetns((name) => {
      const target = nsInode(netnsPath(name));
      expect(runInNetns(name, threadNetns)).toBe(target);
      expect(threadNetns()).toBe(home);
      expect(runInNetns({ pid: process.pid }, threadNetns)).toBe(home);
    });
  });

  it('restores the thread when fn throws, and refuses async fns', async () => {
    const home = threadNetns();
    await withTempNetns((name) => {
      expect(() =>
        runInNetns(name, () => {
          throw new Error('boom');
        }),
      ).toThrow('boom');
      expect(threadNetns()).toBe(home);
      expect(() => runInNetns(name, async () => 1)).toThrow(TypeError);
      expect(threadNetns()).toBe(home);
    });
  });

  it('a socket() failure between the two setns calls leaves the thread at home', async () => {
    const home = threadNetns();
    await withTempNetns((name) => {
      const target = nsInode(netnsPath(name));
      let seenInside: number | undefined;
      const throwing = libcWith({
        socket: () => {
          seenInside = threadNetns();
          throw new Error('injected socket failure');
        },
      });
      expect(() => openNetlink({ netns: name, libc: throwing })).toThrow('injected socket failure');
      expect(seenInside).toBe(target);
      expect(threadNetns()).toBe(home);

      const failing = libcWith({ socket: () => -24 });
      expect(() => openNetlink({ netns: name, libc: failing })).toThrow(expect.objectContaining({ code: 'EMFILE', syscall: 'socket' }));
      expect(threadNetns()).toBe(home);
    });
  });

  it('a mount() failure in addNetns leaves the thread at home and nothing behind', () => {
    const home = threadNetns();
    const name = uniqueName();
    let unshared: number | undefined;
    const failing = libcWith({
      mount: (source, target, fstype, flags) => {
        if (source !== '/proc/thread-self/ns/net') return koffiLibc().mount(source, target, fstype, flags);
        unshared = threadNetns();
        return -1; // EPERM
      },
    });
    expect(() => addNetns(name, failing)).toThrow(expect.objectContaining({ code: 'EPERM', syscall: 'mount(MS_BIND)' }));
    expect(unshared).toBeDefined();
    expect(unshared).not.toBe(home);
    expect(threadNetns()).toBe(home);
    expect(listNetns()).not.toContain(name);
  });

  it('withTempNetns deletes the namespace when the body throws', async () => {
    let seen = '';
    await expect(
      withTempNetns((name) => {
        seen = name;
        expect(listNetns()).toContain(name);
        throw new Error('body failed');
      }),
    ).rejects.toThrow('body failed');
    expect(seen).toMatch(new RegExp(`^nlkit-test-${process.pid}-[0-9a-f]{8}$`));
    expect(listNetns()).not.toContain(seen);
  });

  it('a socket opened in a namespace stays there', async () => {
    await withTempNetns(async (name) => {
      const t = openNetlink({ netns: name });
      try {
        expect(t.info.netns).toBe(name);
        // A dump lists the namespace's own links only: just lo, ifindex 1.
        const req = new Uint8Array(32);
        const v = new DataView(req.buffer);
        v.setUint32(0, 32, true);
        v.setUint16(4, 18, true); // RTM_GETLINK
        v.setUint16(6, 0x301, true); // NLM_F_REQUEST | NLM_F_DUMP
        v.setUint32(8, 1, true);
        await t.send(req);
        const indexes: number[] = [];
        for await (const x of t.receive()) {
          if (!('bytes' in x)) continue;
          const d = new DataView(x.bytes.buffer, x.bytes.byteOffset, x.bytes.byteLength);
          let off = 0;
          let done = false;
          while (off < d.byteLength) {
            const type = d.getUint16(off + 4, true);
            if (type === 3) done = true;
            else indexes.push(d.getInt32(off + 20, true));
            off += (d.getUint32(off, true) + 3) & ~3;
          }
          if (done) break;
        }
        expect(indexes).toEqual([1]);
      } finally {
        await t.close();
      }
    });
  });
});
