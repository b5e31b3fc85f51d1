import { NlDecodeError, NlEncodeError } from './errors.js';

/**
 * Values visible to a codec while it decodes or encodes: the attributes of the
 * enclosing attribute set, then those of its parent, up to the message's fixed
 * header fields. Kind-dependent payloads (`IFLA_INFO_DATA` keyed by
 * `IFLA_INFO_KIND`) read their selector from here.
 */
export interface Scope {
  /** The values of this level, by key (attribute keys, or header field names at the top). */
  readonly values: Readonly<Record<string, unknown>>;
  /** The enclosing level; undefined at the message's top. */
  readonly parent: Scope | undefined;
}

/** Finds `key` in the nearest scope that has it. */
export function lookupScope(scope: Scope | undefined, key: string): unknown {
  for (let s = scope; s; s = s.parent) {
    const v = s.values[key];
    if (v !== undefined) return v;
  }
  return undefined;
}

/** A JSON value of the canonical raw form; 64-bit integers stay `bigint` until printed. */
export type Json = null | boolean | number | bigint | string | Json[] | { [k: string]: Json };

/**
 * What a codec is, for introspection, documentation and generated arbitraries.
 * The names follow the kernel's netlink specs (`netlink-raw.yaml`) where they exist.
 */
export type CodecKind =
  | 'u8' | 'u16' | 'u32' | 'u64' | 's8' | 's16' | 's32' | 's64' | 'uint' | 'sint'
  | 'flag' | 'string' | 'binary' | 'ipv4' | 'ipv6' | 'ip' | 'lladdr'
  | 'struct' | 'pad' | 'bitfield32' | 'enum' | 'flags'
  | 'nest' | 'indexed-array' | 'sub-message' | 'custom';

/**
 * A value codec: how one attribute payload or struct field is read and written.
 *
 * Encoding is two-pass: `size` (which also validates the value and throws
 * {@link NlEncodeError}) and then `write` into a preallocated buffer.
 * `read` throws {@link NlDecodeError} only; offsets are absolute in `view`.
 *
 * `T` is the decoded type; `In` what encode accepts (wider where convenient,
 * e.g. a `number` for a 64-bit field).
 */
export interface Codec<T = unknown, In = T> {
  /** What the codec is ({@link CodecKind}). */
  readonly kind: CodecKind;
  /**
   * Payload size of a value built by hand. A decoded value may differ (a
   * struct with a tail): codecs whose size can vary return it from `write`.
   */
  readonly fixed?: number;
  /** Big-endian (network byte order) integer. */
  readonly be?: boolean;
  /** The same codec in the other byte order, used for attributes flagged `NLA_F_NET_BYTEORDER`. */
  readonly swapped?: Codec<T, In>;
  /** The payload is itself attributes: encoders set `NLA_F_NESTED`. */
  readonly nested?: boolean;
  /** Decoding needs sibling values (a kind-dependent payload): decoded after its siblings. */
  readonly needsScope?: boolean;
  /**
   * Set when distinct byte strings can decode to the same value (a string with
   * stray bytes after its NUL, say). Then `exact` tells whether re-encoding
   * would give the same bytes, and attribute sets keep the original bytes when not.
   */
  readonly lossy?: boolean;
  /**
   * For a `lossy` codec: whether re-encoding `value` (decoded from the
   * `length` bytes at `offset`) would give those same bytes.
   */
  exact?(view: DataView, offset: number, length: number, value: T): boolean;
  /** Validates a value (throws {@link NlEncodeError}) and returns its payload size in bytes. */
  size(value: In, scope: Scope | undefined): number;
  /** Writes the value; may return the bytes written (saves callers a `size` call for variable-size payloads). */
  write(value: In, view: DataView, offset: number, scope: Scope | undefined): number | void;
  /** Decodes the `length` payload bytes at `offset`; throws {@link NlDecodeError} only. */
  read(view: DataView, offset: number, length: number, scope: Scope | undefined): T;
  /** The value in the canonical raw JSON form; `scope` as for `read`. */
  json(value: T, scope?: Scope): Json;
  /** For payloads that are attributes only in some cases (a kind-dependent payload): whether they are here. */
  nestedIn?(scope: Scope | undefined): boolean;
  /** Descriptive parameters (range, length, names, members) for arbitraries and docs. */
  readonly info?: Readonly<Record<string, unknown>>;
}

/** The decoded type of a codec. */
export type Decoded<C> = C extends Codec<infer T, any> ? T : never;
/** The type a codec's encoder accepts. */
export type Input<C> = C extends Codec<any, infer I> ? I : never;

/** Raise a decode error for a payload of the wrong size. */
export function badLength(what: string, want: string | number, got: number, offset: number): never {
  throw new NlDecodeError(`${what} needs ${want} bytes, got ${got}`, offset);
}

/** Describe a value for error messages. */
export function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (typeof v === 'bigint') return `${v}n`;
  if (v instanceof Uint8Array) return `Uint8Array(${v.length})`;
  if (Array.isArray(v)) return `array(${v.length})`;
  if (v === null) return 'null';
  return typeof v === 'object' ? 'object' : String(v);
}

/** Raise an encode error. */
export function encodeFail(reason: string): never {
  throw new NlEncodeError(reason);
}
