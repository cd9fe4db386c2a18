// Calls and reads of built-in members, matched by name: methods Espruino's
// built-ins lack, JSON.stringify's replacer, string searches with a needle of
// 2+ characters, split's limit and captured separators, regular expressions'
// flag properties. The tables are in builtins.ts, the facts in
// docs/espruino-language.md.

import type * as ESTree from "estree";
import { ABSENT_COMMON_METHODS, ABSENT_METHODS, MULTICHAR_NEEDLE_METHODS, REGEXP_FLAG_PROPERTIES } from "./builtins.ts";
import { report, type Reporter, type Visitors } from "./findings.ts";
import { memberName, staticString, unwrapTypeScript, type SubsetNode } from "./nodes.ts";
import { hasCaptureGroup } from "./regexp-check.ts";

/** Method calls, and reads of regular expressions' flag properties. */
export function memberVisitors(reporter: Reporter): Visitors {
  return {
    CallExpression(node) {
      checkMethodCall(reporter, node as ESTree.CallExpression & SubsetNode);
    },
    MemberExpression(node) {
      const member = node as ESTree.MemberExpression & SubsetNode;
      const name = member.computed ? undefined : memberName(member);
      if (name !== undefined && REGEXP_FLAG_PROPERTIES.has(name)) {
        report(reporter, "regexp-flag-property", member, `regular expressions have no .${name} property on Espruino (it is undefined): read re.flags ("gi") instead; ignore this warning if the object is not a regular expression`);
      }
    },
  };
}

/** Calls of methods Espruino lacks, and of built-in methods that behave differently there. */
function checkMethodCall(reporter: Reporter, call: ESTree.CallExpression & SubsetNode): void {
  const callee = call.callee;
  if (callee.type !== "MemberExpression") return;
  const name = memberName(callee);
  if (name === undefined) return;
  const site = callee.property as SubsetNode;
  if (Object.prototype.hasOwnProperty.call(ABSENT_METHODS, name)) {
    report(reporter, "absent-method", site, `${name}() does not exist on Espruino (not on strings, arrays, typed arrays or dates; calling it throws Function "${name}" not found!): ${ABSENT_METHODS[name]}`);
  } else if (Object.prototype.hasOwnProperty.call(ABSENT_COMMON_METHODS, name)) {
    report(reporter, "absent-method-common-name", site, `${name}() does not exist on Espruino's strings and arrays (calling it throws Function "${name}" not found!): ${ABSENT_COMMON_METHODS[name]}; ignore this warning if the receiver is your own object that defines ${name}()`);
  } else if (name === "stringify" && callee.object.type === "Identifier" && callee.object.name === "JSON") {
    const replacer = call.arguments[1];
    if (replacer !== undefined && !isNullish(replacer)) report(reporter, "json-replacer", replacer as SubsetNode);
  } else if (Object.prototype.hasOwnProperty.call(MULTICHAR_NEEDLE_METHODS, name)) {
    checkMulticharNeedle(reporter, call, name);
    if (name === "split") checkSplit(reporter, call);
  }
}

/** split's limit and captured separators (`split` warnings). */
function checkSplit(reporter: Reporter, call: ESTree.CallExpression & SubsetNode): void {
  if (call.arguments.length >= 2) {
    report(reporter, "split", call.arguments[1] as SubsetNode, "split(separator, limit) ignores the limit on Espruino: slice the result instead (s.split(sep).slice(0, n))");
  }
  const separator = call.arguments[0] as (ESTree.Node & { regex?: { pattern: string; flags: string } }) | undefined;
  if (separator?.type === "Literal" && separator.regex && hasCaptureGroup(separator.regex.pattern, separator.regex.flags)) {
    report(reporter, "split", separator as SubsetNode, "split(/(...)/) drops the captured separators on Espruino: split without the group, or collect the separators with re.exec in a loop");
  }
}

/**
 * `s.indexOf("ab")` & co (MULTICHAR_NEEDLE_METHODS). Only a needle written as a literal can be checked here: a string
 * (or a template without expressions) or a number (converted to a string) of 2+ characters; one character is right.
 * Arrays are right too, and an array literal receiver is left alone; any other receiver might be a string.
 */
function checkMulticharNeedle(reporter: Reporter, call: ESTree.CallExpression & SubsetNode, name: string): void {
  const argument = call.arguments[0] as SubsetNode | undefined;
  const needle = literalText(argument);
  if (argument === undefined || needle === undefined || needle.length < 2) return;
  const receiver = unwrapTypeScript((call.callee as ESTree.MemberExpression).object as SubsetNode);
  if (receiver.type === "ArrayExpression") return;
  const shown = JSON.stringify(needle.length > 24 ? `${needle.slice(0, 20)}...` : needle);
  const haystack = receiver.type === "Identifier" ? receiver.name : "haystack";
  const method = MULTICHAR_NEEDLE_METHODS[name];
  const fill = (text: string): string => text.replace("$h", () => haystack).replace("$n", () => shown);
  const arrays = name === "indexOf" || name === "includes" ? ` An array's ${name} is right, but only types could tell: for an array, compare in a loop or with some().` : "";
  report(reporter, "multichar-needle", argument, `${name}(${shown}) on Espruino ${fill(method.wrong)}: ${fill(method.instead)}.${arrays}`);
}

/** The text a literal needle is searched as: a string, a template without expressions, or a number. */
function literalText(node: ESTree.Node | undefined): string | undefined {
  const text = staticString(node);
  if (text !== undefined) return text;
  if (node?.type === "Literal" && typeof node.value === "number") return String(node.value);
  return undefined;
}

/** `null`, `undefined` or `void x`: what JSON.stringify reads as no replacer. */
function isNullish(node: ESTree.Node): boolean {
  return (
    (node.type === "Literal" && node.value === null && !("regex" in node && node.regex)) ||
    (node.type === "Identifier" && node.name === "undefined") ||
    (node.type === "UnaryExpression" && node.operator === "void")
  );
}
