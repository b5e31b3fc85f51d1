/**
 * `ReplayTransport`: a recorded capture answers the requests of a new run,
 * with no kernel and no root.
 */
import { HOST_LE, NLM_F, NLMSG, NLMSG_HDRLEN, bytesEqual, frames, viewOf, type AnyFamily, type NlMsgHeader } from '@nlkit/core';
import { GROUP_COMMENT_PREFIX, OVERRUN_COMMENT, inferDirection, readCapture, type CapturedPacket } from '@nlkit/pcap';
import { OVERRUN, type Inbound, type Transport, type TransportInfo } from '@nlkit/transport';
import { lineDiff } from './diff.js';
import { NotDoneError, ReplayMismatchError } from './errors.js';
import { hexLines, showDatagram } from './format.js';
import { Inbox } from './inbox.js';

/** Options of a {@link ReplayTransport}. */
export interface ReplayOptions {
  /**
   * `true` (the default): requests must come in the recorded order, each
   * matching the next recorded one, and {@link ReplayTransport.assertDone}
   * fails while recorded requests remain. `false` (loose): a request may
   * match any recorded request not yet replayed (the first equal one, in
   * capture order), so requests may be skipped or reordered, and
   * `assertDone` only fails after a mismatch.
   */
  readonly strict?: boolean;
  /**
   * The replaying socket's port id (`info.portId`), written into the
   * `nlmsg_pid` of every replayed reply. Default: the recorded socket's (the
   * `nlmsg_pid` of the capture's first reply), else 0.
   */
  readonly portId?: number;
  /** `info.groups`. Default: the groups the capture's events were marked with. */
  readonly groups?: readonly number[];
  /**
   * Keeps only the packets for which it returns true, as when a
   * `tcpdump -i nlmon0` capture holds the traffic of several sockets.
   * Packets of another netlink protocol than the family's are always left out.
   */
  readonly filter?: (packet: CapturedPacket) => boolean;
}

/** A from-kernel datagram of the capture, or an overrun marker. */
type Item = { readonly kind: 'reply' | 'event'; readonly bytes: Uint8Array; readonly group: number } | { readonly kind: 'overrun' };

/** A to-kernel datagram of the capture and what followed it. */
interface RecordedRequest {
  /** Position among the recorded requests, from 0. */
  readonly index: number;
  readonly bytes: Uint8Array;
  /** Its datagram with every `nlmsg_seq` and `nlmsg_pid` zeroed: what requests are compared by. */
  readonly key: Uint8Array;
  readonly headers: readonly NlMsgHeader[];
  /** Its replies, and the events recorded after it up to the next request, in capture order. */
  readonly items: Item[];
  consumed: boolean;
}

/** Where a replayed reply's `nlmsg_seq` and echoed request header must point now. */
interface Sent {
  readonly seq: number;
  readonly pid: number;
}

/**
 * A {@link Transport} that answers from a capture: each request sent must
 * match a recorded one, and gets that one's recorded replies, rewritten for
 * the new run. A test can so replay a session recorded once on a real
 * system (with `recordTransport` from `@nlkit/pcap`, or `tcpdump -i nlmon0`)
 * on any machine, without root or a kernel.
 *
 * ```ts
 * const replay = new ReplayTransport(await readFile('links.pcapng'), rtnl);
 * const channel = new NetlinkChannel(replay, rtnl);
 * const links = [];
 * for await (const link of channel.dump({ name: 'RTM_GETLINK' })) links.push(link);
 * replay.assertDone();
 * ```
 *
 * **Reading the capture.** Packets of the family's protocol are kept (and
 * filtered with `options.filter`). A packet's direction comes from the
 * capture where it says (packet types 7 and 6, as nlkit writes them), else
 * from `NLM_F_REQUEST` (`inferDirection`), as for `tcpdump -i nlmon0` files,
 * whose packets all have type 4. Each to-kernel datagram is a recorded
 * request. A from-kernel datagram is:
 * - an event on group N when marked with the comment `nlkit:group=N`
 *   (pcapng from `recordTransport`), an overrun when marked `nlkit:overrun`;
 * - else a reply to the latest recorded request whose sequence number it
 *   carries, as long as that request's exchange is open (until its
 *   `NLMSG_ERROR` or `NLMSG_DONE`, or, sent without `NLM_F_ACK` and not a
 *   dump, its first reply without `NLM_F_MULTI`);
 * - else an event on group 0 (sequence number 0, or answering no open request).
 *
 * Captures without group marks (pcap files, `tcpdump`) cannot tell a
 * multicast notification that carries the requester's sequence number (as
 * address notifications do) from a reply; such a notification is replayed
 * as a reply.
 *
 * **Matching.** A request matches a recorded one when their datagrams are
 * equal byte for byte except for every message's `nlmsg_seq` and
 * `nlmsg_pid`: same types, flags and payloads. A request that does not
 * match fails with a {@link ReplayMismatchError} showing a diff of the two,
 * which also fails the receive stream (see there).
 *
 * **Replaying.** When a request matches, its recorded replies are sent back
 * with each message's `nlmsg_seq` set to the new request's (also inside the
 * request header an `NLMSG_ERROR` echoes, whose `nlmsg_pid` becomes the new
 * request's), and `nlmsg_pid` set to `info.portId`. Recorded events come in
 * capture order, interleaved with the replies where they were recorded: the
 * events recorded after a request and before the next request are delivered
 * when that request matches, each at its place among the request's replies.
 * Events recorded before the first request are delivered by
 * {@link releaseEvents}, or else just before the first request's replies. An event whose `nlmsg_pid` is the
 * recorded socket's port id (a notification of that socket's own change) is
 * rewritten like a reply; other events are replayed as recorded. As with a
 * socket, replies reach the receive stream after `send()` resolved (on a
 * later macrotask). The stream ends at {@link close}.
 */
export class ReplayTransport<F extends AnyFamily> implements Transport {
  /** The family requests are decoded with for failure messages. */
  readonly family: F;
  /** The family's protocol; the port id given, else the recorded socket's; the groups given, else those the recorded events came on. */
  readonly info: TransportInfo;
  readonly #strict: boolean;
  readonly #requests: RecordedRequest[] = [];
  /** Events recorded before the first request, until released. */
  #leading: Item[] = [];
  /** The recorded socket's port id, when a reply shows it. */
  readonly #recordedPortId: number | undefined;
  /** Recorded `nlmsg_seq` → the request of this run that replaced it. */
  readonly #sent = new Map<number, Sent>();
  readonly #inbox = new Inbox();
  #failure: ReplayMismatchError<F> | undefined;

  /**
   * Reads `capture`: the bytes of a pcap or pcapng file (throws
   * `CaptureFormatError` when they are not one), or packets already read
   * with `readCapture`. Throws an `Error` naming the packet when a datagram
   * is not valid netlink (a packet cut by the snapshot length, say).
   */
  constructor(capture: Uint8Array | Iterable<CapturedPacket>, family: F, options: ReplayOptions = {}) {
    this.family = family;
    this.#strict = options.strict ?? true;
    const packets = capture instanceof Uint8Array ? readCapture(capture) : [...capture];
    /** Recorded `nlmsg_seq` → the request whose exchange is open under it, and whether it ends at its first reply. */
    const open = new Map<number, { request: RecordedRequest; single: boolean }>();
    const groups = new Set<number>();
    let recordedPortId: number | undefined;
    let after = this.#leading;
    packets.forEach((packet, n) => {
      if (packet.protocol !== family.protocol || (options.filter && !options.filter(packet))) return;
      const marks = packet.comment?.split('\n') ?? [];
      if (marks.includes(OVERRUN_COMMENT)) {
        after.push({ kind: 'overrun' });
        return;
      }
      if (packet.data.length === 0) return;
      const headers = headersOf(packet, n);
      const direction = packet.direction === 'unknown' ? inferDirection(packet.data) : packet.direction;
      if (direction === 'to-kernel') {
        const request: RecordedRequest = { index: this.#requests.length, bytes: packet.data, key: keyOf(packet.data), headers, items: [], consumed: false };
        this.#requests.push(request);
        for (const h of headers) open.set(h.seq, { request, single: !(h.flags & NLM_F.ACK) && (h.flags & NLM_F.DUMP) !== NLM_F.DUMP });
        after = request.items;
        return;
      }
      const group = groupOf(marks);
      const exchange = group === 0 ? open.get(headers[0]!.seq) : undefined;
      if (exchange) {
        exchange.request.items.push({ kind: 'reply', bytes: packet.data, group: 0 });
        recordedPortId ??= headers[0]!.pid;
        for (const h of headers) if (endsExchange(h, exchange.single)) open.delete(h.seq);
        return;
      }
      if (group !== 0) groups.add(group);
      after.push({ kind: 'event', bytes: packet.data, group });
    });
    this.#recordedPortId = recordedPortId;
    this.info = {
      protocol: family.protocol,
      portId: options.portId ?? recordedPortId ?? 0,
      groups: options.groups ?? [...groups].sort((a, b) => a - b),
    };
  }

  /** How many recorded requests have not been replayed yet. */
  get remaining(): number {
    return this.#requests.filter((r) => !r.consumed).length;
  }

  /**
   * Delivers the events recorded before the first request (all of them, for
   * a capture of events only), for code that listens before it sends
   * anything. Returns how many items it queued; 0 once they were released.
   */
  releaseEvents(): number {
    const items = this.#leading;
    this.#leading = [];
    for (const item of items) this.#inbox.post(this.#replayed(item));
    return items.length;
  }

  /**
   * Throws the {@link ReplayMismatchError} of a request that did not match,
   * if any did (even when the code under test swallowed it); in strict mode,
   * throws a {@link NotDoneError} when recorded requests were not replayed.
   */
  assertDone(): void {
    if (this.#failure) throw this.#failure;
    if (!this.#strict) return;
    const left = this.#requests.filter((r) => !r.consumed);
    if (!left.length) return;
    const shown = left.slice(0, 5).map((r) => `recorded request #${r.index} was not sent:\n${showDatagram(this.family, r.bytes).lines.join('\n')}`);
    if (left.length > shown.length) shown.push(`and ${left.length - shown.length} more recorded requests`);
    throw new NotDoneError('ReplayTransport', shown);
  }

  /**
   * Matches `bytes` against the capture and queues the recorded replies.
   * Rejects with a {@link ReplayMismatchError} when it matches no recorded
   * request (and with it every later `send`), with `NlDecodeError` when it
   * is not a valid netlink datagram, and on a closed transport.
   */
  async send(bytes: Uint8Array): Promise<void> {
    if (this.#failure) throw this.#failure;
    if (this.#inbox.ended) throw new Error('ReplayTransport: send on a closed transport');
    const headers = [...frames(bytes)].map((f) => f.header);
    const key = keyOf(bytes);
    const candidates = this.#requests.filter((r) => !r.consumed);
    const match = (this.#strict ? candidates.slice(0, 1) : candidates).find((r) => bytesEqual(r.key, key));
    if (!match) {
      this.#failure = this.#mismatch(bytes, headers, key, candidates);
      this.#inbox.postFailure(this.#failure);
      throw this.#failure;
    }
    match.consumed = true;
    match.headers.forEach((h, k) => this.#sent.set(h.seq, { seq: headers[k]!.seq, pid: headers[k]!.pid }));
    this.releaseEvents();
    for (const item of match.items) this.#inbox.post(this.#replayed(item));
  }

  /** The stream of replayed replies and events. One stream per transport; it ends on {@link close}, or fails after a mismatch. */
  receive(): AsyncIterable<Inbound> {
    return this.#inbox;
  }

  /** Ends the receive stream (items not yet delivered are dropped); later sends reject. Idempotent. */
  async close(): Promise<void> {
    this.#inbox.end();
  }

  #mismatch(bytes: Uint8Array, headers: readonly NlMsgHeader[], key: Uint8Array, candidates: readonly RecordedRequest[]): ReplayMismatchError<F> {
    const actual = showDatagram(this.family, bytes);
    const sentNames = names(actual.messages);
    const expected = this.#strict ? candidates[0] : (candidates.find((r) => r.headers[0]?.type === headers[0]?.type) ?? candidates[0]);
    if (!expected) {
      const message = `ReplayTransport: ${sentNames} was sent, but all ${this.#requests.length} recorded requests have been replayed:\n${actual.lines.join('\n')}`;
      return new ReplayMismatchError({ message, index: undefined, expected: undefined, actual: actual.messages, expectedBytes: undefined, actualBytes: bytes, diff: '' });
    }
    const recorded = showDatagram(this.family, expected.bytes);
    const sameText = recorded.lines.join('\n') === actual.lines.join('\n');
    const diff = sameText ? lineDiff(hexLines(expected.key), hexLines(key)) : lineDiff(recorded.lines, actual.lines);
    const which = this.#strict
      ? `does not match recorded request #${expected.index}, the next one`
      : `matches none of the ${candidates.length} recorded requests not yet replayed; the closest is #${expected.index}`;
    const message = [
      `ReplayTransport: ${sentNames} ${which} (${names(recorded.messages)} recorded; nlmsg_seq and nlmsg_pid are ignored)`,
      sameText ? '(their raw forms are equal; the bytes differ, with seq and pid zeroed:)' : undefined,
      '--- recorded',
      '+++ sent',
      diff,
    ].filter((l) => l !== undefined).join('\n');
    return new ReplayMismatchError({ message, index: expected.index, expected: recorded.messages, actual: actual.messages, expectedBytes: expected.bytes, actualBytes: bytes, diff });
  }

  /** An item as this run receives it. */
  #replayed(item: Item): Inbound {
    if (item.kind === 'overrun') return OVERRUN;
    return { bytes: this.#rewrite(item.bytes, item.kind === 'reply'), group: item.group };
  }

  /**
   * A copy of `bytes` whose messages are this run's: for a reply, and an
   * event the recorded socket caused, `nlmsg_seq` and the seq and pid of the
   * request header an `NLMSG_ERROR` echoes are mapped to the requests sent
   * now, and `nlmsg_pid` becomes `info.portId`.
   */
  #rewrite(bytes: Uint8Array, reply: boolean): Uint8Array {
    const out = bytes.slice();
    const view = viewOf(out);
    for (const { header, offset } of frames(view)) {
      if (!reply && (this.#recordedPortId === undefined || header.pid !== this.#recordedPortId)) continue;
      const sent = this.#sent.get(header.seq);
      if (sent) view.setUint32(offset + 8, sent.seq, HOST_LE);
      view.setUint32(offset + 12, this.info.portId, HOST_LE);
      if (header.type === NLMSG.ERROR && header.len >= 2 * NLMSG_HDRLEN + 4) {
        const echoed = offset + NLMSG_HDRLEN + 4;
        const request = this.#sent.get(view.getUint32(echoed + 8, HOST_LE));
        if (request) {
          view.setUint32(echoed + 8, request.seq, HOST_LE);
          view.setUint32(echoed + 12, request.pid, HOST_LE);
        }
      }
    }
    return out;
  }
}

/** The message headers of a captured datagram; throws an `Error` naming the packet when it is not valid netlink. */
function headersOf(packet: CapturedPacket, n: number): NlMsgHeader[] {
  try {
    return [...frames(packet.data)].map((f) => f.header);
  } catch (e) {
    const cut = packet.originalLength > packet.data.length ? ` (the capture kept ${packet.data.length} of its ${packet.originalLength} bytes)` : '';
    throw new Error(`capture packet ${n} is not a valid netlink datagram${cut}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** A copy of a datagram with every message's `nlmsg_seq` and `nlmsg_pid` zeroed. */
function keyOf(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  const view = viewOf(out);
  for (const { offset } of frames(view)) {
    view.setUint32(offset + 8, 0);
    view.setUint32(offset + 12, 0);
  }
  return out;
}

/** The group of an `nlkit:group=N` mark, else 0. */
function groupOf(marks: readonly string[]): number {
  for (const mark of marks) {
    if (!mark.startsWith(GROUP_COMMENT_PREFIX)) continue;
    const group = Number(mark.slice(GROUP_COMMENT_PREFIX.length));
    if (Number.isInteger(group) && group > 0) return group;
  }
  return 0;
}

/** True when `header` is the last message of its exchange (as the channel decides). */
function endsExchange(header: NlMsgHeader, single: boolean): boolean {
  return header.type === NLMSG.ERROR || header.type === NLMSG.DONE || (single && !(header.flags & NLM_F.MULTI));
}

function names(messages: readonly { readonly name: string }[]): string {
  return messages.map((m) => m.name).join(' + ') || 'an empty datagram';
}
