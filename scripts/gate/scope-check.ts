// Scope checks: uses of a function or class declaration that run before it
// (Espruino does not hoist declarations), and loop variables that functions
// created in the loop share (Espruino does not copy them per iteration). The
// facts: docs/espruino-language.md.

import type * as ESTree from "estree";
import { report, type Reporter } from "./findings.ts";
import type { ScopeReference } from "./globals-check.ts";
import { isTypeOnly, type Loose, type SubsetNode } from "./nodes.ts";

/** The parts of an eslint-scope / typescript-eslint scope manager that the scope checks read. */
export interface AnalysedScope {
  type: string;
  block: ESTree.Node;
  variableScope: AnalysedScope;
  variables: readonly AnalysedVariable[];
}
export interface AnalysedDefinition {
  type: string;
  node: ESTree.Node;
  parent?: ESTree.Node | null;
}
export interface AnalysedVariable {
  name: string;
  scope: AnalysedScope;
  defs: readonly AnalysedDefinition[];
  references: readonly AnalysedReference[];
}
export interface AnalysedReference extends ScopeReference {
  from: AnalysedScope;
}

/** Checks every scope of a program (call once, at Program:exit, with scopeManager.scopes). */
export function checkScopes(scopes: readonly AnalysedScope[], reporter: Reporter): void {
  for (const scope of scopes) {
    for (const variable of scope.variables) {
      checkHoisting(variable, reporter);
      checkLoopClosure(variable, reporter);
    }
  }
}

/** A reference that runs code: not a type, not `export { name }` (a binding, evaluated at no position). */
function evaluated(reference: AnalysedReference): (SubsetNode & ESTree.Identifier) | undefined {
  if (reference.isTypeReference === true && reference.isValueReference !== true) return undefined;
  const identifier = reference.identifier as SubsetNode & ESTree.Identifier;
  if (identifier.type !== "Identifier" || identifier.range === undefined || isTypeOnly(identifier)) return undefined;
  if (identifier.parent?.type === "ExportSpecifier") return undefined;
  return identifier;
}

/**
 * Espruino creates a function or class declaration when its statement runs. A use in the same function (or at
 * the top level) that comes earlier in the source runs before that: report it. A use inside a nested function
 * only breaks when that function is called before the declaration has run, which is not knowable here.
 */
function checkHoisting(variable: AnalysedVariable, reporter: Reporter): void {
  if (variable.scope.type === "class") return; // a class's inner name binding; its outer one is checked
  const declaration = variable.defs
    .map((def) => def.node as SubsetNode)
    .find((node) => node.type === "FunctionDeclaration" || node.type === "ClassDeclaration");
  if (declaration?.range === undefined) return;
  const kind = declaration.type === "ClassDeclaration" ? "class" : "function";
  for (const reference of variable.references) {
    if (reference.from.variableScope !== variable.scope.variableScope) continue;
    const identifier = evaluated(reference);
    if (identifier === undefined || identifier.range![0] >= declaration.range[0]) continue;
    const line = declaration.loc ? ` on line ${declaration.loc.start.line}` : "";
    report(
      reporter,
      "hoisting",
      identifier,
      `\`${variable.name}\` is used before its ${kind} declaration${line} runs: Espruino does not hoist declarations (ReferenceError: "${variable.name}" is not defined): move the declaration above this use`,
    );
  }
}

const LOOP_TYPES = new Set(["ForStatement", "ForInStatement", "ForOfStatement"]);

/** The loop whose head declares this let/const variable, if any. */
function headLoop(variable: AnalysedVariable): SubsetNode | undefined {
  for (const def of variable.defs) {
    const declaration = def.parent as (SubsetNode & ESTree.VariableDeclaration) | null | undefined;
    if (def.type !== "Variable" || declaration?.type !== "VariableDeclaration" || declaration.kind === "var") continue;
    const loop = declaration.parent as Loose | undefined;
    if (loop && LOOP_TYPES.has(loop.type) && (loop.init === declaration || loop.left === declaration)) return loop;
  }
  return undefined;
}

/**
 * Espruino keeps one binding for a let/const declared in a loop's head, so a function created in the loop sees
 * the last value. Reports each use of such a variable from inside a function (the loop's own function reads it
 * as JavaScript does).
 */
function checkLoopClosure(variable: AnalysedVariable, reporter: Reporter): void {
  const loop = headLoop(variable);
  if (loop === undefined) return;
  for (const reference of variable.references) {
    if (reference.from.variableScope === variable.scope.variableScope) continue;
    const identifier = evaluated(reference);
    if (identifier === undefined) continue;
    const line = loop.loc ? ` on line ${loop.loc.start.line}` : "";
    report(
      reporter,
      "loop-closure",
      identifier,
      `\`${variable.name}\` is declared in the head of the loop${line} and used in a function created in the loop: Espruino does not copy it per iteration, so every such function sees its last value: copy it into a const inside the loop body (const current = ${variable.name};) and use that, or iterate with forEach`,
    );
  }
}
