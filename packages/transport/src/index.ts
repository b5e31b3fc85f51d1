/**
 * @nlkit/transport: the transport seam (what a live socket, a capture
 * replay or a fake must do) and the protocol engine above it,
 * {@link NetlinkChannel}: sequence numbers, request/ACK and dump
 * correlation, errors, timeouts, and events.
 *
 * @packageDocumentation
 */
export * from './transport.js';
export * from './errors.js';
export * from './channel.js';
export type { DecodeErrorItem, EventItem, EventMessage, EventName, EventStream, MessageItem, OverrunItem } from './events.js';
export type { AbortSignalLike } from './exchange.js';
