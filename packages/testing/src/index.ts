/**
 * `@nlkit/testing`: test doubles for code that talks netlink, so its tests
 * run anywhere, without a kernel, root or a network namespace.
 *
 * - {@link FakeTransport}: a transport scripted by the test. Handlers answer
 *   requests (matched by name, partial object or predicate) with replies,
 *   dumps, errors with extended ACKs, or plain ACKs; the test pushes
 *   multicast events and overruns, and asserts on the requests it recorded.
 * - {@link ReplayTransport}: a capture (pcap or pcapng, from
 *   `recordTransport` of `@nlkit/pcap` or `tcpdump -i nlmon0`) answers the
 *   requests of a new run with the recorded replies and events, sequence
 *   numbers and port ids rewritten; a request that differs from the
 *   recording fails with a readable diff.
 *
 * Both are `Transport`s of `@nlkit/transport`: give them to a
 * `NetlinkChannel` or to any code that takes a transport.
 *
 * ```ts
 * import { NetlinkChannel } from '@nlkit/transport';
 * import { rtnl } from '@nlkit/rtnl';
 * import { FakeTransport, ReplayTransport } from '@nlkit/testing';
 *
 * // Scripted: no kernel involved.
 * const fake = new FakeTransport(rtnl);
 * fake.on('RTM_GETLINK', [{ name: 'RTM_NEWLINK', header: { index: 1 }, attrs: { ifname: 'lo', mtu: 65536 } }]);
 * fake.on('RTM_NEWLINK', { error: 'EEXIST', message: 'File exists' });
 * const channel = new NetlinkChannel(fake, rtnl);
 * for await (const link of channel.dump({ name: 'RTM_GETLINK' })) console.log(link.attrs);
 * await channel.request({ name: 'RTM_NEWLINK', attrs: { ifname: 'lo' } }); // rejects: NetlinkError EEXIST
 * fake.expectRequest('RTM_NEWLINK', { attrs: { ifname: 'lo' } });
 * fake.assertDone();
 *
 * // Replayed: a capture recorded once on a real system answers this run.
 * const replay = new ReplayTransport(captureBytes, rtnl);
 * const replayed = new NetlinkChannel(replay, rtnl);
 * for await (const link of replayed.dump({ name: 'RTM_GETLINK' })) console.log(link.attrs.ifname);
 * replay.assertDone(); // every recorded request was made
 * ```
 *
 * @packageDocumentation
 */
export { FakeTransport } from './fake.js';
export type { ErrorResponse, FakeHandler, FakeRequest, FakeTransportOptions, HandlerOptions, ReplyInput, Responder, Response } from './fake.js';
export { ReplayTransport } from './replay.js';
export type { ReplayOptions } from './replay.js';
export { NotDoneError, ReplayMismatchError, UnmatchedRequestError } from './errors.js';
export { matchesPartial, matchesPattern } from './match.js';
export type { DeepPartial, MessagePattern, MessagePatternOf, RequestMatcher } from './match.js';
