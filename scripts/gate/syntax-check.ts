// Syntax outside Espruino's subset, checked over ESTree nodes: patterns,
// parameters and spread, async functions and generators, operators, literals,
// names Espruino's lexer reserves, classes, statements. The facts:
// docs/espruino-language.md.

import type * as ESTree from "estree";
import { mergeVisitors, report, type Reporter, type Visitors } from "./findings.ts";
import { FUNCTION_TYPES, enclosingFunction, type Loose, type SubsetNode } from "./nodes.ts";

/** The syntax checks, as one record of visitors. */
export function syntaxVisitors(reporter: Reporter): Visitors {
  return mergeVisitors(
    patternVisitors(reporter),
    functionVisitors(reporter),
    expressionVisitors(reporter),
    lexicalVisitors(reporter),
    classVisitors(reporter),
    statementVisitors(reporter),
  );
}

// ---------------------------------------------------------------------------
// Destructuring, default and rest parameters, spread, computed keys.

function patternVisitors(reporter: Reporter): Visitors {
  return {
    ObjectPattern(node) {
      if (!insidePattern(node)) report(reporter, "destructuring", node);
    },
    ArrayPattern(node) {
      if (!insidePattern(node)) report(reporter, "destructuring", node);
    },
    AssignmentPattern(node) {
      if (!insidePattern(node)) report(reporter, "default-parameter", node);
    },
    RestElement(node) {
      const parent = node.parent as Loose | undefined;
      if (parent && FUNCTION_TYPES.has(parent.type)) {
        report(reporter, "rest-parameter", node);
      }
    },
    SpreadElement(node) {
      const where = node.parent?.type;
      const instead =
        where === "ObjectExpression"
          ? "use Object.assign({}, o)"
          : where === "ArrayExpression"
            ? "use a.concat(b) or a.slice()"
            : "use fn.apply(thisArg, args)";
      report(reporter, "spread", node, `spread is not supported by Espruino: ${instead}`);
    },
    Property(node) {
      const property = node as ESTree.Property & SubsetNode;
      if (property.computed && property.parent?.type === "ObjectExpression") report(reporter, "computed-key", node);
    },
  };
}

const PATTERN_TYPES = new Set(["ObjectPattern", "ArrayPattern"]);

/** True when a pattern or default sits inside a larger destructuring pattern (reported once, there). */
function insidePattern(node: SubsetNode): boolean {
  let parent = node.parent;
  while (parent && (parent.type === "Property" || parent.type === "AssignmentPattern" || parent.type === "RestElement")) {
    if (parent.type === "Property" && parent.parent?.type !== "ObjectPattern") return false;
    parent = parent.parent;
  }
  return parent !== undefined && PATTERN_TYPES.has(parent.type);
}

// ---------------------------------------------------------------------------
// async/await, generators, and a bare `return` before a function's closing brace.

function functionVisitors(reporter: Reporter): Visitors {
  const functionChecks = (node: SubsetNode): void => {
    const fn = node as Loose;
    if (fn.async === true) report(reporter, "async", functionSite(node));
    if (fn.generator === true) report(reporter, "generator", functionSite(node));
  };
  return {
    FunctionDeclaration: functionChecks,
    FunctionExpression: functionChecks,
    ArrowFunctionExpression: functionChecks,
    AwaitExpression(node) {
      // Inside an async function the function itself is reported.
      if (enclosingFunction(node)?.async !== true) report(reporter, "async", node);
    },
    ForOfStatement(node) {
      if ((node as ESTree.ForOfStatement).await) report(reporter, "async", node);
    },
    ReturnStatement(node) {
      if (isBareReturnBeforeFunctionEnd(node as ESTree.ReturnStatement & SubsetNode)) report(reporter, "bare-return-before-brace", node);
    },
  };
}

/** Where to point for a function: its method or property when it is one (the function node starts at `(`). */
function functionSite(node: SubsetNode): SubsetNode {
  const parent = node.parent;
  if (parent && (parent.type === "MethodDefinition" || (parent.type === "Property" && parent.value === node))) {
    return parent;
  }
  return node;
}

/**
 * True for a `return` with neither value nor `;` whose next token is the `}` closing its function's body: the
 * statements from the return up to the body all end where the `return` keyword ends, and the outermost is the
 * body's last statement, so only whitespace and comments stand between `return` and that `}`. A `}` of a
 * block, switch or catch in between is fine, and so is a body whose first statement is a return (Espruino
 * keeps only that return's expression).
 */
function isBareReturnBeforeFunctionEnd(node: ESTree.ReturnStatement & SubsetNode): boolean {
  if (node.argument || node.range === undefined) return false;
  const end = node.range[1];
  if (end - node.range[0] !== "return".length) return false; // `return;` (or `return /* c */ ;`)
  const body = enclosingFunction(node)?.body as (ESTree.BlockStatement & SubsetNode) | undefined;
  if (body?.type !== "BlockStatement" || body.body[0]?.type === "ReturnStatement") return false;
  let statement: SubsetNode = node;
  while (statement.parent !== body) {
    const parent = statement.parent;
    if (parent === undefined || parent.range?.[1] !== end) return false;
    statement = parent;
  }
  return body.body[body.body.length - 1] === statement;
}

// ---------------------------------------------------------------------------
// Operators and expressions Espruino's parser lacks.

function expressionVisitors(reporter: Reporter): Visitors {
  return {
    ChainExpression(node) {
      report(reporter, "optional-chaining", node);
    },
    BinaryExpression(node) {
      if ((node as ESTree.BinaryExpression).operator === "**") report(reporter, "exponent", node);
    },
    AssignmentExpression(node) {
      const operator = (node as ESTree.AssignmentExpression).operator;
      if (operator === "**=") report(reporter, "exponent", node);
      else if (operator === "||=" || operator === "&&=" || operator === "??=") report(reporter, "logical-assignment", node);
    },
    TaggedTemplateExpression(node) {
      report(reporter, "tagged-template", node);
    },
    MetaProperty(node) {
      const meta = node as ESTree.MetaProperty;
      if (meta.meta.name === "new" && meta.property.name === "target") report(reporter, "new-target", node);
    },
  };
}

// ---------------------------------------------------------------------------
// What Espruino's lexer reads differently: BigInt literals, \u{...} escapes, reserved words as names.

function lexicalVisitors(reporter: Reporter): Visitors {
  return {
    Literal(node) {
      const literal = node as Loose & ESTree.Literal;
      if ("bigint" in literal && typeof literal.bigint === "string") {
        report(reporter, "bigint", node);
      } else if (typeof literal.value === "string" && literal.raw && CODE_POINT_ESCAPE.test(literal.raw)) {
        report(reporter, "code-point-escape", node);
      }
    },
    TemplateElement(node) {
      if (CODE_POINT_ESCAPE.test((node as ESTree.TemplateElement).value.raw)) report(reporter, "code-point-escape", node);
    },
    Identifier(node) {
      const name = (node as ESTree.Identifier).name;
      if (RESERVED_IDENTIFIERS.has(name) && namesVariable(node)) {
        report(reporter, "reserved-identifier", node, `\`${name}\` is a keyword in Espruino's lexer and cannot name a variable: choose another name`);
      }
    },
  };
}

/** `\u{` not preceded by another backslash, in raw source text. */
const CODE_POINT_ESCAPE = /(?<!\\)(?:\\\\)*\\u\{/;

/**
 * Words that JavaScript lets a variable use but Espruino's lexer reads as
 * keywords. esbuild's minifier does generate `of` as a short name.
 */
const RESERVED_IDENTIFIERS = new Set(["of", "let", "static"]);

/** True for an identifier that names a variable (binding or reference), not a property or label. */
function namesVariable(node: SubsetNode): boolean {
  const parent = node.parent as Loose | undefined;
  if (!parent) return true;
  switch (parent.type) {
    case "MemberExpression":
      return parent.computed === true || parent.property !== node;
    case "Property":
      // In a shorthand property the value is the variable; the key is only a name.
      return parent.key !== node || (parent.shorthand === true && parent.value === node) || parent.computed === true;
    case "MethodDefinition":
    case "PropertyDefinition":
      return parent.key !== node || parent.computed === true;
    case "LabeledStatement":
    case "BreakStatement":
    case "ContinueStatement":
    case "MetaProperty":
      return false;
    case "ImportSpecifier":
      return parent.local === node && parent.imported !== node;
    case "ExportSpecifier":
      return false;
    case "TSEnumMember" as string:
      return parent.id !== node;
    default:
      return true; // type-only positions are dropped by report()
  }
}

// ---------------------------------------------------------------------------
// Classes: member names and what follows `extends`.

function classVisitors(reporter: Reporter): Visitors {
  const checkSuperClass = (node: SubsetNode): void => {
    const superClass = (node as ESTree.Class).superClass;
    if (superClass && superClass.type !== "Identifier") report(reporter, "class-extends", superClass as SubsetNode);
  };
  return {
    ClassBody(node) {
      checkClassBody(reporter, node as ESTree.ClassBody & SubsetNode);
    },
    ClassDeclaration: checkSuperClass,
    ClassExpression: checkSuperClass,
  };
}

/** Espruino's reserved words (src/jslex.c), which may not name class members. */
const ESPRUINO_KEYWORDS = new Set([
  "if", "else", "do", "while", "for", "break", "continue", "function", "return", "var", "let",
  "const", "this", "throw", "try", "catch", "finally", "true", "false", "null", "undefined", "new",
  "in", "instanceof", "switch", "case", "default", "delete", "typeof", "void", "debugger", "class",
  "extends", "super", "static", "of",
]);

function checkClassBody(reporter: Reporter, body: ESTree.ClassBody & SubsetNode): void {
  for (const member of body.body as Loose[]) {
    if (member.type === "StaticBlock") {
      report(reporter, "class-member", member, "static blocks are not supported by Espruino's class parser: put the code after the class");
      continue;
    }
    if (member.type !== "MethodDefinition" && member.type !== "PropertyDefinition") continue; // TS-only members
    if (member.declare === true) continue;
    const key = member.key as SubsetNode;
    if (member.computed === true) {
      report(reporter, "class-member", member, "computed class member names [key] are not supported by Espruino: assign Class.prototype[key] after the class");
    } else if (key.type === "PrivateIdentifier") {
      report(reporter, "class-member", member, "#private class members are not supported by Espruino (esbuild lowers them to WeakMap): use a normal or TypeScript `private` member");
    } else if (key.type !== "Identifier") {
      report(reporter, "class-member", member, "class member names must be plain identifiers on Espruino, not strings or numbers: rename the member");
    } else if (ESPRUINO_KEYWORDS.has(key.name)) {
      report(reporter, "class-member", member, `\`${key.name}\` is a keyword in Espruino's lexer and cannot name a class member: choose another name`);
    } else if (member.type === "PropertyDefinition" && member.value === null && member.typeAnnotation === undefined) {
      // Espruino's parser expects `name = value` for a field. A typed TypeScript field
      // without a value is a declaration that the build drops or lowers.
      report(reporter, "class-member", member, "class fields need an initializer on Espruino: write `name = value`, or assign it in the constructor");
    }
  }
}

// ---------------------------------------------------------------------------
// Statements: labels, and the 'use strict' directive Espruino ignores.

function statementVisitors(reporter: Reporter): Visitors {
  return {
    LabeledStatement(node) {
      report(reporter, "label", node);
    },
    ExpressionStatement(node) {
      if ((node as ESTree.Directive).directive === "use strict") report(reporter, "use-strict", node);
    },
  };
}
