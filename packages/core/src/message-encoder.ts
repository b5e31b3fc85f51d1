/**
 * A message's specialised encoder: the `nlmsghdr`, the fixed header and the
 * attributes of one message type in one generated function per pass
 * (`size`, then `write`), made from the struct's and the attribute set's
 * own generated code (see compile.ts). Each pass would otherwise go through
 * `messageSize`/`writeMessage`, the struct's codec and the set's codec,
 * each checking its input again before calling its specialised code.
 *
 * As with sets and structs, the interpreted path stays and alone raises
 * errors: the specialised one gives up (-1) on anything it is not sure of,
 * and `messageSize`/`writeMessage` then run as they would without it.
 *
 * Internal: not exported from the package.
 */
import { HOST_LE, align4 } from './bytes.js';
import { attrOrder, type AttrSet } from './attrs.js';
import { access, makeCode, setEncoderCodes, structEncoderCodes, variantCodes } from './compile.js';
import { STRUCT_EXTENT, type StructCodec } from './struct.js';

/** The two passes of a message's specialised encoder; -1 where the interpreted one must run. */
export interface CompiledMessage {
  /** The message's size in bytes, checking its input as `messageSize` does; -1 to leave it to `messageSize`. */
  size(msg: object): number;
  /** Writes a message `size` checked, `size` bytes at `offset`; returns `size`, or -1 to leave it to `writeMessage`. */
  write(msg: object, view: DataView, offset: number, size: number): number;
}

/**
 * Generates the {@link CompiledMessage} of messages of type `type` with
 * fixed header `header` and attribute set `attrs` (either may be absent),
 * or null where none can be made (a header or set declared some other way
 * than with `struct`/`attrs`, or no code can be made at all).
 *
 * Both passes give up on what the interpreted path handles with care: a
 * header decoded short of its struct or past it (`STRUCT_EXTENT`), attributes
 * that are not a plain object or came from a decode (their wire order and
 * unknown attributes are re-emitted), a key that is no field or attribute.
 */
export function compileMessageEncoder(type: number, header: StructCodec<any> | undefined, attrs: AttrSet<any> | undefined): CompiledMessage | null {
  const structCode = header === undefined ? undefined : structEncoderCodes.get(header)?.('return -1');
  // A selector of a kind-dependent attribute is looked up as a walk up the
  // scope would: among the attributes (a set with such an attribute gives
  // its codecs a scope level of its own), then among the header's fields.
  const selectorAt = (selector: string): string =>
    `((sel = value${access(selector)}) !== undefined ? sel : h !== undefined ? h${access(selector)} : undefined)`;
  const setCode = attrs === undefined ? undefined : setEncoderCodes.get(attrs)?.(selectorAt);
  if (structCode === null || setCode === null) return null;
  if ((header !== undefined && structCode === undefined) || (attrs !== undefined && setCode === undefined)) return null;
  // The fixed header is padded to 4 bytes when attributes follow it (as messageSize does).
  const headerBytes = structCode === undefined ? 0 : attrs !== undefined ? align4(structCode.size) : structCode.size;
  const le = String(HOST_LE);
  const checkHead = [
    structCode !== undefined
      ? 'if (h !== undefined && (typeof h !== "object" || h === null || h[EXT] !== undefined)) return -1;'
      : 'if (h !== undefined) return -1;',
    setCode !== undefined
      ? 'if (a !== undefined && (typeof a !== "object" || a === null || ((x = Object.getPrototypeOf(a)) !== OP && x !== null) || order(a) !== undefined)) return -1;'
      : 'if (a !== undefined) return -1;',
  ];
  const rootScope = 'const scope = h !== undefined ? { values: h, parent: undefined } : undefined;';
  const size: string[] = [];
  const write: string[] = [];
  if (structCode !== undefined) {
    size.push('if (h !== undefined) {', 'const value = h, scope = undefined;', ...structCode.check, '}');
    write.push('{', 'const offset = pos;', ...structCode.zero);
    for (let i = structCode.size; i < headerBytes; i++) write.push(`view.setUint8(offset + ${i}, 0);`);
    write.push('if (h !== undefined) {', 'const value = h, scope = undefined;', ...structCode.write, '}', `pos += ${headerBytes};`, '}');
  }
  if (setCode !== undefined) {
    size.push('if (a !== undefined) {', 'const value = a;', rootScope, setCode.declare, ...setCode.gather, setCode.inner, 'let t, sel;', ...setCode.size, '}');
    write.push('if (a !== undefined) {', 'const value = a;', rootScope, setCode.declare, ...setCode.gather, setCode.inner, 'let n, t, sel;', ...setCode.write, '}');
  }
  const body = [
    "'use strict';",
    ...(structCode?.consts ?? []),
    ...(setCode?.consts ?? []),
    'return {',
    'size(m) {',
    'let x = m.flags;',
    'if (x !== undefined && (typeof x !== "number" || (x & 0xffff) !== x)) return -1;',
    'x = m.seq;',
    'if (x !== undefined && (typeof x !== "number" || (x >>> 0) !== x)) return -1;',
    'x = m.pid;',
    'if (x !== undefined && (typeof x !== "number" || (x >>> 0) !== x)) return -1;',
    'const h = m.header, a = m.attrs;',
    ...checkHead,
    `let n = ${16 + headerBytes};`,
    'try {',
    ...size,
    '} catch { return -1; }',
    'return n;',
    '},',
    'write(m, view, start, size) {',
    'const h = m.header, a = m.attrs;',
    'let x;',
    ...checkHead,
    'try {',
    `view.setUint32(start, size, ${le});`,
    `view.setUint16(start + 4, ${type}, ${le});`,
    `view.setUint16(start + 6, m.flags ?? 0, ${le});`,
    `view.setUint32(start + 8, m.seq ?? 0, ${le});`,
    `view.setUint32(start + 12, m.pid ?? 0, ${le});`,
    'let pos = start + 16;',
    ...write,
    '} catch { return -1; }',
    'return size;',
    '},',
    '};',
  ].join('\n');
  return makeCode<CompiledMessage>(
    ['F', 'E', 'EXT', 'order', 'OP', 'VARIANT'],
    body,
    [structCode?.args, setCode?.args, STRUCT_EXTENT, attrOrder, Object.prototype, variantCodes],
  );
}
