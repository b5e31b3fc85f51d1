/** Small byte helpers shared by the pcap and pcapng codecs. */

import { CaptureFormatError } from './errors.js';

const utf8Decoder = new TextDecoder('utf-8');
const utf8Encoder = new TextEncoder();

/** A DataView over exactly the bytes of `bytes`. */
export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Throws a `truncated` error unless `n` bytes are available at `offset`. */
export function need(bytes: Uint8Array, offset: number, n: number, what: string): void {
  const remain = bytes.length - offset;
  if (remain < n) {
    throw new CaptureFormatError('truncated', `${what} truncated: needs ${n} bytes, only ${remain} remain`, offset);
  }
}

/** `n` rounded up to a multiple of 4, as pcapng pads data and option values. */
export function pad4(n: number): number {
  return n + ((4 - (n % 4)) % 4);
}

/** Decodes UTF-8 (pcapng strings), dropping a trailing NUL some writers add; bad sequences become U+FFFD. */
export function decodeUtf8(bytes: Uint8Array): string {
  const end = bytes.length > 0 && bytes[bytes.length - 1] === 0 ? bytes.length - 1 : bytes.length;
  return utf8Decoder.decode(bytes.subarray(0, end));
}

/** Encodes a string as UTF-8. */
export function encodeUtf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}
