/**
 * @nlkit/core: the netlink codec. Messages and attributes declared once, as
 * data; decode, encode, types, arbitraries and name tables follow from that.
 * Built on `Uint8Array`/`DataView` only: runs unchanged in browsers.
 *
 * @packageDocumentation
 */
export * from './bytes.js';
export * from './codec.js';
export * from './errors.js';
export * from './scalars.js';
export * from './struct.js';
export * from './attrs.js';
export * from './nlmsg.js';
export * from './family.js';
export * from './introspect.js';
export * from './list.js';
export { setSpecialisedCodecs, specialisedCodecs, type SpecialisedCodecsOptions } from './compile.js';
