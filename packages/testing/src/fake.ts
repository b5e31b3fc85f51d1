/**
 * `FakeTransport`: a scriptable stand-in for a netlink socket, for unit
 * tests that run without a kernel.
 */
import {
  NLM_F,
  NLMSG_HDRLEN,
  decodeMessageAt,
  encodeMessage,
  encodeMessages,
  errnoNumber,
  frames,
  viewOf,
  type AnyFamily,
  type AnyInput,
  type AnyMessage,
  type ExtAck,
  type ExtAckAttrs,
  type MessageOf,
  type NlMsgHeader,
} from '@nlkit/core';
import { OVERRUN, type Datagram, type Inbound, type MessageName, type Transport, type TransportInfo } from '@nlkit/transport';
import { NotDoneError, UnmatchedRequestError } from './errors.js';
import { pretty, showDatagram } from './format.js';
import { Inbox } from './inbox.js';
import { describeMatcher, matchesPattern, matchesRequest, type MessagePatternOf, type RequestMatcher } from './match.js';

/**
 * A message a fake sends: any message of the family, or a control message.
 * In a reply, `seq` defaults to the request's and `pid` to the fake's port
 * id; in an event both default to 0.
 */
export type ReplyInput<F extends AnyFamily> = AnyInput<F>;

/**
 * An error reply: the `NLMSG_ERROR` the kernel sends when it refuses a
 * request, with the extended-ack TLVs for whichever {@link ExtAck} fields are
 * given. The channel turns it into a `NetlinkError` with these `errno`,
 * `code` and `extack` values.
 *
 * ```ts
 * fake.on('RTM_NEWLINK', { error: 'EEXIST', message: 'File exists' });
 * ```
 */
export interface ErrorResponse extends ExtAck {
  /** The errno: a name (`'EEXIST'`) or its positive number (`17`). */
  readonly error: string | number;
}

/**
 * How a fake answers a request:
 *
 * - `undefined`: nothing but the ACK (when the request has `NLM_F_ACK`).
 * - one message: for a dump request (`NLM_F_DUMP`), a one-message dump;
 *   otherwise that reply, then the ACK when the request has `NLM_F_ACK`.
 * - an array of messages: a dump, in one datagram: each message with
 *   `NLM_F_MULTI`, then `NLMSG_DONE` (no ACK, as the kernel sends none after
 *   a dump). An empty array is an empty dump.
 * - an {@link ErrorResponse}: an `NLMSG_ERROR` with that errno.
 */
export type Response<F extends AnyFamily> = ReplyInput<F> | readonly ReplyInput<F>[] | ErrorResponse | undefined;

/**
 * A {@link Response}, or a function of the decoded request that returns one
 * (or a promise of one). A function may also call `fake.emit()`: its events
 * reach the socket before the reply, as the kernel's notifications of a
 * change precede its ACK. If it throws, the `send()` rejects with that error.
 */
export type Responder<F extends AnyFamily, M = AnyMessage<F>> =
  | Response<F>
  | ((request: M) => Response<F> | void | Promise<Response<F> | void>);

/** Options of {@link FakeTransport.on}. */
export interface HandlerOptions {
  /**
   * Answer at most this many requests, then let later handlers answer.
   * `assertDone()` reports a handler whose uses are not all spent.
   * Default: no limit.
   */
  readonly times?: number;
}

/** A handler added with {@link FakeTransport.on}. */
export interface FakeHandler {
  /** How many requests it has answered. */
  readonly calls: number;
  /** Stops it answering (so that a handler added after it can). Idempotent. */
  remove(): void;
}

/** One request message the fake received. */
export interface FakeRequest<M = AnyMessage<AnyFamily>> {
  /** The message, decoded with the fake's family. */
  readonly message: M;
  /** The message's bytes (a copy), header included. */
  readonly bytes: Uint8Array;
}

/** Options of a {@link FakeTransport}. */
export interface FakeTransportOptions {
  /** The socket's port id (`info.portId`), and the `nlmsg_pid` of replies. Default 4242. */
  readonly portId?: number;
  /** Multicast groups joined from the start (more with `addMembership`). Default none. */
  readonly groups?: readonly number[];
  /**
   * What a request no handler matches gets:
   * - `'reject'` (the default): `send()` rejects with an
   *   {@link UnmatchedRequestError}, so the request or dump fails with it.
   * - `'eopnotsupp'`: an `NLMSG_ERROR` with `EOPNOTSUPP`, as a kernel that
   *   lacks the operation would send, for code that must cope with that.
   *
   * Either way the request is listed in {@link FakeTransport.unmatched} and
   * `assertDone()` reports it.
   */
  readonly unmatched?: 'reject' | 'eopnotsupp';
  /**
   * As a socket with `NETLINK_CAP_ACK`: error replies do not echo the
   * request's payload (`NLM_F_CAPPED`). Default false, the kernel's default.
   * ACKs never echo it.
   */
  readonly capAck?: boolean;
}

const DEFAULT_PORT_ID = 4242;

/** One handler, as the fake keeps it. */
class Handler<F extends AnyFamily> implements FakeHandler {
  calls = 0;
  readonly matcher: RequestMatcher<F>;
  readonly responder: Responder<F, never>;
  readonly times: number | undefined;
  readonly #detach: (h: Handler<F>) => void;

  constructor(matcher: RequestMatcher<F>, responder: Responder<F, never>, times: number | undefined, detach: (h: Handler<F>) => void) {
    this.matcher = matcher;
    this.responder = responder;
    this.times = times;
    this.#detach = detach;
  }

  /** True when it has answered its `times` requests. */
  get spent(): boolean {
    return this.times !== undefined && this.calls >= this.times;
  }

  remove(): void {
    this.#detach(this);
  }
}

/**
 * A {@link Transport} scripted by the test: handlers answer requests with
 * replies, dumps, errors or ACKs; the test pushes multicast events and
 * overruns; every request is recorded for assertions. Give it to a
 * `NetlinkChannel` (or to any code that takes a transport) in place of a
 * live socket.
 *
 * ```ts
 * const RTNLGRP_LINK = 1;
 * const fake = new FakeTransport(rtnl, { groups: [RTNLGRP_LINK] });
 * fake.on('RTM_GETLINK', [{ name: 'RTM_NEWLINK', header: { index: 1 }, attrs: { ifname: 'lo' } }]);
 * fake.on('RTM_NEWLINK', { error: 'EEXIST', message: 'File exists' });
 * const channel = new NetlinkChannel(fake, rtnl);
 * for await (const link of channel.dump({ name: 'RTM_GETLINK' })) console.log(link);
 * fake.expectRequest('RTM_GETLINK');
 * ```
 *
 * Handlers are tried in the order they were added; the first that matches
 * and has uses left answers. The messages of one datagram are answered in
 * order, as the kernel does. Replies reach the receive stream a macrotask
 * after the `send()` that caused them (after whatever ran once `send()`
 * resolved), in the order the requests were sent, even when responders are
 * asynchronous.
 */
export class FakeTransport<F extends AnyFamily> implements Transport {
  /** The family requests are decoded and replies encoded with. */
  readonly family: F;
  readonly #portId: number;
  readonly #groups: Set<number>;
  readonly #unmatchedMode: 'reject' | 'eopnotsupp';
  readonly #capAck: boolean;
  readonly #inbox = new Inbox();
  readonly #handlers: Handler<F>[] = [];
  readonly #requests: FakeRequest<AnyMessage<F>>[] = [];
  readonly #unmatched: FakeRequest<AnyMessage<F>>[] = [];
  /** Responder failures, for `assertDone()`. */
  readonly #failures: string[] = [];
  /** The answers in progress, one after another. */
  #answering: Promise<void> = Promise.resolve();

  constructor(family: F, options: FakeTransportOptions = {}) {
    this.family = family;
    this.#portId = options.portId ?? DEFAULT_PORT_ID;
    this.#groups = new Set(options.groups ?? []);
    this.#unmatchedMode = options.unmatched ?? 'reject';
    this.#capAck = options.capAck ?? false;
  }

  /** The family's protocol, the port id and the groups joined now. */
  get info(): TransportInfo {
    return { protocol: this.family.protocol, portId: this.#portId, groups: [...this.#groups].sort((a, b) => a - b) };
  }

  /** Every request message received, in order. */
  get requests(): readonly FakeRequest<AnyMessage<F>>[] {
    return this.#requests;
  }

  /** The requests no handler matched, in order. */
  get unmatched(): readonly FakeRequest<AnyMessage<F>>[] {
    return this.#unmatched;
  }

  /**
   * Answers the requests that `matcher` selects with `responder` (the ACK
   * alone, when omitted). `matcher` is a message name, a partial request
   * ({@link MessagePatternOf}) or a predicate; with a name or pattern, a
   * function responder gets the request typed as that message.
   *
   * ```ts
   * fake.on('RTM_DELLINK');                                         // ACK
   * fake.on({ name: 'RTM_GETLINK', header: { index: 2 } }, { name: 'RTM_NEWLINK', header: { index: 2 }, attrs: { ifname: 'eth0' } });
   * fake.on('RTM_GETADDR', []);                                     // empty dump
   * fake.on((m) => m.name === 'RTM_NEWADDR' && m.header.prefixlen > 32, { error: 'EINVAL', message: 'Invalid prefix length' });
   * ```
   */
  on<N extends MessageName<F>>(matcher: N | MessagePatternOf<F, N>, responder?: Responder<F, MessageOf<F, N>>, options?: HandlerOptions): FakeHandler;
  on(matcher: (request: AnyMessage<F>) => boolean, responder?: Responder<F>, options?: HandlerOptions): FakeHandler;
  on(matcher: RequestMatcher<F>, responder?: Responder<F, never>, options: HandlerOptions = {}): FakeHandler {
    const { times } = options;
    if (times !== undefined && !(Number.isInteger(times) && times >= 1)) throw new RangeError(`times must be a positive integer, got ${times}`);
    return this.#add(matcher, responder, times);
  }

  /** {@link on} with `times: 1`: answers the next matching request only. */
  once<N extends MessageName<F>>(matcher: N | MessagePatternOf<F, N>, responder?: Responder<F, MessageOf<F, N>>): FakeHandler;
  once(matcher: (request: AnyMessage<F>) => boolean, responder?: Responder<F>): FakeHandler;
  once(matcher: RequestMatcher<F>, responder?: Responder<F, never>): FakeHandler {
    return this.#add(matcher, responder, 1);
  }

  /**
   * The first recorded request named `name` that matches `pattern` (flag
   * bits, header fields and attributes, compared as by {@link matchesPattern}).
   * Throws an error showing the requests of that name that were received
   * (as raw JSON) when there is none.
   *
   * ```ts
   * const req = fake.expectRequest('RTM_NEWLINK', { flags: NLM_F.CREATE | NLM_F.EXCL, attrs: { ifname: 'dummy0' } });
   * expect(req.message.attrs.mtu).toBe(1400);
   * ```
   */
  expectRequest<N extends MessageName<F>>(name: N, pattern: Omit<MessagePatternOf<F, N>, 'name'> = {}): FakeRequest<MessageOf<F, N>> {
    const full = { ...pattern, name } as MessagePatternOf<F, N>;
    const found = this.#requests.find((r) => matchesPattern(r.message, full));
    if (found) return found as FakeRequest<unknown> as FakeRequest<MessageOf<F, N>>;
    const named = this.#requests.filter((r) => r.message.name === name);
    const seen = named.length
      ? named.map((r, i) => `${name} #${i + 1}:\n${showDatagram(this.family, r.bytes).lines.join('\n')}`).join('\n')
      : `no ${name} request at all; received: ${this.#requests.map((r) => r.message.name).join(', ') || 'nothing'}`;
    throw new Error(`expected a request matching\n${pretty(full, '', 0)}\n${seen}`);
  }

  /**
   * Pushes a multicast event: `message` (or several, in one datagram)
   * delivered on `group`, as the kernel notifies the groups' members. The
   * transport must have joined `group` (options `groups`, or
   * `addMembership`): emitting on another group throws, since the event
   * would never arrive. Group 0 delivers a unicast message to the socket,
   * as the channel's events also receive those that answer no request.
   */
  emit(group: number, message: ReplyInput<F> | readonly ReplyInput<F>[]): void {
    if (group !== 0 && !this.#groups.has(group)) {
      const joined = this.info.groups.join(', ') || 'none';
      throw new Error(`FakeTransport: cannot emit on group ${group}, which the transport has not joined (joined: ${joined}); list it in the groups option or call addMembership()`);
    }
    const messages = isList(message) ? message : [message];
    this.#inbox.post({ bytes: encodeMessages(this.family, messages), group });
  }

  /** Signals an overrun (`ENOBUFS`): the kernel dropped `lost` datagrams (unknown when omitted). */
  overrun(lost?: number): void {
    this.#inbox.post(lost === undefined ? OVERRUN : { overrun: true, lost });
  }

  /** Queues a datagram as is (unicast, unless `group` is given), for replies the handlers cannot express: malformed ones, say. */
  deliver(bytes: Uint8Array, group = 0): void {
    this.#inbox.post({ bytes, group });
  }

  /** Fails the receive stream with `error` after what is already queued, as a socket that broke; the channel then closes. */
  fail(error: unknown): void {
    this.#inbox.postFailure(error);
  }

  /**
   * Throws a {@link NotDoneError} when a request went unmatched, a responder
   * threw, or a handler added with `times` has uses left.
   */
  assertDone(): void {
    const problems = [
      ...this.#unmatched.map((r) => `unmatched request:\n${showDatagram(this.family, r.bytes).lines.join('\n')}`),
      ...this.#failures,
      ...this.#handlers
        .filter((h) => h.times !== undefined && !h.spent)
        .map((h) => `handler for ${describeMatcher(h.matcher)} answered ${h.calls} of its ${h.times} requests`),
    ];
    if (problems.length) throw new NotDoneError('FakeTransport', problems);
  }

  /**
   * Records the request messages of `bytes` at once, then answers them after
   * the requests sent before. Rejects when the datagram is malformed, a
   * request is unmatched (with `unmatched: 'reject'`) or a responder throws,
   * and on a closed transport.
   */
  async send(bytes: Uint8Array): Promise<void> {
    if (this.#inbox.ended) throw new Error('FakeTransport: send on a closed (or failed) transport');
    const received = this.#receive(bytes);
    const answer = this.#answering.then(async () => {
      for (const request of received) for (const d of await this.#answer(request)) this.#inbox.post(d);
    });
    this.#answering = answer.catch(() => {});
    return answer;
  }

  /** The stream of replies, events and overruns. One stream per transport; it ends on {@link close}. */
  receive(): AsyncIterable<Inbound> {
    return this.#inbox;
  }

  /** Ends the receive stream (replies not yet delivered are dropped); later sends reject. Idempotent. */
  async close(): Promise<void> {
    this.#inbox.end();
  }

  /** Joins multicast group `group`. */
  addMembership(group: number): void {
    this.#groups.add(group);
  }

  /** Leaves multicast group `group`. */
  dropMembership(group: number): void {
    this.#groups.delete(group);
  }

  #add(matcher: RequestMatcher<F>, responder: Responder<F, never>, times: number | undefined): FakeHandler {
    if (isErrorResponse(responder)) errnoOf(responder.error);
    const handler = new Handler(matcher, responder, times, (h) => {
      const at = this.#handlers.indexOf(h);
      if (at >= 0) this.#handlers.splice(at, 1);
    });
    this.#handlers.push(handler);
    return handler;
  }

  /** Decodes and records the messages of a datagram. */
  #receive(bytes: Uint8Array): FakeRequest<AnyMessage<F>>[] {
    const view = viewOf(bytes);
    const received: FakeRequest<AnyMessage<F>>[] = [];
    for (const { header, offset } of frames(view)) {
      received.push({ message: decodeMessageAt(this.family, view, offset), bytes: bytes.slice(offset, offset + header.len) });
    }
    this.#requests.push(...received);
    return received;
  }

  /** The datagrams answering one request message. */
  async #answer(request: FakeRequest<AnyMessage<F>>): Promise<Datagram[]> {
    const handler = this.#handlers.find((h) => !h.spent && matchesRequest(request.message, h.matcher));
    if (!handler) return this.#unmatchedAnswer(request);
    handler.calls++;
    const { responder } = handler;
    try {
      const response = typeof responder === 'function' ? await (responder as (r: AnyMessage<F>) => Response<F> | void | Promise<Response<F> | void>)(request.message) : responder;
      return this.#datagrams(request, response ?? undefined);
    } catch (e) {
      this.#failures.push(`responder for ${describeMatcher(handler.matcher)} failed on ${request.message.name}: ${e instanceof Error ? e.message : String(e)}`);
      throw e;
    }
  }

  #unmatchedAnswer(request: FakeRequest<AnyMessage<F>>): Datagram[] {
    this.#unmatched.push(request);
    const name = request.message.name;
    if (this.#unmatchedMode === 'eopnotsupp') return this.#datagrams(request, { error: 'EOPNOTSUPP', message: `FakeTransport: no handler for ${name}` });
    const handlers = this.#handlers.length
      ? `handlers:\n${this.#handlers.map((h) => `  ${describeMatcher(h.matcher).replace(/\n/g, '\n  ')}${h.spent ? ` (spent: answered ${h.calls})` : ''}`).join('\n')}`
      : 'no handlers';
    const shown = showDatagram(this.family, request.bytes).lines.join('\n');
    throw new UnmatchedRequestError({ request: request.message, bytes: request.bytes, message: `FakeTransport: no handler matches ${name}:\n${shown}\n${handlers}` });
  }

  /** Encodes a response to `request` as the kernel would send it. */
  #datagrams(request: FakeRequest<AnyMessage<F>>, response: Response<F>): Datagram[] {
    const header: NlMsgHeader = { len: request.bytes.length, type: request.message.type, flags: request.message.flags, seq: request.message.seq, pid: request.message.pid };
    const wantsAck = (header.flags & NLM_F.ACK) !== 0;
    if (response === undefined) return wantsAck ? [this.#ack(header)] : [];
    if (isErrorResponse(response)) return [this.#error(request, header, response)];
    const reply = (m: ReplyInput<F>, flags: number): ReplyInput<F> =>
      ({ ...m, flags: (m.flags ?? 0) | flags, seq: m.seq ?? header.seq, pid: m.pid ?? this.#portId }) as ReplyInput<F>;
    if (isList(response) || (header.flags & NLM_F.DUMP) === NLM_F.DUMP) {
      const parts = isList(response) ? response : [response];
      const done = { name: 'NLMSG_DONE', flags: NLM_F.MULTI, seq: header.seq, pid: this.#portId, header: { error: 0 } } as ReplyInput<F>;
      return [unicast(encodeMessages(this.family, [...parts.map((m) => reply(m, NLM_F.MULTI)), done]))];
    }
    const out = [unicast(encodeMessage(this.family, reply(response, 0)))];
    if (wantsAck) out.push(this.#ack(header));
    return out;
  }

  #ack(header: NlMsgHeader): Datagram {
    const ack = { name: 'NLMSG_ERROR', flags: NLM_F.CAPPED, seq: header.seq, pid: this.#portId, header: { error: 0, msg: header } } as ReplyInput<F>;
    return unicast(encodeMessage(this.family, ack));
  }

  #error(request: FakeRequest<AnyMessage<F>>, header: NlMsgHeader, response: ErrorResponse): Datagram {
    const attrs: ExtAckAttrs = {
      ...(response.message !== undefined && { msg: response.message }),
      ...(response.offset !== undefined && { offs: response.offset }),
      ...(response.cookie !== undefined && { cookie: response.cookie }),
      ...(response.policy !== undefined && { policy: response.policy }),
      ...(response.missingType !== undefined && { missType: response.missingType }),
      ...(response.missingNest !== undefined && { missNest: response.missingNest }),
    };
    const tlvs = Object.keys(attrs).length > 0;
    const flags = (this.#capAck ? NLM_F.CAPPED : 0) | (tlvs ? NLM_F.ACK_TLVS : 0);
    const payload = this.#capAck ? {} : { payload: request.bytes.subarray(NLMSG_HDRLEN) };
    const error = { name: 'NLMSG_ERROR', flags, seq: header.seq, pid: this.#portId, header: { error: -errnoOf(response.error), msg: header, ...payload }, attrs } as ReplyInput<F>;
    return unicast(encodeMessage(this.family, error));
  }
}

function unicast(bytes: Uint8Array): Datagram {
  return { bytes, group: 0 };
}

function isList<T>(value: T | readonly T[]): value is readonly T[] {
  return Array.isArray(value);
}

function isErrorResponse(value: unknown): value is ErrorResponse {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'error' in value && !('name' in value);
}

/** The positive errno of a name or number; throws `RangeError` for anything else. */
function errnoOf(error: string | number): number {
  const n = typeof error === 'number' ? Math.abs(error) : errnoNumber(error);
  if (n === undefined || !Number.isInteger(n) || n === 0) throw new RangeError(`not an errno name or number: ${String(error)}`);
  return n;
}
