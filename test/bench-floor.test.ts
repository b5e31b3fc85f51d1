/**
 * The bench's hand-made route-add encoders: the floor's (numbers) and the
 * bound's (request objects) must write the same bytes, and the same message
 * as nlkit's encoder (which puts the attributes in number order, the
 * floor in the order `ip` does), or the ratios between them compare
 * different work.
 */
import { NLM_F, decodeMessages, encodeMessage } from '@nlkit/core';
import { rtnl } from '@nlkit/rtnl';
import { describe, expect, it } from 'vitest';
import { ROUTE_ADD_SIZE, addDst, routeAddRequest, writeRouteAdd, writeRouteAddRequest, type RouteAddRequest } from '../bench/floor.js';

const GATEWAY = '10.0.0.1';
const GATEWAY_NUMBER = 0x0a000001;

/** The same message: the same length and the same decode (attribute order aside). */
function expectSameMessage(a: Uint8Array, b: Uint8Array): void {
  expect(a.length).toBe(b.length);
  expect(decodeMessages(rtnl, a)).toEqual(decodeMessages(rtnl, b));
}

function written(write: (v: DataView) => void): Uint8Array {
  const bytes = new Uint8Array(ROUTE_ADD_SIZE);
  write(new DataView(bytes.buffer));
  return bytes;
}

describe('bench route-add encoders', () => {
  it.each([[1, 0], [7, 255], [200, 40_000], [255, 65_535]])('run %i, route %i: the object bound, the floor and nlkit write the same bytes', (run, i) => {
    const seq = 1000 + i;
    const req = routeAddRequest(run, i, GATEWAY, 3);
    const bound = written((v) => writeRouteAddRequest(v, 0, seq, req));
    const floor = written((v) => writeRouteAdd(v, 0, seq, addDst(run, i), GATEWAY_NUMBER, 3));
    const nlkit = encodeMessage(rtnl, { ...req, flags: req.flags | NLM_F.REQUEST | NLM_F.ACK, seq });
    expect(bound).toEqual(floor);
    expectSameMessage(bound, nlkit);
  });

  it('writes each field from the object, not from constants', () => {
    const req = routeAddRequest(3, 4, '192.168.1.254', 70_000);
    req.header = { family: 2, dstLen: 24, table: 100, protocol: 3, scope: 253, type: 2 };
    req.attrs.dst = '172.16.5.0';
    req.flags = NLM_F.CREATE | NLM_F.REPLACE;
    const bound = written((v) => writeRouteAddRequest(v, 0, 9, req));
    expectSameMessage(bound, encodeMessage(rtnl, { ...req, flags: req.flags | NLM_F.REQUEST | NLM_F.ACK, seq: 9 }));
    expect(decodeMessages(rtnl, bound)[0]).toMatchObject({ flags: NLM_F.CREATE | NLM_F.REPLACE | NLM_F.REQUEST | NLM_F.ACK, seq: 9, header: req.header, attrs: req.attrs });
  });

  it.each<[string, (r: RouteAddRequest) => void]>([
    ['a dst that is not a dotted quad', (r) => (r.attrs.dst = '12.0.0')],
    ['an octet above 255', (r) => (r.attrs.gateway = '10.0.256.1')],
    ['an empty octet', (r) => (r.attrs.dst = '12..0.1')],
    ['a fifth octet', (r) => (r.attrs.dst = '12.0.0.1.5')],
    ['a leading zero', (r) => (r.attrs.dst = '12.010.0.1')],
    ['a trailing dot', (r) => (r.attrs.gateway = '10.0.0.')],
    ['a header field above 255', (r) => (r.header.table = 256)],
    ['a negative oif', (r) => (r.attrs.oif = -1)],
    ['flags above 16 bits', (r) => (r.flags = 0x10000)],
  ])('refuses %s, as an encoder must', (_what, spoil) => {
    const req = routeAddRequest(1, 1, GATEWAY, 3);
    spoil(req);
    expect(() => written((v) => writeRouteAddRequest(v, 0, 1, req))).toThrow(RangeError);
  });
});
