/**
 * The main entry must run in a browser: bundling it for `platform: 'browser'`
 * pulls in no Node built-in, and the bundle round-trips a capture in a bare
 * JavaScript realm that has only what browsers also have.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';

const entry = fileURLToPath(new URL('./index.ts', import.meta.url));

async function bundle(): Promise<{ code: string; inputs: string[] }> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: 'browser',
    conditions: ['@nlkit/source'],
    format: 'iife',
    globalName: 'nlkitPcap',
    metafile: true,
    logLevel: 'silent',
  });
  return { code: result.outputFiles[0].text, inputs: Object.keys(result.metafile.inputs) };
}

describe('browser build of @nlkit/pcap', () => {
  it('bundles without any Node built-in', async () => {
    const { code, inputs } = await bundle();
    expect(inputs.filter((path) => path.startsWith('node:') || !/packages\/(pcap|transport|core)\/src\//.test(path))).toEqual([]);
    expect(code).not.toMatch(/\brequire\(/);
    expect(code).not.toMatch(/\bBuffer\b|\bprocess\./);
  });

  it('round-trips a capture in a realm without Node globals', async () => {
    const { code } = await bundle();
    const script = `${code}
      const w = new nlkitPcap.PcapWriter({ format: 'pcapng', nanosecond: true });
      w.add({ direction: 'from-kernel', protocol: 16, data: Uint8Array.of(20, 0, 0, 0, 3, 0, 2, 0, 1, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0), timestamp: { seconds: 3, nanoseconds: 4 }, comment: 'é' });
      const [p] = nlkitPcap.readCapture(w.toBytes());
      JSON.stringify([p.direction, p.protocol, p.data.length, p.timestamp, p.comment, p.interfaceName, typeof process, typeof Buffer, typeof require]);
    `;
    // Browsers provide TextEncoder and TextDecoder; nothing else from the host is passed in.
    const result = runInNewContext(script, { TextEncoder, TextDecoder }) as string;
    expect(JSON.parse(result)).toEqual([
      'from-kernel', 16, 20, { seconds: 3, nanoseconds: 4 }, 'é', 'nlmon0', 'undefined', 'undefined', 'undefined',
    ]);
  });
});
