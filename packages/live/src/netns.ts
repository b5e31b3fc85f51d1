/**
 * Network namespaces, the way `ip netns` keeps them: a namespace stays alive
 * while a bind mount of its nsfs file sits at `/run/netns/NAME`.
 *
 * Namespace switches act on the calling thread only (`setns(2)` and
 * `unshare(2)` with `CLONE_NEWNET` are per-thread). Everything here runs
 * synchronously on Node's main thread and puts the thread back into the
 * namespace it started in before returning or throwing, so no other
 * JavaScript ever runs in a foreign namespace.
 */
import { mkdirSync, readdirSync, unlinkSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import {
  CLONE_NEWNET,
  MNT_DETACH,
  MS_BIND,
  MS_REC,
  MS_SHARED,
  O_CLOEXEC,
  O_CREAT,
  O_EXCL,
  O_RDONLY,
} from './constants.js';
import { check, SocketError } from './errors.js';
import { koffiLibc } from './koffi-libc.js';
import type { Libc } from './libc.js';

/** Where named namespaces are bind-mounted (`NETNS_RUN_DIR` in iproute2). */
export const NETNS_RUN_DIR = '/run/netns';

/** The calling thread's own network namespace file. */
const THREAD_NETNS = '/proc/thread-self/ns/net';

const EINVAL = 22;
const ENOENT = 2;

/**
 * A network namespace to act in:
 * - a name (no `/`): the namespace bind-mounted at `/run/netns/NAME` by
 *   `ip netns add` or {@link addNetns};
 * - a path (containing `/`): any nsfs file, e.g. `/var/run/docker/netns/…`;
 * - `{ pid }`: the namespace of that process, `/proc/PID/ns/net`.
 */
export type NetnsTarget = string | {
  /** A process id: the namespace is the one `/proc/PID/ns/net` names. */
  readonly pid: number;
};

/** The nsfs file that names `target` (the rule of iproute2's `netns_get_fd`). */
export function netnsPath(target: NetnsTarget): string {
  if (typeof target === 'string') {
    if (target.includes('/')) return target;
    validateName(target);
    return `${NETNS_RUN_DIR}/${target}`;
  }
  if (!Number.isInteger(target.pid) || target.pid <= 0) throw new RangeError(`invalid pid ${target.pid}`);
  return `/proc/${target.pid}/ns/net`;
}

/**
 * Runs `fn` with the calling thread inside the network namespace `target`
 * (`setns(fd, CLONE_NEWNET)`), then moves the thread back to the namespace
 * it was in, in a `finally`, whether `fn` returned or threw. Sockets created
 * by `fn` stay in `target` for their whole life.
 *
 * `fn` must be synchronous: code after an `await` would run outside the
 * namespace, so a thenable result is refused with a `TypeError` (after the
 * thread has been restored).
 *
 * @throws SocketError `open` (`ENOENT`: no such namespace), `setns`
 *   (`EPERM`: needs `CAP_SYS_ADMIN`), or `setns` on the way back.
 */
export function runInNetns<T>(target: NetnsTarget, fn: () => T, libc: Libc = koffiLibc()): T {
  const path = netnsPath(target);
  const targetFd = check(libc.open(path, O_RDONLY | O_CLOEXEC, 0), 'open', { path });
  let result: T;
  try {
    result = withThreadRestored(libc, () => {
      check(libc.setns(targetFd, CLONE_NEWNET), 'setns', { path });
      return fn();
    });
  } finally {
    libc.close(targetFd);
  }
  if (isThenable(result)) {
    throw new TypeError('runInNetns: fn returned a promise; it must be synchronous, or its later steps run outside the namespace');
  }
  return result;
}

/**
 * Creates a named network namespace as `ip netns add NAME` does, in-process:
 *
 * 1. `mkdir /run/netns`, and make it a shared mount (`mount --make-rshared`;
 *    when it is not yet a mount point, first bind-mount it onto itself), so
 *    that a later unmount propagates to every mount namespace;
 * 2. create the empty file `/run/netns/NAME` (`O_CREAT|O_EXCL`);
 * 3. `unshare(CLONE_NEWNET)` on the calling thread, bind-mount
 *    `/proc/thread-self/ns/net` onto the file, then `setns` back to the
 *    thread's original namespace in a `finally`.
 *
 * On failure, the half-made file is removed. Needs `CAP_SYS_ADMIN`.
 *
 * @returns the namespace's path, `/run/netns/NAME`.
 * @throws SocketError `open` with `EEXIST` when the name is taken; `mount`,
 *   `unshare` or `setns` failures otherwise.
 */
export function addNetns(name: string, libc: Libc = koffiLibc()): string {
  validateName(name);
  const path = `${NETNS_RUN_DIR}/${name}`;
  try {
    mkdirSync(NETNS_RUN_DIR, { recursive: true, mode: 0o755 });
  } catch (err) {
    throw fromNodeError(err, 'mkdir', NETNS_RUN_DIR);
  }
  makeRunDirShared(libc);
  libc.close(check(libc.open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0), 'open', { path }));
  try {
    withThreadRestored(libc, () => {
      check(libc.unshare(CLONE_NEWNET), 'unshare(CLONE_NEWNET)');
      check(libc.mount(THREAD_NETNS, path, 'none', MS_BIND), 'mount(MS_BIND)', { path });
    });
  } catch (err) {
    // Undo what was made, best effort: the error worth reporting is the first.
    libc.umount2(path, MNT_DETACH);
    try {
      unlinkSync(path);
    } catch {
      // Nothing more can be done here; `deleteNetns(name)` can retry.
    }
    throw err;
  }
  return path;
}

/**
 * Removes a named network namespace as `ip netns delete NAME` does: lazily
 * unmounts `/run/netns/NAME` (`umount2(MNT_DETACH)`) and unlinks the file.
 * The namespace itself lives on while processes or sockets still use it.
 *
 * @throws SocketError `unlink` with `ENOENT` when there is no such name.
 */
export function deleteNetns(name: string, libc: Libc = koffiLibc()): void {
  validateName(name);
  const path = `${NETNS_RUN_DIR}/${name}`;
  const r = libc.umount2(path, MNT_DETACH);
  // EINVAL: not a mount point (a half-made entry); ENOENT: reported by unlink below.
  if (r < 0 && -r !== EINVAL && -r !== ENOENT) throw new SocketError(-r, 'umount2(MNT_DETACH)', { path });
  try {
    unlinkSync(path);
  } catch (err) {
    throw fromNodeError(err, 'unlink', path);
  }
}

/** The named network namespaces, as `ip netns list` shows them (sorted; empty when `/run/netns` is missing). */
export function listNetns(): string[] {
  try {
    return readdirSync(NETNS_RUN_DIR).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw fromNodeError(err, 'opendir', NETNS_RUN_DIR);
  }
}

/** Options of {@link withTempNetns}. */
export interface TempNetnsOptions {
  /** Start of the namespace's name; the pid and a random suffix follow. Default `"nlkit-test"`. */
  prefix?: string;
  /** The C library seam to use. */
  libc?: Libc;
}

/**
 * Creates a uniquely named namespace (`nlkit-test-<pid>-<random>`), runs
 * `fn` with its name, and deletes the namespace afterwards, whether `fn`
 * resolved or threw. For tests and tools that must leave nothing behind.
 */
export async function withTempNetns<T>(fn: (name: string) => Promise<T> | T, options: TempNetnsOptions = {}): Promise<T> {
  const libc = options.libc ?? koffiLibc();
  const name = `${options.prefix ?? 'nlkit-test'}-${process.pid}-${randomBytes(4).toString('hex')}`;
  addNetns(name, libc);
  try {
    return await fn(name);
  } finally {
    deleteNetns(name, libc);
  }
}

/**
 * Runs `fn`, then returns the calling thread to the network namespace it was
 * in before, even when `fn` threw. A failure to return is reported above any
 * error of `fn`: the thread would otherwise go on in the wrong namespace.
 */
function withThreadRestored<T>(libc: Libc, fn: () => T): T {
  const saved = check(libc.open(THREAD_NETNS, O_RDONLY | O_CLOEXEC, 0), 'open', { path: THREAD_NETNS });
  try {
    return fn();
  } finally {
    const r = libc.setns(saved, CLONE_NEWNET);
    libc.close(saved);
    if (r < 0) {
      throw new SocketError(-r, 'setns', {
        path: THREAD_NETNS,
        message: 'could not return the thread to its original network namespace',
      });
    }
  }
}

/** `mount --make-rshared /run/netns`, first turning it into a mount point if it is not one (iproute2's steps). */
function makeRunDirShared(libc: Libc): void {
  let madeMountPoint = false;
  for (;;) {
    const r = libc.mount('', NETNS_RUN_DIR, 'none', MS_SHARED | MS_REC);
    if (r >= 0) return;
    // EINVAL: not a mount point yet.
    if (-r !== EINVAL || madeMountPoint) throw new SocketError(-r, 'mount(MS_SHARED)', { path: NETNS_RUN_DIR });
    check(libc.mount(NETNS_RUN_DIR, NETNS_RUN_DIR, 'none', MS_BIND | MS_REC), 'mount(MS_BIND)', { path: NETNS_RUN_DIR });
    madeMountPoint = true;
  }
}

/** Namespace names are single path components, as iproute2 requires. */
function validateName(name: string): void {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0') || Buffer.byteLength(name) > 255) {
    throw new RangeError(`invalid network namespace name ${JSON.stringify(name)}`);
  }
}

function isThenable(x: unknown): boolean {
  return (typeof x === 'object' || typeof x === 'function') && x !== null && typeof (x as { then?: unknown }).then === 'function';
}

/** Turns a Node `fs` error into a {@link SocketError} that names the errno. */
function fromNodeError(err: unknown, syscall: string, path: string): unknown {
  const errno = (err as NodeJS.ErrnoException).errno;
  return typeof errno === 'number' ? new SocketError(errno, syscall, { path }) : err;
}
