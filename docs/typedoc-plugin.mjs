// @ts-check
/**
 * TypeDoc plugin for the nlkit API site (loaded by ../typedoc.json). It does
 * two things.
 *
 * 1. Members of inferred schema types are not asked for comments.
 *
 * nlkit's schemas are values: `export const linkAttrs = attrs({ mtu: { nla: 4,
 * name: 'IFLA_MTU', codec: u32 }, ... })`. TypeDoc renders the inferred type
 * of such a value as nested type literals, and its `notDocumented` check then
 * asks for a doc comment on every member of them (`linkAttrs.mtu.nla`,
 * `linkAttrs.mtu.codec`, ...): some fifty thousand members that no one
 * declared as a name. The kernel name of each attribute is already in that
 * type (`name: "IFLA_MTU"`), and the exported value itself must still be
 * documented.
 *
 * So this plugin exempts from `notDocumented` exactly the members that come
 * from an object literal *value* (a property assignment, shorthand, method or
 * accessor inside `{ ... }` in an expression) and carry no comment of their
 * own. Members declared in a type (interface, class, type literal) are not
 * exempt and must be documented.
 *
 * How: while converting, such members are noted; before validation they get
 * a placeholder block tag (TypeDoc counts any block tag as documentation);
 * right after validation the placeholder is removed again, so it never
 * reaches the rendered pages or the JSON output.
 *
 * 2. `intentionallyNotExported`, per package.
 *
 * In `entryPointStrategy: "packages"` every package is converted and
 * validated on its own, with the options of `packageOptions` only, and
 * TypeDoc warns about every entry of `intentionallyNotExported` that the
 * package being validated does not use. One list for all packages therefore
 * always warns. The option `intentionallyNotExportedByPackage` added here
 * maps a package name to its own list (entries as TypeDoc's:
 * `src/file.ts:Name`); before each package is converted, its list becomes
 * that package's `intentionallyNotExported`. An empty map means every helper
 * type that an exported declaration refers to is exported.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { Application, Comment, CommentTag, Converter, ParameterType, ReflectionKind } from 'typedoc';

const PLACEHOLDER = '@nlkitInferredMember';

/** Kinds of object-literal members a value-inferred type is made of. */
const valueMember = new Set([
  ts.SyntaxKind.PropertyAssignment,
  ts.SyntaxKind.ShorthandPropertyAssignment,
  ts.SyntaxKind.MethodDeclaration,
  ts.SyntaxKind.GetAccessor,
  ts.SyntaxKind.SetAccessor,
  ts.SyntaxKind.SpreadAssignment,
]);

/**
 * True when every declaration of the symbol is a member of an object literal
 * expression, i.e. the name exists only as part of an inferred type.
 * @param {ts.Symbol | undefined} symbol
 */
function inferredFromValue(symbol) {
  const decls = symbol?.getDeclarations() ?? [];
  if (decls.length === 0) return false;
  return decls.every((d) => valueMember.has(d.kind) && d.parent !== undefined && ts.isObjectLiteralExpression(d.parent));
}

/** @param {Application} app */
export function load(app) {
  app.options.addDeclaration({
    name: 'intentionallyNotExportedByPackage',
    help: '[nlkit] Per package name, the intentionallyNotExported list to use while that package is converted.',
    type: ParameterType.Mixed,
    defaultValue: {},
    validate(value) {
      const ok = typeof value === 'object' && value !== null && !Array.isArray(value)
        && Object.values(value).every((v) => Array.isArray(v) && v.every((e) => typeof e === 'string'));
      if (!ok) throw new Error('intentionallyNotExportedByPackage must map package names to arrays of strings');
    },
  });
  // The root options; in packages mode `app.options` is swapped for a
  // per-package copy while each package is converted.
  const root = app.options;

  /** Members noted during conversion of the current package. */
  let noted = new WeakSet();
  /** Placeholders added before validation, to be removed after it. */
  /** @type {import('typedoc').Reflection[]} */
  let placed = [];
  const members = ReflectionKind.Property | ReflectionKind.Method | ReflectionKind.Accessor;

  app.converter.on(Converter.EVENT_BEGIN, () => {
    noted = new WeakSet();
    placed = [];
    const dir = app.options.packageDir;
    if (dir === undefined || app.options === root) return;
    const { name } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const byPackage = /** @type {Record<string, string[]>} */ (root.getValue('intentionallyNotExportedByPackage'));
    app.options.setValue('intentionallyNotExported', byPackage[name] ?? []);
  });

  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (!reflection.kindOf(members)) return;
    if (inferredFromValue(context.getSymbolFromReflection(reflection))) noted.add(reflection);
  });

  app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
    for (const reflection of context.project.getReflectionsByKind(members)) {
      if (!noted.has(reflection) || reflection.hasComment()) continue;
      reflection.comment = new Comment([], [new CommentTag(PLACEHOLDER, [])]);
      placed.push(reflection);
    }
  });

  app.on(Application.EVENT_VALIDATE_PROJECT, () => {
    for (const reflection of placed) {
      if (reflection.comment?.blockTags.length === 1 && reflection.comment.blockTags[0]?.tag === PLACEHOLDER) {
        reflection.comment = undefined;
      }
    }
    placed = [];
  });
}
