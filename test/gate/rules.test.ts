import assert from "node:assert/strict";
import fc from "fast-check";
import {
  ABSENT_COMMON_METHODS,
  ABSENT_GLOBALS,
  ABSENT_MEMBERS,
  ABSENT_METHODS,
  SUBSET_RULES,
  SUBSET_RULE_IDS,
  checkRegExp,
  type SubsetRuleId,
} from "../../scripts/gate/rules.ts";
import { FORBIDDEN_CASES, WARNING_CASES } from "./cases.ts";

describe("gate rules: the subset as data", () => {
  it("says what to write instead in every default message", () => {
    for (const id of SUBSET_RULE_IDS) {
      const { message } = SUBSET_RULES[id];
      // These messages are built per finding, with what to write instead for each name.
      if (["absent-global", "regexp", "absent-method", "absent-method-common-name", "split"].includes(id)) continue;
      assert.match(message, /: .{10,}/, `${id}: ${message}`);
    }
  });

  it("lists every absent global and member of the facts file", () => {
    for (const name of ["Map", "Set", "Symbol", "TextDecoder", "TextEncoder"]) {
      assert.equal(ABSENT_GLOBALS[name]?.basis, "measured", name);
    }
    assert.equal(ABSENT_MEMBERS.Array.from.basis, "measured");
    assert.equal(ABSENT_MEMBERS.Number.isFinite.basis, "measured");
  });

  it("has a forbidden-snippet test for every error rule", () => {
    const tested = new Set(FORBIDDEN_CASES.map((item) => item.rule));
    for (const id of SUBSET_RULE_IDS) {
      if (SUBSET_RULES[id].severity === "error") assert.ok(tested.has(id), `no case for ${id}`);
    }
  });

  it("has a warning-snippet test for every warning rule but 'use strict' (tested on its own)", () => {
    const tested = new Set(WARNING_CASES.map((item) => item.rule));
    for (const id of SUBSET_RULE_IDS) {
      if (SUBSET_RULES[id].severity === "warning" && id !== "use-strict") assert.ok(tested.has(id), `no case for ${id}`);
    }
    for (const item of WARNING_CASES) assert.equal(SUBSET_RULES[item.rule as SubsetRuleId]?.severity, "warning", item.name);
  });

  it("lists no method as absent that Espruino has, and none twice", () => {
    // Measured present on 2v29: String's padEnd and lastIndexOf; Object.keys/values/entries are calls of these names.
    for (const name of ["padEnd", "padStart", "lastIndexOf", "keys", "values", "entries", "includes", "find", "replaceAll"]) {
      assert.ok(!(name in ABSENT_METHODS) && !(name in ABSENT_COMMON_METHODS), name);
    }
    for (const name of Object.keys(ABSENT_COMMON_METHODS)) assert.ok(!(name in ABSENT_METHODS), name);
    assert.equal(ABSENT_METHODS.setUTCDay, undefined); // there is no such method anywhere
    assert.ok(ABSENT_METHODS.getUTCDay.startsWith("getDay()"));
  });

  it("marks every rule added from measurements with the measured basis", () => {
    for (const id of ["hoisting", "loop-closure", "prototype-method", "absent-method", "absent-method-common-name", "tagged-template", "new-target", "logical-assignment", "json-replacer", "split", "instanceof-error", "regexp-flag-property", "multichar-needle", "bare-return-before-brace"] as const) {
      assert.equal(SUBSET_RULES[id].basis, "measured", id);
    }
  });
});

describe("gate rules: checkRegExp", () => {
  const messagesOf = (pattern: string, flags = ""): string[] => checkRegExp(pattern, flags).map((f) => f.message);

  it("accepts what Espruino's engine runs", () => {
    for (const [pattern, flags] of [
      ["^(\\d+)\\s*([a-z]+)$", "gi"],
      ["[^\\r\\n]+", "g"],
      ["\\r\\n|\\n", ""],
      ["^HTTP\\/1\\.[01] (\\d+)", ""],
      ["[\\d.]*\\w\\W\\S\\D\\x41\\0", ""],
      ["[\\b]", ""], // a backspace in a class, as in JavaScript
      ["a.b|^c*$", "i"],
    ]) {
      assert.deepEqual(checkRegExp(pattern, flags), [], `/${pattern}/${flags}`);
    }
  });

  it("points at each offending feature inside /pattern/flags", () => {
    const pattern = "a{2}b?(?:c)";
    const findings = checkRegExp(pattern, "gm");
    const literal = `/${pattern}/gm`;
    assert.deepEqual(
      findings.map((f) => literal.slice(f.offset, f.offset + 3)),
      ["{2}", "?(?", "(?:", "m"],
    );
  });

  it("reports a regex Espruino cannot parse as invalid", () => {
    assert.match(messagesOf("(a")[0], /^invalid regular expression: /);
    assert.match(messagesOf("a", "gg")[0], /^invalid regular expression: /);
  });

  it("reports more than 9 capture groups once", () => {
    const findings = messagesOf("(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)");
    assert.equal(findings.length, 1);
    assert.match(findings[0], /at most 9 capture groups/);
  });

  it("reports \\u, \\c, octal and \\p escapes", () => {
    assert.equal(messagesOf("\\u0041").length, 1);
    assert.equal(messagesOf("\\cA").length, 1);
    assert.equal(messagesOf("\\1").length, 1); // no group: a legacy octal escape
    assert.deepEqual(
      checkRegExp("\\p{L}", "u").map((f) => f.offset),
      [1, 7], // the escape and the u flag
    );
  });

  // Patterns built only from what Espruino's engine handles.
  const atom = fc.constantFrom("a", "Z", "7", "\\d", "\\s", "\\w", "\\S", ".", "[a-z]", "[^\\r\\n]", "\\x41", "\\.", "-", " ");
  const repeated = fc.tuple(atom, fc.constantFrom("", "", "*", "+")).map(([a, q]) => a + q);
  const sequence = fc.array(repeated, { minLength: 1, maxLength: 6 }).map((parts) => parts.join(""));
  const element = fc.oneof(sequence, sequence.map((s) => `(${s})`));
  const alternative = fc
    .tuple(fc.boolean(), fc.array(element, { minLength: 1, maxLength: 3 }), fc.boolean())
    .map(([start, parts, end]) => (start ? "^" : "") + parts.join("") + (end ? "$" : ""));
  const allowedPattern = fc.array(alternative, { minLength: 1, maxLength: 3 }).map((alts) => alts.join("|"));
  const allowedFlags = fc.constantFrom("", "g", "i", "gi", "ig");

  it("accepts any pattern made of supported features (property)", () => {
    fc.assert(
      fc.property(allowedPattern, allowedFlags, (pattern, flags) => {
        assert.deepEqual(checkRegExp(pattern, flags), [], `/${pattern}/${flags}`);
      }),
    );
  });

  const forbidden = fc.constantFrom("a{2}", "b{1,3}", "c?", "d*?", "e+?", "(?:f)", "(?=g)", "(?!h)", "(?<=i)", "(?<n>j)", "(k)\\1", "\\bl", "(m)+", "(n|o)", "\\u0041");

  it("finds a forbidden feature wherever it is inserted, and points into it (property)", () => {
    fc.assert(
      fc.property(allowedPattern, forbidden, fc.nat(), (pattern, bad, at) => {
        // Insert at a boundary between top-level alternatives so the pattern stays valid.
        const alternatives = pattern.split("|");
        const index = at % (alternatives.length + 1);
        alternatives.splice(index, 0, bad);
        const full = alternatives.join("|");
        const start = 1 + alternatives.slice(0, index).reduce((n, alt) => n + alt.length + 1, 0);
        const findings = checkRegExp(full, "");
        assert.ok(findings.length >= 1, `/${full}/ passed`);
        assert.ok(
          findings.some((f) => f.offset >= start && f.offset < start + bad.length),
          `/${full}/: no finding inside ${bad} at ${start}: ${JSON.stringify(findings)}`,
        );
      }),
    );
  });

  it("keeps every offset inside the literal text (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.constantFrom("", "g", "m", "uy", "gimsuy"), (pattern, flags) => {
        const length = pattern.length + flags.length + 2;
        for (const finding of checkRegExp(pattern, flags)) {
          assert.ok(finding.offset >= 0 && finding.offset < length, `${finding.offset} outside ${length}`);
        }
      }),
    );
  });
});
