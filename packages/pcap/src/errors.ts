/**
 * What kind of problem a {@link CaptureFormatError} reports.
 *
 * - `truncated`: the data ends in the middle of a header, record or block. A
 *   capture tool killed mid-write leaves such a tail; {@link parseCapture} can
 *   tolerate it.
 * - `bad-magic`: the data is neither a pcap file (magic `0xa1b2c3d4` or
 *   `0xa1b23c4d`, either byte order) nor a pcapng file (Section Header Block
 *   type `0x0a0d0d0a` with byte-order magic `0x1a2b3c4d`).
 * - `unsupported-version`: a pcap major version other than 2, or a pcapng
 *   section major version other than 1.
 * - `unsupported-link-type`: packets of a link type that does not carry
 *   netlink, or a Linux cooked-capture packet whose ARPHRD type is not
 *   `ARPHRD_NETLINK`. {@link CaptureFormatError.linkType} holds the number.
 * - `bad-length`: a length field contradicts the data around it (a pcap
 *   `incl_len` above the snapshot length, a pcapng block total length that is
 *   too small, not a multiple of 4 or different at the block's two ends, a
 *   captured length that does not fit in its block).
 * - `bad-interface`: a pcapng packet names an interface that its section has
 *   not described.
 * - `bad-option`: a pcapng option runs past the end of its block, or has the
 *   wrong size for its code.
 * - `bad-pseudo-header`: a packet is too short to hold its link-layer pseudo
 *   header.
 */
export type CaptureErrorCode =
  | 'truncated'
  | 'bad-magic'
  | 'unsupported-version'
  | 'unsupported-link-type'
  | 'bad-length'
  | 'bad-interface'
  | 'bad-option'
  | 'bad-pseudo-header';

/**
 * Raised for every malformed or unsupported capture; the readers throw nothing else.
 *
 * `offset` is the byte offset into the buffer given to the reader where the
 * problem was found (the start of the offending field, header or block).
 */
export class CaptureFormatError extends Error {
  /** `"CaptureFormatError"`. */
  override readonly name = 'CaptureFormatError';
  /** The kind of problem; see {@link CaptureErrorCode}. */
  readonly code: CaptureErrorCode;
  /** Byte offset into the capture where the problem was found. */
  readonly offset: number;
  /** What went wrong, without the offset. */
  readonly reason: string;
  /** For `unsupported-link-type`: the LINKTYPE_ number of the offending interface or file. */
  readonly linkType?: number;

  constructor(code: CaptureErrorCode, reason: string, offset: number, linkType?: number) {
    super(`${reason} (byte offset ${offset})`);
    this.code = code;
    this.reason = reason;
    this.offset = offset;
    if (linkType !== undefined) this.linkType = linkType;
  }
}
