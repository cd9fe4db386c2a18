// Globals, with scope analysis: only free references to the global object
// count. Globals and static members Espruino lacks, built-in methods read from
// a prototype, `instanceof Error`, subclasses of built-in errors. The tables
// are in builtins.ts, the facts in docs/espruino-language.md.

import type * as ESTree from "estree";
import { ABSENT_GLOBALS, ABSENT_MEMBERS, ERROR_CLASSES, PROTOTYPE_INSTANCES, PROTOTYPE_MEMBERS_PRESENT } from "./builtins.ts";
import { report, type Reporter } from "./findings.ts";
import { isTypeOnly, memberName, type Loose, type SubsetNode } from "./nodes.ts";

/** The parts of an eslint-scope / typescript-eslint scope that the check reads. */
export interface ScopeReference {
  identifier: ESTree.Identifier | ESTree.Node;
  isTypeReference?: boolean;
  isValueReference?: boolean;
}
export interface ScopeVariable {
  name: string;
  defs: readonly unknown[];
  references: readonly ScopeReference[];
}
export interface GlobalScope {
  through: readonly ScopeReference[];
  variables: readonly ScopeVariable[];
}

/** References that reach the global object: unresolved, or resolved to an implicit (undeclared) global. */
function freeGlobalReferences(globalScope: GlobalScope): ScopeReference[] {
  const references = [...globalScope.through];
  for (const variable of globalScope.variables) {
    if (variable.defs.length === 0) references.push(...variable.references);
  }
  return references;
}

/** Checks the free global references of a whole program (call once, at Program:exit). */
export function checkGlobals(globalScope: GlobalScope, reporter: Reporter): void {
  for (const reference of freeGlobalReferences(globalScope)) {
    if (reference.isTypeReference === true && reference.isValueReference !== true) continue;
    const identifier = reference.identifier as ESTree.Identifier & SubsetNode;
    if (identifier.type !== "Identifier" || isTypeOnly(identifier)) continue;
    const name = identifier.name;
    const parent = identifier.parent as Loose | undefined;

    // `typeof X` is a feature test, not a use.
    if (parent?.type === "UnaryExpression" && parent.operator === "typeof") continue;

    if (parent?.type === "MemberExpression" && parent.object === identifier && checkPrototypeRead(reporter, name, parent)) continue;

    if (name === "Error" && parent?.type === "BinaryExpression" && parent.operator === "instanceof" && parent.right === identifier) {
      report(reporter, "instanceof-error", parent);
      continue;
    }

    const absent = Object.prototype.hasOwnProperty.call(ABSENT_GLOBALS, name) ? ABSENT_GLOBALS[name] : undefined;
    if (absent) {
      report(reporter, "absent-global", identifier, `${name} is not available on Espruino: ${absent.instead}`);
      continue;
    }

    const members = Object.prototype.hasOwnProperty.call(ABSENT_MEMBERS, name) ? ABSENT_MEMBERS[name] : undefined;
    if (members && parent?.type === "MemberExpression" && parent.object === identifier) {
      const member = memberName(parent as ESTree.MemberExpression);
      if (member !== undefined && Object.prototype.hasOwnProperty.call(members, member)) {
        report(reporter, "absent-global", parent, `${name}.${member} is not available on Espruino: ${members[member].instead}`);
      }
      continue;
    }

    if (
      ERROR_CLASSES.has(name) &&
      (parent?.type === "ClassDeclaration" || parent?.type === "ClassExpression") &&
      parent.superClass === identifier
    ) {
      report(reporter, "error-subclass", parent);
    }
  }
}

/**
 * `Array.prototype.slice` and the like: reports a read of a built-in method from a prototype and returns true
 * when `member` is `X.prototype` of a built-in listed in PROTOTYPE_INSTANCES. Assigning a new method works.
 */
function checkPrototypeRead(reporter: Reporter, owner: string, member: Loose): boolean {
  if (!Object.prototype.hasOwnProperty.call(PROTOTYPE_INSTANCES, owner)) return false;
  if (memberName(member as unknown as ESTree.MemberExpression) !== "prototype") return false;
  const read = member.parent as Loose | undefined;
  if (read?.type !== "MemberExpression" || read.object !== member) return true;
  const method = memberName(read as unknown as ESTree.MemberExpression);
  if (method === undefined || PROTOTYPE_MEMBERS_PRESENT.has(method)) return true;
  const target = read.parent as Loose | undefined;
  if (target?.type === "AssignmentExpression" && target.left === read) return true;
  const instance = PROTOTYPE_INSTANCES[owner];
  report(
    reporter,
    "prototype-method",
    read,
    `${owner}.prototype.${method} is undefined on Espruino (built-in methods exist on instances only): read it from an instance, ${instance}.${method}${owner === "Function" ? "" : ".call(...)"}`,
  );
  return true;
}
