// The Espruino JavaScript subset, as data and as checks over ESTree nodes.
//
// One rule set serves two users: the ESLint plugin (app/ sources, parsed by
// typescript-eslint) and the bundle gate (dist/app.js, parsed by espree).
// Nothing here knows about ESLint: callers feed nodes in and receive findings.
//
// Every rule says where its fact comes from:
//  - "measured": the Language section of shared/espruino-facts.md;
//  - "source":   read in Espruino's own source (src/jsparse.c, src/jslex.c,
//    src/jswrap_regexp.c, src/jswrap_*.c), not measured. These are additions.

import type * as ESTree from "estree";
import { RegExpParser, visitRegExpAST, type AST } from "@eslint-community/regexpp";

export type Severity = "error" | "warning";
export type Basis = "measured" | "source";

export interface SubsetRule {
  severity: Severity;
  basis: Basis;
  /** The default message: what is wrong, then what to write instead. */
  message: string;
}

export const SUBSET_RULES = {
  destructuring: {
    severity: "error",
    basis: "measured",
    message:
      "destructuring is not supported by Espruino: read each property into its own variable (var a = o.a; var b = arr[1])",
  },
  "default-parameter": {
    severity: "error",
    basis: "measured",
    message:
      "default parameters are not supported by Espruino: test for undefined in the body (if (x === undefined) x = 1)",
  },
  "rest-parameter": {
    severity: "error",
    basis: "measured",
    message: "rest parameters are not supported by Espruino: take an array parameter, or read `arguments`",
  },
  spread: {
    severity: "error",
    basis: "measured",
    message: "spread is not supported by Espruino: use fn.apply(null, args), a.concat(b) or Object.assign({}, o)",
  },
  "computed-key": {
    severity: "error",
    basis: "measured",
    message:
      "computed keys in object literals are not supported by Espruino: create the object first, then assign o[key] = value",
  },
  async: {
    severity: "error",
    basis: "measured",
    message: "async/await is not supported by Espruino: return a Promise and chain .then()",
  },
  generator: {
    severity: "error",
    basis: "measured",
    message: "generators are not supported by Espruino: use a callback or an explicit iterator object",
  },
  "optional-chaining": {
    severity: "error",
    basis: "measured",
    message:
      "optional chaining (?.) is not supported by Espruino: test explicitly (o != null ? o.x : undefined, or o && o.x)",
  },
  exponent: {
    severity: "error",
    basis: "measured",
    message: "the ** operator is not supported by Espruino: use Math.pow(a, b)",
  },
  bigint: {
    severity: "error",
    basis: "measured",
    message: "BigInt literals are not supported by Espruino: use numbers, or bytes in a Uint8Array for big values",
  },
  label: {
    severity: "error",
    basis: "measured",
    message:
      "labelled statements (labelled break/continue) are not supported by Espruino: use a flag variable, or move the loops into a function and return",
  },
  "code-point-escape": {
    severity: "error",
    basis: "measured",
    message:
      "\\u{...} escapes are not supported by Espruino: write \\uXXXX (a surrogate pair above U+FFFF) or \\xXX",
  },
  "absent-global": {
    severity: "error",
    basis: "measured",
    message: "this global is not available on Espruino",
  },
  "error-subclass": {
    severity: "error",
    basis: "measured",
    message:
      "`class X extends Error` loses `message` on Espruino (instanceof still holds): create a plain Error and set a code property on it (var e = new Error(msg); e.code = ...)",
  },
  regexp: {
    severity: "error",
    basis: "measured",
    message: "this regular expression feature is not supported by Espruino",
  },
  "class-member": {
    severity: "error",
    basis: "source",
    message:
      "Espruino's class parser accepts only plain identifier member names: no computed [key], string or number names, #private names, static blocks or keyword names; assign such members in the constructor or on the prototype",
  },
  "class-extends": {
    severity: "error",
    basis: "source",
    message:
      "Espruino's class parser needs a plain name after `extends`: assign the expression to a variable first (var Base = ns.Base; class A extends Base {})",
  },
  "reserved-identifier": {
    severity: "error",
    basis: "source",
    message: "this name is a keyword in Espruino's lexer and cannot name a variable: choose another name",
  },
  "use-strict": {
    severity: "warning",
    basis: "measured",
    message:
      "'use strict' is ignored by Espruino: the code runs with sloppy-mode semantics whatever the directive says; remove it",
  },
} as const satisfies Record<string, SubsetRule>;

export type SubsetRuleId = keyof typeof SUBSET_RULES;
export const SUBSET_RULE_IDS = Object.keys(SUBSET_RULES) as SubsetRuleId[];

/** Globals that do not exist on Espruino, with what to use instead. */
export const ABSENT_GLOBALS: Readonly<Record<string, { basis: Basis; instead: string }>> = {
  Map: { basis: "measured", instead: "use a plain object keyed by string (Object.keys, `in`)" },
  Set: { basis: "measured", instead: "use an object with true values, or an array with includes()" },
  Symbol: { basis: "measured", instead: "use a string key" },
  TextDecoder: { basis: "measured", instead: "use E.decodeUTF8, or String.fromCharCode.apply(null, bytes) for latin1" },
  TextEncoder: { basis: "measured", instead: "use E.toUint8Array(string) (bytes of a latin1 string)" },
  // Additions: not in Espruino's src/jswrap_*.c.
  WeakMap: { basis: "source", instead: "store the data on the object itself" },
  WeakSet: { basis: "source", instead: "mark the object with a property" },
  WeakRef: { basis: "source", instead: "hold a normal reference" },
  Proxy: { basis: "source", instead: "write explicit getter functions" },
  Reflect: { basis: "source", instead: "use Object.* functions or direct property access" },
};

/** Static members of built-in objects that do not exist on Espruino. */
export const ABSENT_MEMBERS: Readonly<Record<string, Readonly<Record<string, { basis: Basis; instead: string }>>>> = {
  Array: {
    from: { basis: "measured", instead: "copy with a for loop, or Array.prototype.slice.call(x)" },
    // Addition: Array.isArray is Array's only static method in src/jswrap_array.c.
    of: { basis: "source", instead: "use an array literal" },
  },
  Number: {
    isFinite: { basis: "measured", instead: 'use typeof x === "number" && isFinite(x)' },
    // Additions: Number has no static methods in src/jswrap_number.c.
    isInteger: { basis: "source", instead: 'use typeof x === "number" && Math.floor(x) === x' },
    isNaN: { basis: "source", instead: "use x !== x, or the global isNaN" },
    parseInt: { basis: "source", instead: "use the global parseInt" },
    parseFloat: { basis: "source", instead: "use the global parseFloat" },
    MAX_SAFE_INTEGER: { basis: "source", instead: "write 9007199254740991" },
  },
  Object: {
    // Additions: absent from src/jswrap_object.c.
    freeze: { basis: "source", instead: "leave the object unfrozen" },
    is: { basis: "source", instead: "use === (and x !== x for NaN)" },
  },
  Math: {
    // Additions: absent from src/jswrap_math.c.
    trunc: { basis: "source", instead: "use x < 0 ? Math.ceil(x) : Math.floor(x)" },
    log2: { basis: "source", instead: "use Math.log(x) / Math.LN2" },
    log10: { basis: "source", instead: "use Math.log(x) / Math.LN10" },
  },
  String: {
    // Additions: String.fromCharCode is String's only static method.
    fromCodePoint: { basis: "source", instead: "use String.fromCharCode" },
    raw: { basis: "source", instead: "write the escapes out" },
  },
  Promise: {
    // Additions: only all, resolve and reject exist in src/jswrap_promise.c.
    race: { basis: "source", instead: "settle a new Promise from the first callback" },
    allSettled: { basis: "source", instead: "catch each promise, then Promise.all" },
    any: { basis: "source", instead: "settle a new Promise from the first success" },
  },
};

/** Built-in error constructors: subclassing them loses `message`. */
const ERROR_CLASSES = new Set([
  "Error",
  "TypeError",
  "RangeError",
  "SyntaxError",
  "ReferenceError",
  "EvalError",
  "URIError",
  "InternalError",
  "AggregateError",
]);

/** Espruino's reserved words (src/jslex.c), which may not name class members. */
export const ESPRUINO_KEYWORDS = new Set([
  "if", "else", "do", "while", "for", "break", "continue", "function", "return", "var", "let",
  "const", "this", "throw", "try", "catch", "finally", "true", "false", "null", "undefined", "new",
  "in", "instanceof", "switch", "case", "default", "delete", "typeof", "void", "debugger", "class",
  "extends", "super", "static", "of",
]);

/**
 * Words that JavaScript lets a variable use but Espruino's lexer reads as
 * keywords. esbuild's minifier does generate `of` as a short name.
 */
export const RESERVED_IDENTIFIERS = new Set(["of", "let", "static"]);

// ---------------------------------------------------------------------------
// Regular expressions (src/jswrap_regexp.c, and the facts file)

export interface RegExpFinding {
  message: string;
  /** Offset into the literal text `/pattern/flags`. */
  offset: number;
}

const MAX_CAPTURE_GROUPS = 9; // MAX_GROUPS in src/jswrap_regexp.c

const REGEXP_MESSAGES = {
  braces:
    "{n} and {n,m} quantifiers in regular expressions are not supported by Espruino: repeat the atom (\\d\\d\\d) or check the length in code",
  optional:
    "the ? quantifier in regular expressions is not supported by Espruino ('a\\r\\nb'.split(/\\r?\\n/) gives one element): use two alternatives at the top level, or * where that is safe",
  lazy: "lazy quantifiers (*?, +?) are not supported by Espruino: use a negated class such as [^x]*",
  nonCapturing: "non-capturing groups (?:...) are not supported by Espruino: use a capture group (...)",
  lookaround: "lookahead and lookbehind are not supported by Espruino: match more and check the rest in code",
  backreference: "backreferences (\\1, \\k<name>) are not supported by Espruino: compare the captured groups in code",
  namedGroup: "named groups (?<name>...) are not supported by Espruino: use a plain capture group and its index",
  // Additions from src/jswrap_regexp.c:
  wordBoundary:
    "\\b and \\B are not word boundaries in Espruino's regular expressions (\\b matches a backspace): check the neighbouring characters in code",
  quantifiedGroup:
    "Espruino's regular expressions repeat single characters, classes and escapes only, not groups: write the repetition out, or loop in code",
  groupAlternation:
    "Espruino's regular expressions split alternatives (|) at the top level only, not inside groups: write whole alternatives (^ab$|^cd$) or use a character class",
  escape:
    "Espruino's regular expressions understand only \\d \\D \\s \\S \\w \\W \\n \\r \\t \\f \\v \\0 \\xXX and escaped punctuation: write \\xXX or the character itself",
  tooManyGroups: `Espruino's regular expressions hold at most ${MAX_CAPTURE_GROUPS} capture groups: split the expression`,
} as const;

function flagMessage(flag: string): string {
  return `the regular expression flag "${flag}" is not supported by Espruino (only i and g): remove it and handle the case in code`;
}

/**
 * Checks one regular expression against Espruino's engine.
 * Offsets point into the literal text `/pattern/flags`.
 */
export function checkRegExp(pattern: string, flags: string): RegExpFinding[] {
  const findings: RegExpFinding[] = [];
  const patternBase = 1;
  const flagsBase = pattern.length + 2;
  const parser = new RegExpParser({ ecmaVersion: 2025 });

  for (let i = 0; i < flags.length; i++) {
    if (flags[i] !== "i" && flags[i] !== "g") findings.push({ message: flagMessage(flags[i]), offset: flagsBase + i });
  }

  let ast: AST.Pattern;
  try {
    parser.parseFlags(flags);
    ast = parser.parsePattern(pattern, 0, pattern.length, {
      unicode: flags.includes("u"),
      unicodeSets: flags.includes("v"),
    });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    findings.push({ message: `invalid regular expression: ${why}`, offset: patternBase });
    return findings;
  }

  const at = (offset: number, message: string): void => {
    findings.push({ message, offset: patternBase + offset });
  };
  let captureGroups = 0;
  const checkAlternation = (node: AST.CapturingGroup | AST.Group | AST.LookaroundAssertion): void => {
    if (node.alternatives.length > 1) at(node.start, REGEXP_MESSAGES.groupAlternation);
  };

  visitRegExpAST(ast, {
    onQuantifierEnter(node) {
      const quantifierStart = node.element.end - node.start;
      const text = node.raw.slice(quantifierStart);
      const offset = node.start + quantifierStart;
      if (text.startsWith("{")) at(offset, REGEXP_MESSAGES.braces);
      else if (!node.greedy) at(offset, REGEXP_MESSAGES.lazy);
      else if (text === "?") at(offset, REGEXP_MESSAGES.optional);
      else if (node.element.type === "CapturingGroup" || node.element.type === "Group") {
        at(offset, REGEXP_MESSAGES.quantifiedGroup);
      }
    },
    onGroupEnter(node) {
      at(node.start, REGEXP_MESSAGES.nonCapturing);
      checkAlternation(node);
    },
    onCapturingGroupEnter(node) {
      captureGroups++;
      if (node.name !== null) at(node.start, REGEXP_MESSAGES.namedGroup);
      else if (captureGroups === MAX_CAPTURE_GROUPS + 1) at(node.start, REGEXP_MESSAGES.tooManyGroups);
      checkAlternation(node);
    },
    onAssertionEnter(node) {
      if (node.kind === "lookahead" || node.kind === "lookbehind") {
        at(node.start, REGEXP_MESSAGES.lookaround);
        checkAlternation(node);
      } else if (node.kind === "word") {
        at(node.start, REGEXP_MESSAGES.wordBoundary);
      }
    },
    onBackreferenceEnter(node) {
      at(node.start, REGEXP_MESSAGES.backreference);
    },
    onCharacterEnter(node) {
      // \u, \c and legacy octal escapes fall through to "the letter itself" in Espruino.
      if (/^\\(?:u|c|[1-9])/.test(node.raw)) at(node.start, REGEXP_MESSAGES.escape);
    },
    onCharacterSetEnter(node) {
      if (node.kind === "property") at(node.start, REGEXP_MESSAGES.escape);
    },
  });

  return findings.sort((a, b) => a.offset - b.offset);
}

// ---------------------------------------------------------------------------
// Syntax checks over ESTree nodes (espree's and typescript-eslint's trees)

/** An ESTree node as ESLint hands it over: with parent and range. */
export type SubsetNode = ESTree.Node & { parent?: SubsetNode; range?: [number, number] };

export interface Finding {
  rule: SubsetRuleId;
  message: string;
  node: SubsetNode;
  /** Absolute source offset when the finding is more precise than its node. */
  index?: number;
}

export type Reporter = (finding: Finding) => void;

type Visitors = Record<string, (node: SubsetNode) => void>;

/** Any node object, read loosely: typescript-eslint adds fields ESTree does not declare. */
type Loose = SubsetNode & Record<string, unknown>;

function report(reporter: Reporter, rule: SubsetRuleId, node: SubsetNode, message?: string, index?: number): void {
  if (isTypeOnly(node)) return; // erased by the build
  reporter({ rule, message: message ?? SUBSET_RULES[rule].message, node, index });
}

const FUNCTION_TYPES = new Set(["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression"]);
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

/** Where to point for a function: its method or property when it is one (the function node starts at `(`). */
function functionSite(node: SubsetNode): SubsetNode {
  const parent = node.parent;
  if (parent && (parent.type === "MethodDefinition" || (parent.type === "Property" && parent.value === node))) {
    return parent;
  }
  return node;
}

function enclosingFunction(node: SubsetNode): Loose | undefined {
  for (let p = node.parent; p; p = p.parent) if (FUNCTION_TYPES.has(p.type)) return p as Loose;
  return undefined;
}

/** `\u{` not preceded by another backslash, in raw source text. */
const CODE_POINT_ESCAPE = /(?<!\\)(?:\\\\)*\\u\{/;

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

function isTypeOnly(node: SubsetNode): boolean {
  for (let p: Loose | undefined = node as Loose; p; p = p.parent as Loose | undefined) {
    if (TYPE_ONLY_TYPES.has(p.type) || p.declare === true) return true;
  }
  return false;
}

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

/** The syntax visitors, keyed by ESTree node type (ESLint selector syntax). */
export function subsetVisitors(reporter: Reporter): Visitors {
  const functionChecks = (node: SubsetNode): void => {
    const fn = node as Loose;
    if (fn.async === true) report(reporter, "async", functionSite(node));
    if (fn.generator === true) report(reporter, "generator", functionSite(node));
  };
  const checkRegExpAt = (node: SubsetNode, pattern: string, flags: string, literalStart: number | undefined): void => {
    for (const finding of checkRegExp(pattern, flags)) {
      const index = literalStart === undefined ? undefined : literalStart + finding.offset;
      report(reporter, "regexp", node, finding.message, index);
    }
  };
  const checkRegExpConstructor = (node: SubsetNode): void => {
    const call = node as ESTree.CallExpression & SubsetNode;
    if (call.callee.type !== "Identifier" || call.callee.name !== "RegExp") return;
    const pattern = staticString(call.arguments[0]);
    if (pattern === undefined) return; // not knowable here
    const flags = call.arguments.length > 1 ? staticString(call.arguments[1]) : "";
    if (flags === undefined) return;
    checkRegExpAt(call.arguments[0] as SubsetNode, pattern, flags, undefined);
  };

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
    ChainExpression(node) {
      report(reporter, "optional-chaining", node);
    },
    BinaryExpression(node) {
      if ((node as ESTree.BinaryExpression).operator === "**") report(reporter, "exponent", node);
    },
    AssignmentExpression(node) {
      if ((node as ESTree.AssignmentExpression).operator === "**=") report(reporter, "exponent", node);
    },
    LabeledStatement(node) {
      report(reporter, "label", node);
    },
    Literal(node) {
      const literal = node as Loose & ESTree.Literal;
      if ("bigint" in literal && typeof literal.bigint === "string") {
        report(reporter, "bigint", node);
      } else if ("regex" in literal && literal.regex) {
        const regex = literal.regex as { pattern: string; flags: string };
        checkRegExpAt(node, regex.pattern, regex.flags, node.range?.[0]);
      } else if (typeof literal.value === "string" && literal.raw && CODE_POINT_ESCAPE.test(literal.raw)) {
        report(reporter, "code-point-escape", node);
      }
    },
    TemplateElement(node) {
      if (CODE_POINT_ESCAPE.test((node as ESTree.TemplateElement).value.raw)) report(reporter, "code-point-escape", node);
    },
    NewExpression: checkRegExpConstructor,
    CallExpression: checkRegExpConstructor,
    ClassBody(node) {
      checkClassBody(reporter, node as ESTree.ClassBody & SubsetNode);
    },
    ClassDeclaration: checkSuperClass,
    ClassExpression: checkSuperClass,
    Identifier(node) {
      const name = (node as ESTree.Identifier).name;
      if (RESERVED_IDENTIFIERS.has(name) && namesVariable(node)) {
        report(reporter, "reserved-identifier", node, `\`${name}\` is a keyword in Espruino's lexer and cannot name a variable: choose another name`);
      }
    },
    ExpressionStatement(node) {
      if ((node as ESTree.Directive).directive === "use strict") report(reporter, "use-strict", node);
    },
  };

  function checkSuperClass(node: SubsetNode): void {
    const superClass = (node as ESTree.Class).superClass;
    if (superClass && superClass.type !== "Identifier") report(reporter, "class-extends", superClass as SubsetNode);
  }
}

function staticString(node: ESTree.Node | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === "Literal" && typeof node.value === "string") return node.value;
  if (node.type === "TemplateLiteral" && node.expressions.length === 0) return node.quasis[0].value.cooked ?? undefined;
  return undefined;
}

// ---------------------------------------------------------------------------
// Globals, with scope analysis: only free references to the global count.

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

function memberName(member: ESTree.MemberExpression): string | undefined {
  if (!member.computed && member.property.type === "Identifier") return member.property.name;
  if (member.computed && member.property.type === "Literal" && typeof member.property.value === "string") {
    return member.property.value;
  }
  return undefined;
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
