/**
 * What every subcommand gets: where to write, the global options, how to
 * open a `NETLINK_ROUTE` socket (in `--netns`, recorded under `nlkit
 * record`), and a signal that fires on Ctrl-C/SIGTERM.
 */
import type { Transport } from '@nlkit/transport';

/** The streams a run writes to and reads from (the process's, or a test's). */
export interface Io {
  /** Writes to standard output. */
  out(text: string | Uint8Array): void;
  /** Writes to standard error. */
  err(text: string): void;
  /** Standard output is a terminal. */
  readonly outIsTTY: boolean;
  /** Standard error is a terminal (progress bars go there only then). */
  readonly errIsTTY: boolean;
  /** Reads all of standard input. */
  readStdin(): Promise<Uint8Array>;
  /** Terminal width, when known. */
  readonly columns: number | undefined;
}

/** Options of {@link Context.openTransport}. */
export interface OpenOptions {
  /** Multicast groups to join (`RTNLGRP_*`). */
  groups?: readonly number[];
  /** `NETLINK_GET_STRICT_CHK` (kernel-side dump filtering). Default true. */
  strictCheck?: boolean;
}

/** The state of one run of `nlkit`. */
export interface Context {
  /** Where output goes and input comes from. */
  readonly io: Io;
  /** `-n/--netns`: the namespace to work in. */
  readonly netns: string | undefined;
  /** `-j/--json`. */
  readonly json: boolean;
  /** Fires on SIGINT/SIGTERM. */
  readonly signal: AbortSignal;
  /** Opens a `NETLINK_ROUTE` socket in {@link netns}, with extended ACKs; recorded under `nlkit record`. */
  openTransport(options?: OpenOptions): Promise<Transport>;
}

/** How {@link makeContext} opens transports: `@nlkit/live`'s `openNetlink`, wrapped by `wrap` when given. */
export async function openRoute(netns: string | undefined, options: OpenOptions, wrap?: (t: Transport) => Transport): Promise<Transport> {
  const { openNetlink } = await import('@nlkit/live');
  const t = openNetlink({
    protocol: 0,
    extAck: true,
    strictCheck: options.strictCheck ?? true,
    ...(options.groups?.length ? { groups: options.groups } : {}),
    ...(netns !== undefined ? { netns } : {}),
  });
  return wrap ? wrap(t) : t;
}

/** A context over `io` for the global options given. */
export function makeContext(io: Io, globals: { netns?: string; json?: boolean }, signal: AbortSignal, wrap?: (t: Transport) => Transport): Context {
  return {
    io,
    netns: globals.netns,
    json: globals.json ?? false,
    signal,
    openTransport: (options = {}) => openRoute(globals.netns, options, wrap),
  };
}
