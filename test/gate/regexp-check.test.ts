import assert from "node:assert/strict";
import fc from "fast-check";
import { checkRegExp } from "../../scripts/gate/regexp-check.ts";

describe("gate regexp-check: checkRegExp", () => {
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
