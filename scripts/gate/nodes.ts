// Reading ESTree nodes as ESLint's parsers hand them over (espree for the
// bundle, typescript-eslint for app/): the node shape the checks share, and
// the questions several checks ask of a node.

import type * as ESTree from "estree";

/** An ESTree node as ESLint hands it over: with parent and range. */
export type SubsetNode = ESTree.Node & { parent?: SubsetNode; range?: [number, number] };

/** Any node object, read loosely: typescript-eslint adds fields ESTree does not declare. */
export type Loose = SubsetNode & Record<string, unknown>;

export const FUNCTION_TYPES = new Set(["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression"]);

/** The nearest function around a node, if any. */
export function enclosingFunction(node: SubsetNode): Loose | undefined {
  for (let ancestor = node.parent; ancestor; ancestor = ancestor.parent) {
    if (FUNCTION_TYPES.has(ancestor.type)) return ancestor as Loose;
  }
  return undefined;
}

/** TypeScript nodes that exist only for the type checker: nothing in them reaches the bundle. */
const TYPE_ONLY_TYPES = new Set([
  "TSTypeAnnotation",
  "TSTypeReference",
  "TSTypeQuery",
  "TSQualifiedName",
  "TSInterfaceDeclaration",
  "TSTypeAliasDeclaration",
  "TSTypeParameterInstantiation",
  "TSTypeParameterDeclaration",
  "TSDeclareFunction",
  "TSEmptyBodyFunctionExpression",
  "TSFunctionType",
  "TSConstructorType",
  "TSCallSignatureDeclaration",
  "TSConstructSignatureDeclaration",
  "TSIndexSignature",
  "TSPropertySignature",
  "TSMethodSignature",
  "TSAbstractMethodDefinition",
  "TSAbstractPropertyDefinition",
  "TSAbstractAccessorProperty",
]);

/** True for a node the build erases: inside a type, or under `declare`. */
export function isTypeOnly(node: SubsetNode): boolean {
  for (let ancestor: Loose | undefined = node as Loose; ancestor; ancestor = ancestor.parent as Loose | undefined) {
    if (TYPE_ONLY_TYPES.has(ancestor.type) || ancestor.declare === true) return true;
  }
  return false;
}

/** The property name of `o.name` or `o["name"]`; undefined when it is computed from a value. */
export function memberName(member: ESTree.MemberExpression): string | undefined {
  if (!member.computed && member.property.type === "Identifier") return member.property.name;
  if (member.computed && member.property.type === "Literal" && typeof member.property.value === "string") {
    return member.property.value;
  }
  return undefined;
}

/** The text of a string literal, or of a template without expressions. */
export function staticString(node: ESTree.Node | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === "Literal" && typeof node.value === "string") return node.value;
  if (node.type === "TemplateLiteral" && node.expressions.length === 0) return node.quasis[0].value.cooked ?? undefined;
  return undefined;
}

/** `x as T`, `x!`, `<T>x` and `x satisfies T` leave the value alone. */
export function unwrapTypeScript(node: SubsetNode): SubsetNode {
  let inner = node as Loose;
  while (["TSAsExpression", "TSNonNullExpression", "TSTypeAssertion", "TSSatisfiesExpression"].includes(inner.type)) {
    inner = inner.expression as Loose;
  }
  return inner;
}
