/**
 * `@nlkit/live`: real Linux netlink sockets for nlkit, through libc.
 *
 * - {@link openNetlink} opens a socket of any netlink protocol and returns a
 *   {@link LiveTransport}, the `Transport` of `@nlkit/transport` that the
 *   protocol engine drives;
 * - `netns` helpers open sockets inside network namespaces and create,
 *   delete and list named namespaces as `ip netns` does;
 * - {@link Libc} is the seam every system call goes through.
 *
 * @packageDocumentation
 */
export { openNetlink, LiveTransport } from './live-transport.js';
export type { LiveTransportInit, OpenNetlinkOptions } from './live-transport.js';
export { addNetns, deleteNetns, listNetns, netnsPath, runInNetns, withTempNetns, NETNS_RUN_DIR } from './netns.js';
export type { NetnsTarget, TempNetnsOptions } from './netns.js';
export { SocketError, errnoName, errnoDescription } from './errors.js';
export type { Libc, ReadableWatch, RecvBatch, RecvBuffer, RecvSlot } from './libc.js';
export { koffiLibc } from './koffi-libc.js';
export { NetlinkSocketOption, SocketOption, SOL_NETLINK, SOL_SOCKET } from './constants.js';
