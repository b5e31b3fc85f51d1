/**
 * Debian's python3-pyroute2 decodes the same captured bytes as nlkit: for
 * every link, address and route message of the fixtures, the fields a user
 * reads first agree.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { decodeMessages, toHex, type Message } from '@nlkit/core';
import { readCapture } from '@nlkit/pcap';
import { FAMILIES, listFixtures, loadFixture } from './fixture-lib.js';

const PY = '/usr/bin/python3';
const hasPyroute2 = (() => {
  try {
    execFileSync(PY, ['-c', 'import pyroute2'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!hasPyroute2 && process.env['CI'] === 'true') throw new Error('python3-pyroute2 is missing: .ci/run installs it');

/** pyroute2 parses hex datagrams from stdin; prints, per message, the fields compared. */
const script = `
import json, sys
from pyroute2.netlink.rtnl.marshal import MarshalRtnl
out = []
m = MarshalRtnl()
for line in sys.stdin.read().split():
    for msg in m.parse(bytes.fromhex(line)):
        t = msg['header']['type']
        row = {'type': t, 'seq': msg['header']['sequence_number']}
        if t in (16,):
            li = msg.get_attr('IFLA_LINKINFO')
            row.update(index=msg['index'], ifname=msg.get_attr('IFLA_IFNAME'), mtu=msg.get_attr('IFLA_MTU'),
                       address=msg.get_attr('IFLA_ADDRESS'), master=msg.get_attr('IFLA_MASTER'),
                       kind=li.get_attr('IFLA_INFO_KIND') if li else None)
        elif t in (20,):
            row.update(index=msg['index'], prefixlen=msg['prefixlen'], family=msg['family'],
                       address=msg.get_attr('IFA_ADDRESS'), local=msg.get_attr('IFA_LOCAL'), label=msg.get_attr('IFA_LABEL'))
        elif t in (24,):
            row.update(family=msg['family'], dst_len=msg['dst_len'], table=msg.get_attr('RTA_TABLE'), dst=msg.get_attr('RTA_DST'),
                       gateway=msg.get_attr('RTA_GATEWAY'), oif=msg.get_attr('RTA_OIF'), priority=msg.get_attr('RTA_PRIORITY'), rtm_type=msg['type'])
        out.append(row)
print(json.dumps(out))
`;

function ours(m: Message): Record<string, unknown> {
  const h = m.header as Record<string, number>;
  const a = m.attrs as Record<string, any>;
  const row: Record<string, unknown> = { type: m.type, seq: m.seq };
  if (m.type === 16) Object.assign(row, { index: h['index'], ifname: a['ifname'] ?? null, mtu: a['mtu'] ?? null, address: a['address'] ?? null, master: a['master'] ?? null, kind: a['linkinfo']?.kind ?? null });
  else if (m.type === 20) Object.assign(row, { index: h['index'], prefixlen: h['prefixlen'], family: h['family'], address: a['address'] ?? null, local: a['local'] ?? null, label: a['label'] ?? null });
  else if (m.type === 24) Object.assign(row, { family: h['family'], dst_len: h['dstLen'], table: a['table'] ?? null, dst: a['dst'] ?? null, gateway: a['gateway'] ?? null, oif: a['oif'] ?? null, priority: a['priority'] ?? null, rtm_type: h['type'] });
  return row;
}

describe.skipIf(!hasPyroute2)('pyroute2 decodes the fixtures as nlkit does', () => {
  it.each(listFixtures().filter((n) => n.startsWith('rtnl/')))('%s', (name) => {
    const { meta, capture } = loadFixture(name);
    const fam = FAMILIES[meta.family]!;
    const grams = readCapture(capture).filter((p) => p.direction === 'from-kernel').map((p) => p.data);
    const theirs = JSON.parse(execFileSync(PY, ['-c', script], { input: grams.map(toHex).join('\n'), encoding: 'utf8' })) as Record<string, unknown>[];
    const mine = grams.flatMap((g) => decodeMessages(fam, g) as Message[]).filter((m) => m.type >= 16 || m.type === 2 || m.type === 3);
    const compared = mine.filter((m) => [16, 20, 24].includes(m.type)).map(ours);
    expect(theirs.filter((r) => [16, 20, 24].includes(r['type'] as number))).toEqual(compared);
    expect(theirs.length).toBe(mine.length);
  });
});
