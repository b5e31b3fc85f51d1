/**
 * A netlink family declared from scratch with the schema model of
 * `@nlkit/core`: generic netlink's controller, `nlctrl` (`NETLINK_GENERIC`,
 * `GENL_ID_CTRL`), after the kernel's `nlctrl.yaml` and
 * `<linux/genetlink.h>`. It shows a struct header, an attribute set, nested
 * sets, indexed arrays and flags; then encodes a request, decodes it, keeps
 * an attribute it does not know, checks the declaration with a property
 * test, and, with `--kernel`, asks the running kernel (no root needed).
 *
 * Run with `node --conditions=@nlkit/source --import tsx examples/custom-family.ts [--kernel]`.
 */
import fc from 'fast-check';
import {
  attrTable, attrs, bytesEqual, cstring, decodeMessages, encodeMessage, family, flagsOf, indexedArray, nest, stringifyRaw, struct, toRaw, u16, u32, u8,
  unknownAttrs,
} from '@nlkit/core';
import { roundTripProperty } from '@nlkit/core/arbitrary';

/** `struct genlmsghdr`: the fixed header of every generic netlink message. */
const genlmsghdr = struct('genlmsghdr', '', { cmd: u8, version: u8, reserved: u16 });

/** `CTRL_CMD_*`. */
const CTRL_CMD = { NEWFAMILY: 1, GETFAMILY: 3 } as const;

/** `GENL_ADMIN_PERM`, `GENL_CMD_CAP_*`, ... (`op-flags`). */
const opFlags = flagsOf(u32, { adminPerm: 1, cmdCapDo: 2, cmdCapDump: 4, cmdCapHaspol: 8, unsAdminPerm: 16 });

/** `CTRL_ATTR_OP_*` (`op-attrs`): one operation of a family. */
const opAttrs = attrs('CTRL_ATTR_OP_', {
  id: { nla: 1, codec: u32 },
  flags: { nla: 2, codec: opFlags },
}, { name: 'op-attrs' });

/** `CTRL_ATTR_MCAST_GRP_*` (`mcast-group-attrs`): one multicast group. */
const mcastGroupAttrs = attrs('CTRL_ATTR_MCAST_GRP_', {
  name: { nla: 1, codec: cstring() },
  id: { nla: 2, codec: u32 },
}, { name: 'mcast-group-attrs' });

/** `CTRL_ATTR_*` (`ctrl-attrs`). Kernel names are the prefix plus the key in SNAKE_CASE. */
const ctrlAttrs = attrs('CTRL_ATTR_', {
  familyId: { nla: 1, codec: u16 },
  familyName: { nla: 2, codec: cstring() },
  version: { nla: 3, codec: u32 },
  hdrsize: { nla: 4, codec: u32 },
  maxattr: { nla: 5, codec: u32 },
  /** `indexed-array` of `op-attrs` nests, numbered from 1. */
  ops: { nla: 6, codec: indexedArray(nest(opAttrs)) },
  mcastGroups: { nla: 7, codec: indexedArray(nest(mcastGroupAttrs)) },
}, { name: 'ctrl-attrs' });

/**
 * The family. Generic netlink keeps the command in `genlmsghdr.cmd`, so the
 * controller is one message type, `GENL_ID_CTRL` (16), named here `CTRL`.
 */
export const nlctrl = family('nlctrl', 16 /* NETLINK_GENERIC */, {
  CTRL: { type: 16, header: genlmsghdr, attrs: ctrlAttrs },
});

// Encode a request and decode it back: typed from the declarations.
const request = encodeMessage(nlctrl, {
  name: 'CTRL',
  flags: 0x5, // NLM_F_REQUEST | NLM_F_ACK
  seq: 1,
  header: { cmd: CTRL_CMD.GETFAMILY, version: 2 },
  attrs: { familyName: 'nlctrl' },
});
const [decoded] = decodeMessages(nlctrl, request);
console.log(stringifyRaw(toRaw(nlctrl, decoded!)));

// The attribute table, as introspection gives it.
for (const row of attrTable(ctrlAttrs)) console.log(`${row.name} = ${row.nla}  (${row.key})`);

// An attribute this declaration does not know (CTRL_ATTR_OP = 10, say) is
// kept verbatim, reported by unknownAttrs, and re-encoded byte for byte.
const wider = family('nlctrl', 16, {
  CTRL: { type: 16, header: genlmsghdr, attrs: attrs('CTRL_ATTR_', { ...ctrlAttrs.defs, op: { nla: 10, codec: u32 } }) },
});
const withOp = encodeMessage(wider, { name: 'CTRL', seq: 2, header: { cmd: CTRL_CMD.GETFAMILY }, attrs: { familyName: 'nlctrl', op: 3 } });
const [narrow] = decodeMessages(nlctrl, withOp);
const unknown = unknownAttrs(narrow!.attrs as object, ctrlAttrs);
console.log(`unknown attributes: ${unknown.map((u) => `type ${u.type}, ${u.data.length} bytes`).join('; ')}`);
console.log(`re-encoded unchanged: ${bytesEqual(encodeMessage(nlctrl, narrow as never), withOp)}`);

// The property every declaration must hold: decode(encode(x)) is x, and
// encoding that gives the same bytes, for generated messages.
fc.assert(roundTripProperty(nlctrl, 'CTRL'), { numRuns: 200 });
console.log('round trip: 200 generated messages');

// Ask the kernel: a dump of every generic netlink family.
if (process.argv.includes('--kernel')) {
  const { openNetlink } = await import('@nlkit/live');
  const { NetlinkChannel } = await import('@nlkit/transport');
  const channel = new NetlinkChannel(openNetlink({ protocol: nlctrl.protocol }), nlctrl);
  try {
    for await (const m of channel.dump({ name: 'CTRL', header: { cmd: CTRL_CMD.GETFAMILY, version: 2 } })) {
      if (m.name !== 'CTRL') continue;
      const groups = (m.attrs.mcastGroups ?? []).map((g) => g.name).join(',');
      console.log(`family ${m.attrs.familyName} id ${m.attrs.familyId} ops ${m.attrs.ops?.length ?? 0}${groups ? ` groups ${groups}` : ''}`);
    }
  } finally {
    await channel.close();
  }
}
