import { errnoDescription, errnoName } from '@nlkit/core';

export { errnoDescription, errnoName };

/**
 * A system call made by the live transport or the namespace helpers failed.
 *
 * `errno` is the positive error number the C library reported (`errno(3)`),
 * `code` its name (`"ENOBUFS"`), `syscall` the call that failed (`"bind"`,
 * `"setsockopt(NETLINK_ADD_MEMBERSHIP)"`, `"setns"`), and `path` the file
 * involved, when there is one. The shape matches Node's own system errors.
 */
export class SocketError extends Error {
  /** `"SocketError"`. */
  override readonly name = 'SocketError';
  /** The positive errno number (`105`). */
  readonly errno: number;
  /** Its name (`"ENOBUFS"`). */
  readonly code: string;
  /** The system call that failed, with the option name for socket options. */
  readonly syscall: string;
  /** The file the call was about, if any. */
  readonly path: string | undefined;

  constructor(errno: number, syscall: string, detail?: { path?: string; message?: string }) {
    const n = Math.abs(errno);
    const code = errnoName(n);
    let text = `${syscall}: ${code} (${errnoDescription(n)})`;
    if (detail?.path !== undefined) text += `: ${detail.path}`;
    if (detail?.message !== undefined) text += `: ${detail.message}`;
    super(text);
    this.errno = n;
    this.code = code;
    this.syscall = syscall;
    this.path = detail?.path;
  }
}

/**
 * Returns `result` when it is not negative; otherwise throws the
 * {@link SocketError} for `-result`. For the kernel-style returns of the `Libc` seam.
 */
export function check(result: number, syscall: string, detail?: { path?: string; message?: string }): number {
  if (result < 0) throw new SocketError(-result, syscall, detail);
  return result;
}
