// Regular expressions against Espruino's engine: which features of a pattern
// it lacks (checkRegExp), and where patterns appear in code (regular
// expression literals, RegExp(...) with literal arguments). Measured facts and
// the additions read in src/jswrap_regexp.c: docs/espruino-language.md.

import type * as ESTree from "estree";
import { RegExpParser, visitRegExpAST, type AST } from "@eslint-community/regexpp";
import { report, type Reporter, type Visitors } from "./findings.ts";
import { staticString, type Loose, type SubsetNode } from "./nodes.ts";

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

/** True when the pattern has a capture group (false for a pattern that does not parse). */
export function hasCaptureGroup(pattern: string, flags: string): boolean {
  let found = false;
  try {
    const ast = new RegExpParser({ ecmaVersion: 2025 }).parsePattern(pattern, 0, pattern.length, {
      unicode: flags.includes("u"),
      unicodeSets: flags.includes("v"),
    });
    visitRegExpAST(ast, { onCapturingGroupEnter: () => (found = true) });
  } catch {
    return false; // reported by the regexp rule
  }
  return found;
}

/** Regular expression literals, and RegExp(...) or new RegExp(...) whose pattern and flags are literals. */
export function regexpVisitors(reporter: Reporter): Visitors {
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
    Literal(node) {
      const literal = node as Loose & ESTree.Literal;
      if ("regex" in literal && literal.regex) {
        const regex = literal.regex as { pattern: string; flags: string };
        checkRegExpAt(node, regex.pattern, regex.flags, node.range?.[0]);
      }
    },
    NewExpression: checkRegExpConstructor,
    CallExpression: checkRegExpConstructor,
  };
}
