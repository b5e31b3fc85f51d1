/**
 * `nlkit schema [family] [set|message]`: the message types and attribute
 * sets nlkit knows, with their kernel names, numbers and types.
 */
import { attrSets, attrTable, messageTable, type AnyFamily, type AttrSet } from '@nlkit/core';
import type { Context } from './context.js';
import { usage } from './errors.js';
import { table, toJson } from './format.js';
import { FAMILIES } from './decode.js';

/** The families `schema` lists (`route` is rtnl and tc together, as one socket speaks them). */
const SCHEMA_FAMILIES: Readonly<Record<string, { family: AnyFamily; about: string }>> = {
  rtnl: { family: FAMILIES.rtnl!, about: 'rtnetlink: links, addresses, routes, rules, neighbours, FDB, VLANs, MDB, nexthops, netconf, nsid (NETLINK_ROUTE)' },
  tc: { family: FAMILIES.tc!, about: 'traffic control: qdiscs, classes, filters, actions, chains (NETLINK_ROUTE)' },
};

function setRows(set: AttrSet<any>): string[][] {
  return attrTable(set).map((r) => [r.name, String(r.nla), r.type + (r.multi ? ' (multi)' : ''), r.key, r.nested ?? '']);
}
const SET_HEADERS = ['ATTRIBUTE', 'NUMBER', 'TYPE', 'FIELD', 'NESTED'];

/** Prints the families, one family's messages and sets, or one set (or a message's attributes). */
export function runSchema(ctx: Context, words: readonly string[]): void {
  const [name, what, ...rest] = words;
  if (rest.length) throw usage(`unexpected "${rest[0]}"`, 'schema');
  if (name === undefined) {
    if (ctx.json) {
      ctx.io.out(toJson(Object.entries(SCHEMA_FAMILIES).map(([n, f]) => ({ name: n, protocol: f.family.protocol, messages: messageTable(f.family).length, attributeSets: attrSets(f.family).size, about: f.about }))) + '\n');
      return;
    }
    ctx.io.out(table(['FAMILY', 'PROTOCOL', 'MESSAGES', 'SETS', 'ABOUT'], Object.entries(SCHEMA_FAMILIES).map(([n, f]) => [n, String(f.family.protocol), String(messageTable(f.family).length), String(attrSets(f.family).size), f.about])));
    return;
  }
  const entry = SCHEMA_FAMILIES[name];
  if (!entry) throw usage(`unknown family "${name}"; known: ${Object.keys(SCHEMA_FAMILIES).join(', ')}`, 'schema');
  const fam = entry.family;
  const sets = attrSets(fam);
  if (what !== undefined) {
    const message = (fam.messages as Record<string, { attrs?: AttrSet<any> }>)[what];
    const set = sets.get(what) ?? message?.attrs;
    if (!set) throw usage(`${name} has no message or attribute set "${what}"; 'nlkit schema ${name}' lists them`, 'schema');
    if (ctx.json) ctx.io.out(toJson({ name: set.name, attributes: attrTable(set) }) + '\n');
    else ctx.io.out(`${set.name}${message ? ` (the attributes of ${what})` : ''}\n${table(SET_HEADERS, setRows(set))}`);
    return;
  }
  if (ctx.json) {
    ctx.io.out(toJson({ family: name, protocol: fam.protocol, messages: messageTable(fam), attributeSets: Object.fromEntries([...sets].map(([n, s]) => [n, attrTable(s)])) }) + '\n');
    return;
  }
  ctx.io.out(`${name}: ${entry.about}\n\nMessages\n`);
  ctx.io.out(table(['MESSAGE', 'TYPE', 'HEADER', 'ATTRIBUTES'], messageTable(fam).map((m) => [m.name, String(m.type), m.header ?? '', m.attrs ?? ''])));
  for (const [n, s] of sets) {
    ctx.io.out(`\nAttribute set ${n}\n`);
    ctx.io.out(table(SET_HEADERS, setRows(s)));
  }
}
