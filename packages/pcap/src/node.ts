/**
 * `@nlkit/pcap/node`: file helpers for Node. The codecs themselves are in
 * `@nlkit/pcap` and need no Node built-ins.
 *
 * @module
 */

import { closeSync, openSync, writeSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { parseCapture } from './read.js';
import type { ParseOptions, ParsedCapture } from './read.js';
import { PcapWriter } from './write.js';
import type { ChunkSink, PacketToWrite, WriterOptions } from './write.js';

/**
 * Reads and parses a capture file; see `parseCapture`. The packets' `data`
 * are views into one plain `Uint8Array` holding the file (not a `Buffer`).
 */
export async function readCaptureFile(path: string, options: ParseOptions = {}): Promise<ParsedCapture> {
  const file = await readFile(path);
  return parseCapture(new Uint8Array(file.buffer, file.byteOffset, file.byteLength), options);
}

/** Writes `packets` to a new capture file at `path` (replacing any file there). */
export async function writeCaptureFile(path: string, packets: Iterable<PacketToWrite>, options: WriterOptions = {}): Promise<void> {
  const writer = new PcapWriter(options);
  for (const packet of packets) writer.add(packet);
  await writeFile(path, writer.toBytes());
}

/** A file that capture chunks are appended to as they come; see {@link openFileSink}. */
export interface FileSink {
  /** The path the sink writes to. */
  readonly path: string;
  /** Appends one chunk to the file with a synchronous `write(2)`; pass it to `PcapStreamWriter`. */
  readonly write: ChunkSink;
  /** Closes the file. Writing afterwards throws. Closing twice does nothing. */
  close(): void;
}

/**
 * Opens `path` for a {@link FileSink}: created if missing, truncated unless
 * `append` is set. Each chunk reaches the kernel before `write` returns, so
 * a recorder that dies leaves a capture that ends at a chunk boundary.
 *
 * Appending suits pcapng (a file may hold several sections, each opened by
 * the Section Header Block a new writer writes first); appending a second
 * pcap global header to a pcap file makes it unreadable.
 */
export function openFileSink(path: string, options: { readonly append?: boolean } = {}): FileSink {
  let fd: number | undefined = openSync(path, options.append ? 'a' : 'w');
  return {
    path,
    write(chunk: Uint8Array): void {
      if (fd === undefined) throw new Error(`capture file ${path} is closed`);
      let done = 0;
      while (done < chunk.length) done += writeSync(fd, chunk, done, chunk.length - done);
    },
    close(): void {
      if (fd === undefined) return;
      const open = fd;
      fd = undefined;
      closeSync(open);
    },
  };
}
