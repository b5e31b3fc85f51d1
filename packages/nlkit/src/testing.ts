/**
 * `nlkit/testing`: test netlink code without a kernel or root. A scriptable
 * {@link FakeTransport} answers requests as you tell it; a
 * {@link ReplayTransport} answers a new run from a recorded capture. Both
 * plug into `IPRoute` or `NetlinkChannel` like a live socket.
 *
 * @packageDocumentation
 */
export * from '@nlkit/testing';
