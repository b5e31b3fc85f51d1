/**
 * The process's standard streams as an {@link Io}: writes are queued in
 * order and drained before exit; a closed pipe (`nlkit ... | head`) ends
 * the output quietly.
 */
import type { Io } from './context.js';

/** An {@link Io} over `process.stdout`/`stderr`/`stdin`, with `drain()` to wait for queued output. */
export function processIo(): Io & {
  /** Resolves when the output queued so far has been written. */
  drain(): Promise<void>;
} {
  let broken = false;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') {
      broken = true;
      process.exit(0);
    }
    throw e;
  });
  const write = (stream: NodeJS.WriteStream, text: string | Uint8Array): void => {
    if (!broken) stream.write(text);
  };
  return {
    out: (t) => write(process.stdout, t),
    err: (t) => write(process.stderr, t),
    outIsTTY: process.stdout.isTTY === true,
    errIsTTY: process.stderr.isTTY === true,
    columns: process.stderr.columns,
    async readStdin() {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      const all = Buffer.concat(chunks);
      return new Uint8Array(all.buffer, all.byteOffset, all.byteLength);
    },
    drain: () =>
      new Promise<void>((resolve) => {
        if (broken || process.stdout.writableLength === 0) return resolve();
        process.stdout.once('drain', () => resolve());
        process.stdout.once('error', () => resolve());
      }),
  };
}
