/**
 * Decodes a netlink capture in the browser: pick a pcap or pcapng file
 * (`tcpdump -i nlmon0 -w FILE`, or one nlkit recorded) and the page prints
 * every message in the canonical raw form, kernel names and all.
 *
 * Uses `@nlkit/core`, `@nlkit/rtnl` and `@nlkit/pcap` only: no Node
 * built-ins. Serve it with esbuild (see docs/decoding-in-a-browser.md):
 *
 * ```sh
 * npx esbuild examples/browser/decode-capture.ts --bundle --format=esm \
 *   --conditions=@nlkit/source --outdir=examples/browser --servedir=examples/browser
 * ```
 */
import { NlDecodeError, decodeMessages, stringifyRaw, toRaw } from '@nlkit/core';
import { CaptureFormatError, readCapture } from '@nlkit/pcap';
import { rtnl } from '@nlkit/rtnl';

/** Every packet of a capture and its messages in the raw form, as text. */
export function describeCapture(bytes: Uint8Array): string {
  const lines: string[] = [];
  try {
    for (const [i, packet] of readCapture(bytes).entries()) {
      lines.push(`frame ${i + 1}: ${packet.direction}, protocol ${packet.protocol}, ${packet.data.length} bytes`);
      if (packet.protocol !== rtnl.protocol) continue; // NETLINK_ROUTE only
      try {
        for (const message of decodeMessages(rtnl, packet.data)) lines.push(stringifyRaw(toRaw(rtnl, message), 1));
      } catch (e) {
        if (!(e instanceof NlDecodeError)) throw e;
        lines.push(`  cannot decode: ${e.message}`);
      }
    }
  } catch (e) {
    if (!(e instanceof CaptureFormatError)) throw e;
    lines.push(`not a capture: ${e.message}`);
  }
  return lines.join('\n');
}

// The page: <input type="file" id="capture"> and <pre id="output">.
const input = globalThis.document?.querySelector<HTMLInputElement>('#capture');
const output = globalThis.document?.querySelector<HTMLElement>('#output');
input?.addEventListener('change', async () => {
  const file = input.files?.[0];
  if (!file || !output) return;
  output.textContent = describeCapture(new Uint8Array(await file.arrayBuffer()));
});
