/**
 * `nlkit` against a real kernel, in throwaway namespaces: the show commands
 * agree with `ip -j`, `bridge -j` and `tc -j` on the same objects; monitor
 * catches a change and stops cleanly on SIGTERM; record + decode; compile +
 * apply; one-request changes and their errors.
 *
 * Needs root; skipped otherwise, except under CI=true where it must run.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inCI, ipj, isRoot, nlkit, nlkitSpawn, sh, withNetns } from './cli-util.js';

if (!isRoot && inCI) throw new Error('CI=true: the live CLI tests must run, as root');

const dir = mkdtempSync(join(tmpdir(), 'nlkit-cli-live-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Rows of a table printed by nlkit, as objects keyed by lower-cased header. */
function parseTable(text: string): Record<string, string>[] {
  const [head, ...lines] = text.trimEnd().split('\n');
  if (!head) return [];
  const starts = [...head.matchAll(/\S+/g)].map((m) => ({ name: m[0].toLowerCase(), at: m.index! }));
  return lines.map((line) => Object.fromEntries(starts.map((s, i) => [s.name, line.slice(s.at, i + 1 < starts.length ? starts[i + 1]!.at : undefined).trim()])));
}

describe.skipIf(!isRoot && !inCI)('nlkit show commands agree with ip, bridge and tc', () => {
  let ns = '';
  beforeAll(() => {
    ns = `nlkit-test-${Math.random().toString(16).slice(2, 10)}`;
    sh('ip', 'netns', 'add', ns);
    const ip = (...a: string[]) => sh('ip', '-n', ns, ...a);
    ip('link', 'set', 'lo', 'up');
    ip('link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
    ip('link', 'add', 'br0', 'type', 'bridge');
    ip('link', 'set', 'v1', 'master', 'br0');
    for (const d of ['v0', 'v1', 'br0']) ip('link', 'set', d, 'up');
    ip('link', 'set', 'v0', 'mtu', '1400');
    ip('addr', 'add', '10.0.0.1/24', 'dev', 'v0');
    ip('addr', 'add', '10.0.0.2/24', 'dev', 'v0');
    ip('addr', 'add', 'fd00::1/64', 'dev', 'v0', 'nodad');
    ip('route', 'add', '10.1.0.0/16', 'via', '10.0.0.254', 'metric', '20');
    ip('route', 'add', 'blackhole', '10.2.0.0/16');
    ip('route', 'add', '10.3.0.0/16', 'via', '10.0.0.254', 'table', '100');
    ip('-6', 'route', 'add', 'fd01::/64', 'via', 'fd00::2');
    ip('rule', 'add', 'from', '10.0.0.0/8', 'table', '100', 'priority', '100');
    ip('neigh', 'add', '10.0.0.9', 'lladdr', '02:00:00:00:00:09', 'dev', 'v0');
    sh('bridge', '-n', ns, 'fdb', 'add', '02:00:00:00:00:0a', 'dev', 'v1', 'master', 'static');
    sh('tc', '-n', ns, 'qdisc', 'add', 'dev', 'v0', 'root', 'handle', '1:', 'htb', 'default', '10');
    sh('tc', '-n', ns, 'class', 'add', 'dev', 'v0', 'parent', '1:', 'classid', '1:10', 'htb', 'rate', '10mbit');
    sh('tc', '-n', ns, 'filter', 'add', 'dev', 'v0', 'parent', '1:', 'prio', '1', 'protocol', 'ip', 'u32', 'match', 'ip', 'dst', '10.0.0.0/8', 'flowid', '1:10');
  });
  afterAll(() => {
    if (ns) sh('ip', 'netns', 'del', ns);
  });

  it('link', async () => {
    const ours = JSON.parse((await nlkit(['-n', ns, 'link', 'show', '--json'])).stdout);
    const theirs = ipj(ns, 'link', 'show');
    const key = (i: number, n: string, mtu: number, a: string) => `${i} ${n} ${mtu} ${a}`;
    expect(ours.map((l: any) => key(l.header.index, l.attrs.ifname, l.attrs.mtu, l.attrs.address)).sort()).toEqual(
      theirs.map((l: any) => key(l.ifindex, l.ifname, l.mtu, l.address)).sort(),
    );
    const table = parseTable((await nlkit(['-n', ns, 'link'])).stdout);
    expect(table.find((r) => r.name === 'v0')).toMatchObject({ state: 'UP', mtu: '1400', kind: 'veth', master: '-' });
    expect(table.find((r) => r.name === 'v1')).toMatchObject({ kind: 'veth', master: 'br0' });
    const one = parseTable((await nlkit(['-n', ns, 'link', 'show', 'type', 'bridge'])).stdout);
    expect(one.map((r) => r.name)).toEqual(['br0']);
    const missing = await nlkit(['-n', ns, 'link', 'show', 'dev', 'nope0']);
    expect(missing).toMatchObject({ code: 1, stderr: 'nlkit: device "nope0" does not exist\n' });
  });

  it('addr', async () => {
    const ours = JSON.parse((await nlkit(['-n', ns, 'addr', 'show', 'dev', 'v0', '--json'])).stdout);
    const theirs = ipj(ns, 'addr', 'show', 'dev', 'v0')[0].addr_info;
    expect(ours.map((a: any) => `${a.attrs.local ?? a.attrs.address}/${a.header.prefixlen}`).sort()).toEqual(theirs.map((a: any) => `${a.local}/${a.prefixlen}`).sort());
    const v4 = parseTable((await nlkit(['-n', ns, 'addr', '-4'])).stdout);
    expect(v4.map((r) => `${r.dev} ${r.address}`).sort()).toEqual(ipj(ns, '-4', 'addr', 'show').flatMap((d: any) => d.addr_info.map((a: any) => `${d.ifname} ${a.local}/${a.prefixlen}`)).sort());
    expect(v4.filter((r) => r.dev === 'v0').every((r) => r.family === 'inet' && r.scope === 'global')).toBe(true);
  });

  it('route', async () => {
    const dst = (r: any): string => (r.dst === 'default' ? 'default' : r.dst.includes('/') ? r.dst : `${r.dst}/${r.dst.includes(':') ? 128 : 32}`);
    for (const fam of ['-4', '-6']) {
      const ours = JSON.parse((await nlkit(['-n', ns, 'route', 'show', 'table', 'all', fam, '--json'])).stdout);
      const theirs = ipj(ns, fam, 'route', 'show', 'table', 'all');
      const mine = ours.map((r: any) => (r.header.dstLen === 0 && r.attrs.dst === undefined ? 'default' : `${r.attrs.dst}/${r.header.dstLen}`) + ` ${r.attrs.table ?? r.header.table}`);
      const tables: Record<string, number> = { main: 254, local: 255, default: 253 };
      const ip = theirs.map((r: any) => `${dst(r)} ${r.table === undefined ? 254 : (tables[r.table] ?? Number(r.table))}`);
      expect(mine.sort()).toEqual(ip.sort());
    }
    const main = parseTable((await nlkit(['-n', ns, 'route'])).stdout);
    expect(main.find((r) => r.dst === '10.1.0.0/16')).toMatchObject({ gateway: '10.0.0.254', dev: 'v0', table: 'main', metric: '20', proto: 'boot' });
    expect(main.find((r) => r.dst === '10.2.0.0/16')).toMatchObject({ type: 'blackhole' });
    expect(main.some((r) => r.dst === '10.3.0.0/16')).toBe(false);
    const t100 = parseTable((await nlkit(['-n', ns, 'route', 'show', 'table', '100'])).stdout);
    expect(t100.map((r) => r.dst)).toEqual(['10.3.0.0/16']);
  });

  it('rule, neigh', async () => {
    const rules = JSON.parse((await nlkit(['-n', ns, 'rule', '-4', '--json'])).stdout);
    expect(rules.map((r: any) => r.attrs.priority ?? 0).sort((a: number, b: number) => a - b)).toEqual(ipj(ns, '-4', 'rule', 'show').map((r: any) => r.priority).sort((a: number, b: number) => a - b));
    expect(parseTable((await nlkit(['-n', ns, 'rule', '-4'])).stdout).find((r) => r.prio === '100')).toMatchObject({ selector: 'from 10.0.0.0/8', action: 'lookup 100' });
    const neigh = JSON.parse((await nlkit(['-n', ns, 'neigh', '-4', '--json'])).stdout);
    expect(neigh.map((n: any) => `${n.attrs.dst} ${n.attrs.lladdr}`).sort()).toEqual(ipj(ns, '-4', 'neigh', 'show', 'nud', 'all').map((n: any) => `${n.dst} ${n.lladdr}`).sort());
    expect(parseTable((await nlkit(['-n', ns, 'neigh', 'show', 'dev', 'v0', '-4'])).stdout)).toEqual([
      { dst: '10.0.0.9', dev: 'v0', lladdr: '02:00:00:00:00:09', state: 'PERMANENT', flags: '-' },
    ]);
  });

  it('fdb', async () => {
    const ours = JSON.parse((await nlkit(['-n', ns, 'fdb', 'show', 'br', 'br0', '--json'])).stdout);
    // nlkit's "br" is the entries' master (NDA_MASTER); bridge's also lists its ports' own (self) entries.
    const theirs = JSON.parse(sh('bridge', '-j', '-n', ns, 'fdb', 'show')).filter((e: any) => e.master === 'br0');
    const key = (mac: string, state: string | undefined) => `${mac} ${state ?? ''}`;
    expect(ours.map((e: any) => e.attrs.lladdr).sort()).toEqual(theirs.map((e: any) => e.mac).sort());
    const mine = parseTable((await nlkit(['-n', ns, 'fdb', 'show', 'br', 'br0'])).stdout);
    expect(mine.find((r) => r.lladdr === '02:00:00:00:00:0a')).toMatchObject({ dev: 'v1', master: 'br0', state: 'static' });
    expect(key('02:00:00:00:00:0a', theirs.find((e: any) => e.mac === '02:00:00:00:00:0a')?.state)).toBe('02:00:00:00:00:0a static');
  });

  it('qdisc, class, filter', async () => {
    const tcj = (...a: string[]): any[] => JSON.parse(sh('tc', '-j', '-n', ns, ...a));
    const q = JSON.parse((await nlkit(['-n', ns, 'qdisc', 'show', 'dev', 'v0', '--json'])).stdout);
    expect(q.map((x: any) => x.attrs.kind)).toEqual(tcj('qdisc', 'show', 'dev', 'v0').map((x: any) => x.kind));
    expect(parseTable((await nlkit(['-n', ns, 'qdisc', 'v0'])).stdout)).toEqual([{ dev: 'v0', kind: 'htb', handle: '1:', parent: 'root' }]);
    const classes = parseTable((await nlkit(['-n', ns, 'class', 'show', 'dev', 'v0'])).stdout);
    // `tc -j class show` is not JSON in every iproute2: read its text (`class htb 1:10 root ...`).
    const tcClasses = [...sh('tc', '-n', ns, 'class', 'show', 'dev', 'v0').matchAll(/^class (\S+) (\S+) /gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(classes.map((c) => `${c.kind} ${c.classid}`)).toEqual(tcClasses);
    const filters = parseTable((await nlkit(['-n', ns, 'filter', 'show', 'dev', 'v0'])).stdout);
    const theirs = tcj('filter', 'show', 'dev', 'v0', 'parent', '1:');
    expect(filters).toHaveLength(theirs.length);
    expect(filters.every((f) => f.kind === 'u32' && f.prio === '1' && f.protocol === 'ip')).toBe(true);
    expect(filters.some((f) => f.classid === '1:10')).toBe(true);
  });
});

describe.skipIf(!isRoot && !inCI)('nlkit live commands', () => {
  it('monitor prints a change as it happens and exits 0 on SIGTERM', () =>
    withNetns(async (ns) => {
      const child = nlkitSpawn(['-n', ns, 'monitor', 'link', 'addr', '--json']);
      let out = '';
      let err = '';
      child.stdout!.on('data', (d) => (out += d));
      child.stderr!.on('data', (d) => (err += d));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      try {
        await until(() => err.includes('monitoring'), 20_000, () => `monitor did not start: ${err}`);
        sh('ip', '-n', ns, 'link', 'add', 'mon0', 'type', 'veth', 'peer', 'name', 'mon1');
        sh('ip', '-n', ns, 'addr', 'add', '10.9.9.9/24', 'dev', 'mon0');
        await until(() => out.includes('10.9.9.9'), 10_000, () => `no event: ${out}`);
      } finally {
        child.kill('SIGTERM');
      }
      expect(await exited).toBe(0);
      const events = out.trim().split('\n').map((l) => JSON.parse(l));
      expect(events).toContainEqual(expect.objectContaining({ event: 'new', object: 'link', group: 1, message: expect.objectContaining({ name: 'RTM_NEWLINK', attrs: expect.objectContaining({ ifname: 'mon0' }) }) }));
      expect(events).toContainEqual(expect.objectContaining({ event: 'new', object: 'addr', message: expect.objectContaining({ attrs: expect.objectContaining({ local: '10.9.9.9' }) }) }));

      // The text form: one line per event.
      const text = nlkitSpawn(['-n', ns, 'monitor', 'link']);
      let tout = '';
      let terr = '';
      text.stdout!.on('data', (d) => (tout += d));
      text.stderr!.on('data', (d) => (terr += d));
      const texited = new Promise<number | null>((resolve) => text.on('exit', (code) => resolve(code)));
      try {
        await until(() => terr.includes('monitoring'), 20_000, () => terr);
        sh('ip', '-n', ns, 'link', 'set', 'mon0', 'mtu', '1280');
        await until(() => /mtu=1280/.test(tout), 10_000, () => tout);
      } finally {
        text.kill('SIGINT');
      }
      expect(await texited).toBe(0);
      expect(tout).toMatch(/^link new index=\d+ name=mon0 .*mtu=1280/m);
    }), 60_000);

  it('record + decode: the capture holds the command\'s exchange, directions shown', () =>
    withNetns(async (ns) => {
      const file = join(dir, 'links.pcapng');
      const r = await nlkit(['-n', ns, 'record', '-o', file, '--', 'link', 'show']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^1\s+lo\s/m);
      expect(r.stderr).toMatch(/recorded \d+ datagrams to .*links\.pcapng \(pcapng\)/);
      const frames = JSON.parse((await nlkit(['decode', file, '--format', 'raw'])).stdout);
      expect(frames[0]).toMatchObject({ direction: 'to-kernel', messages: [{ type: 'RTM_GETLINK' }] });
      expect(frames.some((f: any) => f.direction === 'from-kernel' && f.messages.some((m: any) => m.type === 'RTM_NEWLINK' && m.attrs.some((a: any) => a[0] === 'IFLA_IFNAME' && a[1] === 'lo')))).toBe(true);
      const text = await nlkit(['decode', file]);
      expect(text.stdout).toMatch(/^frame 1 {2}to-kernel/m);
      expect(text.stdout).toMatch(/from-kernel/);
    }));

  it('compile + apply: outcomes per request, stop and --force, exit codes', () =>
    withNetns(async (ns) => {
      sh('ip', '-n', ns, 'link', 'add', 'a0', 'type', 'veth', 'peer', 'name', 'a1');
      sh('ip', '-n', ns, 'link', 'set', 'a0', 'up');
      sh('ip', '-n', ns, 'addr', 'add', '10.0.0.1/24', 'dev', 'a0');
      const spec = join(dir, 'apply.yaml');
      writeFileSync(spec, [
        '- route: add', '  dst: 10.5.0.0/24', '  gateway: 10.0.0.254', '  oif: a0',
        '- route: add', '  dst: 10.6.0.0/24', '  oif: a0', '  table: 100',
        '- route: add', '  dst: 10.5.0.0/24', '  gateway: 10.0.0.254', '  oif: a0',
        '- link: add', '  ifname: bad0', '  kind: nlkit-nosuchkind',
        '- route: add', '  dst: 10.7.0.0/24', '  oif: a0',
      ].join('\n'));
      const out = join(dir, 'apply.pcap');
      const c = await nlkit(['-n', ns, 'compile', spec, '--lookup', '-o', out]);
      expect(c).toMatchObject({ code: 0, stderr: expect.stringMatching(/compiled 5 requests/) });

      const stop = await nlkit(['-n', ns, 'apply', out]);
      expect(stop.code).toBe(1);
      expect(stop.stdout.trim().split('\n')).toEqual([
        'ok      #1  route add 10.5.0.0/24',
        'ok      #2  route add 10.6.0.0/24',
        'failed  #3  route add 10.5.0.0/24: EEXIST (File exists)',
        'skipped #4  link add bad0',
        'skipped #5  route add 10.7.0.0/24',
      ]);
      expect(stop.stderr).toMatch(/5 requests: 2 ok, 1 failed, 2 skipped in \d+ ms; stopped at the first error/);
      expect(ipj(ns, 'route', 'show', '10.7.0.0/24')).toEqual([]);

      const force = await nlkit(['-n', ns, 'apply', out, '--force', '-q']);
      expect(force.code).toBe(1);
      expect(force.stdout.trim().split('\n')).toEqual([
        'failed  #1  route add 10.5.0.0/24: EEXIST (File exists)',
        'failed  #2  route add 10.6.0.0/24: EEXIST (File exists)',
        'failed  #3  route add 10.5.0.0/24: EEXIST (File exists)',
        expect.stringMatching(/^failed  #4  link add bad0: EOPNOTSUPP \(.*\): Unknown device type$/),
      ]);
      expect(ipj(ns, 'route', 'show', '10.7.0.0/24')).toHaveLength(1);

      const json = JSON.parse((await nlkit(['-n', ns, 'apply', out, '--force', '--json'])).stdout);
      expect(json).toMatchObject({ total: 5, ok: 0, failed: 5 });
      expect(json.results[3]).toEqual({ index: 3, outcome: 'failed', operation: 'link add bad0', errno: 95, code: 'EOPNOTSUPP', message: 'Unknown device type' });
      expect((await nlkit(['-n', ns, 'apply', join(dir, 'nope.pcap')])).code).toBe(3);
    }));

  it('one-request changes: ok, the kernel\'s refusal as ip would say it, usage errors', () =>
    withNetns(async (ns) => {
      expect((await nlkit(['-n', ns, 'link', 'add', 'ifname=c0', 'kind=veth', 'peer=c1'])).code).toBe(0);
      expect((await nlkit(['-n', ns, 'link', 'set', 'index=c0', 'state=up', 'mtu=1300'])).code).toBe(0);
      expect(ipj(ns, 'link', 'show', 'dev', 'c0')[0]).toMatchObject({ mtu: 1300 });
      expect((await nlkit(['-n', ns, 'addr', 'add', 'index=c0', 'address=10.0.0.1/24'])).code).toBe(0);
      expect((await nlkit(['-n', ns, 'route', 'add', 'dst=10.4.0.0/24', 'gateway=10.0.0.2', 'metrics.mtu=1200'])).code).toBe(0);
      expect(ipj(ns, 'route', 'show', '10.4.0.0/24')[0]).toMatchObject({ gateway: '10.0.0.2', dev: 'c0', metrics: [{ mtu: 1200 }] });
      const again = await nlkit(['-n', ns, 'route', 'add', 'dst=10.4.0.0/24', 'gateway=10.0.0.2']);
      expect(again).toEqual({ code: 1, stdout: '', stderr: 'nlkit: route add 10.4.0.0/24: EEXIST (File exists)\n' });
      const typo = await nlkit(['-n', ns, 'route', 'add', 'dst=10.4.1.0/24', 'gatway=10.0.0.2']);
      expect(typo.code).toBe(2);
      expect(typo.stderr).toMatch(/^nlkit: route add: unknown field "gatway"; known: dst, /);
      const noNs = await nlkit(['-n', 'nlkit-test-does-not-exist', 'link']);
      expect(noNs).toMatchObject({ code: 5, stderr: expect.stringMatching(/no such network namespace/) });
    }));
});

async function until(cond: () => boolean, ms: number, what: () => string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out: ${what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
