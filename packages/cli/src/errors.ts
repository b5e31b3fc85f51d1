/**
 * Exit codes and error messages of `nlkit`: every failure becomes one line
 * on stderr (`nlkit: route add 10.0.0.0/24: EEXIST (File exists)`) and a
 * documented exit status scripts can rely on.
 */
import { NetlinkError, NlDecodeError, NlEncodeError, errnoDescription, errnoName } from '@nlkit/core';

/**
 * The exit statuses of `nlkit`, the same for every subcommand:
 *
 * | code | meaning |
 * |---|---|
 * | 0 | success |
 * | 1 | the kernel refused a request (a `NetlinkError`; for `apply`: at least one request failed) |
 * | 2 | usage: an unknown subcommand, option or keyword, a missing argument, an invalid spec value |
 * | 3 | bad input file: unreadable, truncated or corrupt capture, hex dump, batch or spec file |
 * | 4 | permission denied: `EPERM`/`EACCES` (run as root, or with `CAP_NET_ADMIN`/`CAP_SYS_ADMIN`) |
 * | 5 | system: no such network namespace, netlink socket or device unavailable, timeout, I/O error |
 * | 130 | interrupted (SIGINT/SIGTERM) before finishing; `monitor` exits 0 instead |
 */
export const EXIT = {
  OK: 0,
  KERNEL: 1,
  USAGE: 2,
  INPUT: 3,
  PERMISSION: 4,
  SYSTEM: 5,
  INTERRUPTED: 130,
} as const;

/** An exit status of {@link EXIT}. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure the CLI reports as it is: its message goes to stderr after `nlkit: `, and the process exits with `code`. */
export class CliError extends Error {
  /** Always `"CliError"`. */
  override readonly name = 'CliError';
  /** The exit status (an {@link EXIT} value). */
  readonly code: ExitCode;
  /** Printed on a second line (a hint: `try 'nlkit route --help'`). */
  readonly hint: string | undefined;
  constructor(code: ExitCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
  }
}

/** A usage error, with the help command to try. */
export function usage(message: string, command?: string): CliError {
  return new CliError(EXIT.USAGE, message, { hint: `try 'nlkit ${command ? `${command} ` : ''}--help'` });
}

const EPERM = 1;
const ENOENT = 2;
const EACCES = 13;

/** A system error as Node (`code: 'ENOENT'`) or `@nlkit/live` (`SocketError`, `errno: 2`) report it. */
interface SystemLike {
  code?: unknown;
  errno?: unknown;
  syscall?: unknown;
  path?: unknown;
  message: string;
}

function errnoOf(e: SystemLike): number | undefined {
  if (typeof e.errno === 'number') return Math.abs(e.errno);
  return undefined;
}

/** A spec error as `route add: unknown field "gatway"; known: ...` (the path first, as the kernel's errors read). */
export function specMessage(e: NlEncodeError): string {
  return e.path.length ? `${e.path.join(' > ')}: ${e.reason}` : e.reason;
}

/**
 * The exit status and message of any error: `CliError`s as they are;
 * `NetlinkError` exits 1 (4 for `EPERM`/`EACCES`); `SpecError` and other
 * encode errors exit 2; decode errors exit 3; system errors exit 4 for
 * permissions and 5 otherwise.
 */
export function describeError(e: unknown): {
  /** The exit status. */
  code: ExitCode;
  /** The message to print. */
  message: string;
  /** A second line to print, when there is one. */
  hint?: string;
} {
  if (e instanceof CliError) return { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
  if (e instanceof NetlinkError) {
    const permission = e.errno === EPERM || e.errno === EACCES;
    return {
      code: permission ? EXIT.PERMISSION : EXIT.KERNEL,
      message: e.message.replace(/ \(seq \d+\)$/, ''),
      ...(permission ? { hint: 'changing the kernel\'s network state needs root (CAP_NET_ADMIN)' } : {}),
    };
  }
  if (e instanceof NlEncodeError) return { code: EXIT.USAGE, message: specMessage(e) };
  if (e instanceof NlDecodeError) return { code: EXIT.INPUT, message: `malformed netlink message: ${e.message}` };
  if (e instanceof Error && e.name === 'TimeoutError') return { code: EXIT.SYSTEM, message: e.message };
  if (e instanceof Error && (e.name === 'SocketError' || typeof (e as SystemLike).code === 'string')) {
    const s = e as SystemLike;
    const errno = errnoOf(s);
    const code = typeof s.code === 'string' ? s.code : errno !== undefined ? errnoName(errno) : undefined;
    if (code === 'EPERM' || code === 'EACCES') {
      return { code: EXIT.PERMISSION, message: e.message, hint: 'this needs root (CAP_NET_ADMIN, and CAP_SYS_ADMIN for namespaces)' };
    }
    if (e.name === 'SocketError' && (s.syscall === 'open' || s.syscall === 'setns') && (errno === ENOENT || code === 'ENOENT') && typeof s.path === 'string') {
      return { code: EXIT.SYSTEM, message: `no such network namespace: ${s.path} (${errnoName(ENOENT)}, ${errnoDescription(ENOENT)})`, hint: "list them with 'ip netns list'" };
    }
    return { code: EXIT.SYSTEM, message: e.message };
  }
  if (e instanceof Error) return { code: EXIT.SYSTEM, message: `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` };
  return { code: EXIT.SYSTEM, message: String(e) };
}
