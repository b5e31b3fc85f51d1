/**
 * Runs the examples as a user would (`node --conditions=@nlkit/source
 * --import tsx examples/NAME.ts`) and checks what they print. The guides in
 * docs/ quote these files. examples/record-replay.test.ts, the testing
 * guide's vitest example, is a test file itself and runs beside this one.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createContext, runInContext } from 'node:vm';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { inCI, isRoot } from '../test/live-env.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (script: string, ...args: string[]) =>
  execFileSync(process.execPath, ['--conditions=@nlkit/source', '--import', 'tsx', script, ...args], { cwd: root, encoding: 'utf8' });

/** Examples that make network namespaces: skipped for other users, except under CI=true, where they must run (as root). */
const needsRoot = !isRoot && !inCI;
function requireRoot(): void {
  if (!isRoot) throw new Error('CI=true: this example must run as root (it creates a network namespace)');
}

describe('examples', () => {
  it('decode-fixture prints the links of the bundled capture', () => {
    const out = run('examples/decode-fixture.ts');
    expect(out).toMatch(/frame 1: to-kernel/);
    expect(out).toMatch(/RTM_NEWLINK .*#1 lo mtu 65536/);
    expect(out).toMatch(/#\d+ br0 mtu \d+ 02:00:00:00:00:10 bridge/);
    expect(out).toMatch(/NLMSG_DONE/);
    expect(out).toMatch(/"IFLA_INFO_KIND",\s*"(veth|bridge)"/);
  });

  it('replay-fixture lists the recorded links and shows the recorded refusals as NetlinkErrors', () => {
    const out = run('examples/replay-fixture.ts');
    expect(out).toContain('link #1 lo mtu 65536 seq 100');
    expect(out).toContain('link #4 br0 mtu 1500 seq 100');
    expect(out).toContain('v0 refused: code EEXIST, errno 17, extack null');
    expect(out).toContain('x0 refused: code EOPNOTSUPP, errno 95, extack "Unknown device type"');
    expect(out).toContain('IPRoute: link add x0: code EOPNOTSUPP, extack "Unknown device type"');
  });

  it('compile-batch compiles requests offline, round-trips them through a pcap and reports each outcome', () => {
    const out = run('examples/compile-batch.ts');
    expect(out).toMatch(/^5 requests, \d+ bytes$/m);
    expect(out).toContain('#0 link add br0');
    expect(out).toContain('{"type":"RTM_NEWLINK","flags":1541,"seq":1,"pid":0,');
    expect(out).toContain('["IFLA_LINKINFO",[["IFLA_INFO_KIND","bridge"]]]');
    expect(out).toContain('["RTA_TABLE",1000]');
    expect(out).toMatch(/loaded back: 5 requests, same bytes: true/);
    expect(out).toContain('onError continue: 4 ok, 1 failed, 0 skipped');
    expect(out).toContain('#3 failed: ENETUNREACH Nexthop has invalid gateway');
    expect(out).toContain('onError stop: 3 ok, 1 failed, 1 skipped');
    expect(out).toContain('#4 skipped');
  });

  it('custom-family declares nlctrl, round-trips it, keeps an unknown attribute, and offline needs no socket', () => {
    const out = run('examples/custom-family.ts');
    expect(out).toContain('{"type":"CTRL","flags":5,"seq":1,"pid":0,"fields":{"cmd":3,"version":2,"reserved":0},"attrs":[["CTRL_ATTR_FAMILY_NAME","nlctrl"]]}');
    expect(out).toContain('CTRL_ATTR_MCAST_GROUPS = 7  (mcastGroups)');
    expect(out).toContain('unknown attributes: type 10, 4 bytes');
    expect(out).toContain('re-encoded unchanged: true');
    expect(out).toContain('round trip: 200 generated messages');
    expect(out).not.toContain('family ');
  });

  it('extend-rtnl decodes a kind rtnl does not know with kind tables passed in, and rtnl keeps it as bytes', () => {
    const out = run('examples/extend-rtnl.ts');
    expect(out).toContain('with ovpn: {"mode":"mp"}');
    expect(out).toContain('["IFLA_INFO_DATA",[["IFLA_OVPN_MODE","mp"]]]');
    expect(out).toContain('without: bytes');
    expect(out).toContain('["IFLA_INFO_DATA","0500010001000000"]');
    expect(out).toContain('re-encoded by rtnl unchanged: true');
  });

  // Generic netlink's controller answers any user: no root needed, only Linux (which CI always is).
  it.skipIf(process.platform !== 'linux' && !inCI)('custom-family --kernel dumps the generic netlink families of the running kernel', () => {
    const out = run('examples/custom-family.ts', '--kernel');
    expect(out).toMatch(/^family nlctrl id 16 ops \d+ groups notify$/m);
  });

  it('pyroute2-equivalents runs every nlkit call of the migration guide, and the guide quotes the file', () => {
    const out = run('examples/pyroute2-equivalents.ts');
    expect(out).not.toContain('FAILED');
    expect(out).toMatch(/^(\d+) of \1 calls ran$/m);

    // Every call in the nlkit column of the guide's tables is in the example, verbatim.
    const source = readFileSync(new URL('pyroute2-equivalents.ts', import.meta.url), 'utf8');
    const guide = readFileSync(new URL('../docs/migrating-from-pyroute2.md', import.meta.url), 'utf8');
    const quoted = guide
      .split('\n')
      .filter((line) => line.startsWith('| '))
      .map((line) => line.replace(/\\\|/g, '\u0000').split('|')[2] ?? '')
      .flatMap((cell) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!.replace(/\u0000/g, '|')))
      .filter((code) => code.includes('(') && !code.includes('...'));
    expect(quoted.length).toBeGreaterThan(50);
    expect(quoted.filter((code) => !source.includes(code))).toEqual([]);
  });

  it('browser/decode-capture bundles for the browser and decodes a capture picked in a file input', async () => {
    const entry = 'examples/browser/decode-capture.ts';
    const result = await build({
      entryPoints: [entry],
      absWorkingDir: root,
      bundle: true,
      platform: 'browser',
      format: 'iife',
      globalName: 'example',
      conditions: ['@nlkit/source'],
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    const packages = new Set(inputs.filter((i) => i !== entry).map((i) => /^packages\/([^/]+)\/src\//.exec(i)?.[1] ?? i));
    // core, rtnl and pcap (whose recorder needs transport's types and one helper); nothing from Node.
    expect([...packages].sort()).toEqual(['core', 'pcap', 'rtnl', 'transport']);
    const code = result.outputFiles[0]!.text;
    expect(code).not.toMatch(/require\(["']node:|from ["']node:/);

    // A page with the file input and the output element, and a file picked in it.
    let onChange: (() => Promise<void>) | undefined;
    const capture = new Uint8Array(readFileSync(new URL('../fixtures/rtnl/link-dump.pcap', import.meta.url)));
    const input = {
      files: [{ arrayBuffer: async () => capture.slice().buffer }],
      addEventListener: (type: string, fn: () => Promise<void>) => {
        if (type === 'change') onChange = fn;
      },
    };
    const output = { textContent: '' };
    const document = { querySelector: (sel: string) => (sel === '#capture' ? input : sel === '#output' ? output : null) };
    const ctx = createContext({ document, TextEncoder, TextDecoder, Uint8Array, DataView, ArrayBuffer });
    runInContext(code, ctx);
    expect(onChange).toBeDefined();
    await onChange!();
    expect(output.textContent).toMatch(/^frame 1: to-kernel, protocol 0, \d+ bytes/);
    expect(output.textContent).toContain('"type": "RTM_GETLINK"');
    expect(output.textContent).toMatch(/"IFLA_IFNAME",\s*"br0"/);
    expect(output.textContent).toContain('"type": "NLMSG_DONE"');
  });

  it.skipIf(needsRoot)('netns-links lists the links of a throwaway namespace with IPRoute', () => {
    requireRoot();
    const out = run('examples/netns-links.ts');
    expect(out).toMatch(/^namespace nlkit-test-\d+-[0-9a-f]+$/m);
    expect(out).toMatch(/^link #1 lo mtu 65536 /m);
    expect(out).toMatch(/^link #\d+ veth0 mtu 1400 /m);
    expect(out).toMatch(/^link #\d+ veth1 mtu 1500 /m);
    expect(out).toMatch(/^addr 10\.9\.0\.1\/24 on #\d+$/m);
    expect(out).toContain('refused: code EEXIST');
  });

  it.skipIf(needsRoot)('large-dump holds 50,000 routes as objects, views and one MessageList, the list with the least heap', () => {
    requireRoot();
    const out = execFileSync(process.execPath, ['--expose-gc', '--conditions=@nlkit/source', '--import', 'tsx', 'examples/large-dump.ts'], { cwd: root, encoding: 'utf8' });
    expect(out).toContain('added 50000 routes');
    const heap = (what: string): number => Number(new RegExp(`^${what}: 50003 routes, \\+([\\d.]+) MiB of heap$`, 'm').exec(out)?.[1]);
    // 50,003 decoded objects take tens of MiB; as many views a few; the list's offsets live outside the heap.
    expect(heap('decoded objects')).toBeGreaterThan(10);
    expect(heap('views')).toBeGreaterThan(heap('list'));
    expect(heap('list')).toBeLessThan(1);
    expect(out).toContain('via 10.0.0.1: 50000');
    expect(out).toContain('last: 10.0.0.255/32 table 255');
  });
});
