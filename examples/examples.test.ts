import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (script: string, ...args: string[]) =>
  execFileSync(process.execPath, ['--conditions=@nlkit/source', '--import', 'tsx', script, ...args], { cwd: root, encoding: 'utf8' });

describe('examples', () => {
  it('decode-fixture prints the links of the bundled capture', () => {
    const out = run('examples/decode-fixture.ts');
    expect(out).toMatch(/frame 1: to-kernel/);
    expect(out).toMatch(/RTM_NEWLINK .*#1 lo mtu 65536/);
    expect(out).toMatch(/#\d+ br0 mtu \d+ 02:00:00:00:00:10 bridge/);
    expect(out).toMatch(/NLMSG_DONE/);
    expect(out).toMatch(/"IFLA_INFO_KIND",\s*"(veth|bridge)"/);
  });
});
