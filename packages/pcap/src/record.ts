/**
 * Recording: wrap any transport so that every datagram it sends and receives
 * is appended to a capture, as nlmon would have seen it.
 *
 * @module
 */
import { isOverrun, type Inbound, type Transport } from '@nlkit/transport';
import { PcapStreamWriter } from './write.js';

/**
 * The comment a recorder puts on a datagram that arrived on multicast group
 * `n` (pcapng only; pcap has no room for it). Replay uses it to tell events
 * from replies; captures without it fall back to guessing from the messages.
 */
export const GROUP_COMMENT_PREFIX = 'nlkit:group=';
/** The comment on the (empty) packet a recorder writes where the kernel reported `ENOBUFS`. */
export const OVERRUN_COMMENT = 'nlkit:overrun';

/**
 * Wraps `inner` so that each datagram sent is written as a to-kernel packet
 * and each datagram received as a from-kernel packet, in the order they
 * crossed the socket. A datagram is logged when it is handed to `send`, so
 * one that the socket then refused is still in the capture. With a pcapng writer, multicast datagrams carry their
 * group and overruns are marked (see {@link GROUP_COMMENT_PREFIX}).
 *
 * The writer's sink decides where bytes go (a file, memory). The wrapper owns
 * nothing else: closing it closes `inner`.
 */
export function recordTransport(inner: Transport, writer: PcapStreamWriter): Transport {
  const protocol = inner.info.protocol;
  const ng = writer.format === 'pcapng';
  let stream: AsyncIterable<Inbound> | undefined;
  const recorded: Transport = {
    get info() {
      return inner.info;
    },
    async send(bytes) {
      // Logged before sending: the reply can arrive (and be logged) before send() resolves.
      writer.add({ direction: 'to-kernel', protocol, data: bytes });
      await inner.send(bytes);
    },
    receive() {
      stream ??= tap(inner.receive());
      return stream;
    },
    close: () => inner.close(),
  };
  if (inner.addMembership) recorded.addMembership = (g) => inner.addMembership!(g);
  if (inner.dropMembership) recorded.dropMembership = (g) => inner.dropMembership!(g);
  return recorded;

  async function* tap(source: AsyncIterable<Inbound>): AsyncGenerator<Inbound> {
    for await (const item of source) {
      if (isOverrun(item)) {
        if (ng) writer.add({ direction: 'from-kernel', protocol, data: new Uint8Array(0), comment: OVERRUN_COMMENT });
      } else {
        writer.add({
          direction: 'from-kernel',
          protocol,
          data: item.bytes,
          ...(ng && item.group ? { comment: `${GROUP_COMMENT_PREFIX}${item.group}` } : {}),
        });
      }
      yield item;
    }
  }
}
