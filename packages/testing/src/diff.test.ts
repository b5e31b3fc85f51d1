import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { lineDiff } from './diff.js';
import { pretty } from './format.js';

/** The two texts a diff was made from: its `-` and kept lines, and its `+` and kept lines. */
function sides(diff: string): { expected: string[]; actual: string[] } {
  const lines = diff === '' ? [] : diff.split('\n');
  return {
    expected: lines.filter((l) => !l.startsWith('+')).map((l) => l.slice(2)),
    actual: lines.filter((l) => !l.startsWith('-')).map((l) => l.slice(2)),
  };
}

describe('lineDiff', () => {
  it('marks removed, added and kept lines, removals first', () => {
    expect(lineDiff(['a', 'b', 'c'], ['a', 'x', 'c', 'd'])).toBe('  a\n- b\n+ x\n  c\n+ d');
    expect(lineDiff([], ['x'])).toBe('+ x');
    expect(lineDiff(['x'], [])).toBe('- x');
  });

  it('is minimal: the kept lines are a longest common subsequence', () => {
    expect(lineDiff(['a', 'b', 'c', 'd'], ['b', 'c', 'd', 'a'])).toBe('- a\n  b\n  c\n  d\n+ a');
  });

  it('cuts long unchanged runs of a long diff to three lines of context', () => {
    const before = Array.from({ length: 100 }, (_, i) => `line ${i}`);
    const after = before.map((l, i) => (i === 50 ? 'changed' : l));
    expect(lineDiff(before, after).split('\n')).toEqual([
      '@@ 47 unchanged lines @@',
      '  line 47',
      '  line 48',
      '  line 49',
      '- line 50',
      '+ changed',
      '  line 51',
      '  line 52',
      '  line 53',
      '@@ 46 unchanged lines @@',
    ]);
  });

  it('shows a huge rewrite as removals then additions, without the quadratic table', () => {
    const a = Array.from({ length: 2500 }, (_, i) => `a${i}`);
    const b = Array.from({ length: 2500 }, (_, i) => `b${i}`);
    const lines = lineDiff(['same', ...a], ['same', ...b]).split('\n');
    expect(lines.length).toBe(5001);
    expect([lines[0], lines[1], lines[2500], lines[2501], lines[5000]]).toEqual(['  same', '- a0', '- a2499', '+ b0', '+ b2499']);
  });

  it('gives back both texts (property)', () => {
    const text = fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 40 });
    fc.assert(
      fc.property(text, text, (expected, actual) => {
        expect(sides(lineDiff(expected, actual))).toEqual({ expected, actual });
      }),
    );
  });
});

describe('pretty', () => {
  it('keeps short values on a line, and puts each attribute of a list on its own line, named', () => {
    const raw = { type: 'RTM_NEWLINK', fields: { ifi_index: 2 }, attrs: [['IFLA_IFNAME', 'eth0'], ['IFLA_LINKINFO', [['IFLA_INFO_KIND', 'veth'], ['IFLA_INFO_DATA', [['VETH_INFO_PEER', 1n]]]]]] };
    expect(pretty(raw, '', 0)).toBe(
      [
        '{',
        '  "type": "RTM_NEWLINK",',
        '  "fields": {"ifi_index": 2},',
        '  "attrs": [',
        '    ["IFLA_IFNAME", "eth0"],',
        '    ["IFLA_LINKINFO", [',
        '      ["IFLA_INFO_KIND", "veth"],',
        '      ["IFLA_INFO_DATA", [["VETH_INFO_PEER", 1]]]',
        '    ]]',
        '  ]',
        '}',
      ].join('\n'),
    );
  });

  it('shows byte arrays as hex and leaves undefined properties out', () => {
    expect(pretty({ a: new Uint8Array([1, 255]), b: undefined }, '', 0)).toBe('{"a": "01ff"}');
  });

  it('breaks a value longer than the line', () => {
    const long = 'x'.repeat(60);
    expect(pretty([long, long, 1], '', 0)).toBe(`[\n  "${long}",\n  "${long}",\n  1\n]`);
  });
});
