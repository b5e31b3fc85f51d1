/**
 * `nlkit` without a kernel: decode (every fixture to exactly its stored
 * canonical JSON, truncated and corrupt input, hex dumps), compile, schema,
 * help texts and exit codes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Batch, routeFamily } from '@nlkit/batch';
import { decodeMessages, toHex } from '@nlkit/core';
import { FAMILIES, FIXTURES_DIR, deriveFrames, listFixtures, loadFixture } from '../fixture-lib.js';
import { nlkit } from './cli-util.js';

const dir = mkdtempSync(join(tmpdir(), 'nlkit-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('nlkit decode', () => {
  it('--format raw of every fixture is exactly its canonical JSON (deriveFrames, and what the fixture stores)', async () => {
    const names = listFixtures();
    expect(names.length).toBeGreaterThan(0);
    // Two at a time: each run is a process of its own.
    for (let i = 0; i < names.length; i += 2) {
      await Promise.all(
        names.slice(i, i + 2).map(async (name) => {
          const { meta, capture } = loadFixture(name);
          const r = await nlkit(['decode', join(FIXTURES_DIR, `${name}.pcap`), '--format', 'raw']);
          expect({ name, code: r.code, stderr: r.stderr }).toEqual({ name, code: 0, stderr: '' });
          const frames = JSON.parse(r.stdout);
          expect(frames).toEqual(deriveFrames(capture, FAMILIES[meta.family]!));
          expect(frames).toEqual(meta.frames);
        }),
      );
    }
  }, 180_000);

  it('shows each frame with its direction, messages, flags and errno names as text', async () => {
    const r = await nlkit(['decode', join(FIXTURES_DIR, 'rtnl/link-add-exists-error.pcap')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^frame 1 {2}to-kernel {2}\d+ bytes/m);
    expect(r.stdout).toMatch(/^frame 2 {2}from-kernel/m);
    expect(r.stdout).toMatch(/RTM_NEWLINK {2}seq=1 pid=0 flags=REQUEST\|ACK\|EXCL\|CREATE/);
    expect(r.stdout).toMatch(/IFLA_IFNAME "v0"/);
    expect(r.stdout).toMatch(/NLMSG_ERROR .* EEXIST \(File exists\) {2}for RTM_NEWLINK seq=1/);
  });

  it('a truncated capture: the frames before the cut, then what and where, exit 3', async () => {
    const { capture } = loadFixture('rtnl/route-dump');
    const file = join(dir, 'truncated.pcap');
    writeFileSync(file, capture.subarray(0, 100));
    const text = await nlkit(['decode', file]);
    expect(text.code).toBe(3);
    expect(text.stdout).toMatch(/^frame 1 {2}to-kernel/m);
    expect(text.stderr).toMatch(/^nlkit: .*truncated\.pcap: truncated capture: .* \(byte offset 100\)$/m);
    const raw = await nlkit(['decode', file, '--format', 'raw']);
    expect(raw.code).toBe(3);
    expect(raw.stdout).toBe('');
    expect(raw.stderr).toMatch(/truncated capture: .*byte offset \d+/);

    writeFileSync(join(dir, 'header.pcap'), capture.subarray(0, 20));
    const head = await nlkit(['decode', join(dir, 'header.pcap')]);
    expect(head.code).toBe(3);
    expect(head.stderr).toMatch(/truncated capture: pcap global header .* \(byte offset 0\)/);
  });

  it('a corrupt message: its frame, reason and byte offset, exit 3', async () => {
    const b = new Batch();
    b.route('add', { dst: '10.0.0.0/24', type: 'blackhole' });
    const bytes = b.toBytes();
    bytes[bytes.length - 8] = 0xff; // an attribute length past the end
    const file = join(dir, 'corrupt.bin');
    writeFileSync(file, bytes);
    const r = await nlkit(['decode', file]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/frame 1: malformed netlink message: .* \(byte offset \d+ in the input/);
    const missing = await nlkit(['decode', join(dir, 'nope.pcap')]);
    expect(missing).toMatchObject({ code: 3, stderr: expect.stringMatching(/no such file/) });
  });

  it('reads a hex dump from standard input, direction inferred', async () => {
    const b = new Batch();
    b.route('add', { dst: '10.0.0.0/24', type: 'blackhole' });
    const hex = toHex(b.toBytes()).replace(/(.{32})/g, '$1\n');
    const r = await nlkit(['decode', '-', '--format', 'raw'], `# a route\n${hex}`);
    expect(r.code).toBe(0);
    const [frame] = JSON.parse(r.stdout);
    expect(frame).toMatchObject({ direction: 'to-kernel', inferred: true, messages: [{ type: 'RTM_NEWROUTE', seq: 1 }] });
    const text = await nlkit(['decode', '-'], hex);
    expect(text.stdout).toMatch(/to-kernel \(inferred\)/);
    const bad = await nlkit(['decode', '-'], 'zz 01 02\n');
    expect(bad).toMatchObject({ code: 3, stderr: expect.stringMatching(/line 1: "z" is not a hex digit/) });
  });
});

describe('nlkit compile', () => {
  const spec = `names:
  eth0: 2
requests:
  - link: set
    index: eth0
    state: up
  - route: add
    dst: 10.0.0.0/24
    gateway: 10.0.0.1
    oif: eth0
  - qdisc: add
    kind: htb
    index: eth0
    handle: "1:"
    default: 0x10
  - tc: add-class
    kind: htb
    index: eth0
    parent: "1:"
    classid: "1:10"
    rate: 10mbit
`;

  it('compiles YAML to raw bytes or pcap by extension, loadable as a batch', async () => {
    writeFileSync(join(dir, 'spec.yaml'), spec);
    for (const ext of ['bin', 'pcap', 'pcapng']) {
      const out = join(dir, `out.${ext}`);
      const r = await nlkit(['compile', join(dir, 'spec.yaml'), '-o', out]);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/compiled 4 requests/);
      const batch = Batch.from(new Uint8Array(readFileSync(out)));
      expect([...Array(batch.length).keys()].map((i) => batch.describe(i))).toEqual([
        'link set index 2', 'route add 10.0.0.0/24', 'qdisc add dev 2 htb handle 1:', 'class add dev 2 htb classid 1:10',
      ]);
    }
    // JSON, names from --dev.
    writeFileSync(join(dir, 'spec.json'), JSON.stringify([{ route: 'add', dst: '10.9.0.0/16', oif: 'wan' }]));
    const r = await nlkit(['compile', join(dir, 'spec.json'), '--dev', 'wan=7', '-o', join(dir, 'json.bin')]);
    expect(r.code).toBe(0);
    const [m] = decodeMessages(routeFamily, new Uint8Array(readFileSync(join(dir, 'json.bin'))));
    expect(m).toMatchObject({ name: 'RTM_NEWROUTE', attrs: { oif: 7 } });
  });

  it('names the request and field of a bad spec, exit 3', async () => {
    writeFileSync(join(dir, 'bad.yaml'), '- route: add\n  dst: 10.0.0.0/24\n- route: add\n  dst: 10.0.1.0/24\n  gatway: 10.0.0.1\n');
    const r = await nlkit(['compile', join(dir, 'bad.yaml'), '-o', join(dir, 'bad.bin')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/bad\.yaml: request 2: route add: unknown field "gatway"/);
    writeFileSync(join(dir, 'noname.yaml'), '- route: add\n  dst: 10.0.1.0/24\n  oif: eth5\n');
    const n = await nlkit(['compile', join(dir, 'noname.yaml'), '-o', join(dir, 'x.bin')]);
    expect(n).toMatchObject({ code: 3, stderr: expect.stringMatching(/request 1: .*no index for device "eth5"/) });
    writeFileSync(join(dir, 'broken.yaml'), '- route: [add\n');
    expect((await nlkit(['compile', join(dir, 'broken.yaml'), '-o', join(dir, 'x.bin')])).code).toBe(3);
  });
});

describe('nlkit schema', () => {
  it('lists families, messages and attribute sets with numbers and types', async () => {
    const list = await nlkit(['schema']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^rtnl\s+0\s+\d+/m);
    expect(list.stdout).toMatch(/^tc\s+0\s+\d+/m);
    const rtnl = await nlkit(['schema', 'rtnl', '--json']);
    const doc = JSON.parse(rtnl.stdout);
    expect(doc.messages).toContainEqual({ name: 'RTM_NEWLINK', type: 16, header: 'ifinfomsg', attrs: 'link-attrs' });
    expect(doc.attributeSets['link-attrs']).toContainEqual(expect.objectContaining({ name: 'IFLA_MTU', nla: 4, type: 'u32', key: 'mtu' }));
    const set = await nlkit(['schema', 'rtnl', 'link-attrs']);
    expect(set.stdout).toMatch(/^IFLA_MTU\s+4\s+u32\s+mtu/m);
    const text = await nlkit(['schema', 'tc']);
    expect(text.stdout).toMatch(/^RTM_NEWQDISC\s+36\s+tcmsg/m);
    expect((await nlkit(['schema', 'nope'])).code).toBe(2);
  });
});

describe('nlkit help and usage', () => {
  const commands = ['link', 'addr', 'route', 'rule', 'neigh', 'fdb', 'vlan', 'qdisc', 'class', 'filter', 'monitor', 'decode', 'record', 'compile', 'apply', 'schema'];

  it('--help everywhere, with usage and the exit codes', async () => {
    const main = await nlkit(['--help']);
    expect(main.code).toBe(0);
    for (const c of commands) expect(main.stdout).toContain(`  ${c} `);
    expect(main.stdout).toMatch(/Exit status:[\s\S]*\b3 +bad input file/);
    const results = await Promise.all(commands.map((c) => nlkit([c, '--help'])));
    results.forEach((r, i) => {
      expect({ c: commands[i], code: r.code }).toEqual({ c: commands[i], code: 0 });
      expect(r.stdout).toMatch(new RegExp(`^nlkit ${commands[i]} - `));
      expect(r.stdout).toMatch(/Usage:/);
      expect(r.stdout).toMatch(/-n, --netns NAME/);
    });
  });

  it('usage errors exit 2 with a hint', async () => {
    const cases = [['frobnicate'], ['route', 'show', 'bogus', 'x'], ['decode'], ['link', '--frob'], ['apply'], ['route', '-4', '-6'], ['monitor', 'nosuchgroup']];
    const results = await Promise.all(cases.map((c) => nlkit(c)));
    results.forEach((r, i) => {
      expect({ args: cases[i], code: r.code }).toEqual({ args: cases[i], code: 2 });
      expect(r.stderr).toMatch(/^nlkit: /);
    });
    expect(results[0]!.stderr).toMatch(/unknown command "frobnicate"\nnlkit: try 'nlkit --help'/);
    expect(results[1]!.stderr).toMatch(/unknown keyword "x"; known: table, dev/);
  });

  it('no command: the help on stderr, exit 2; --version', async () => {
    const r = await nlkit([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^nlkit - /);
    expect((await nlkit(['--version'])).stdout).toMatch(/^nlkit \d+\.\d+\.\d+\n$/);
  });
});
