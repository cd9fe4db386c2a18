import assert from "node:assert/strict";
import { SUBSET_RULES, SUBSET_RULE_IDS, type SubsetRuleId } from "../../scripts/gate/catalogue.ts";
import { FORBIDDEN_CASES, WARNING_CASES } from "./cases.ts";

describe("gate catalogue: the rules as data", () => {
  it("says what to write instead in every default message", () => {
    for (const id of SUBSET_RULE_IDS) {
      const { message } = SUBSET_RULES[id];
      // These messages are built per finding, with what to write instead for each name.
      if (["absent-global", "regexp", "absent-method", "absent-method-common-name", "split"].includes(id)) continue;
      assert.match(message, /: .{10,}/, `${id}: ${message}`);
    }
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

  it("marks every rule added from measurements with the measured basis", () => {
    for (const id of ["hoisting", "loop-closure", "prototype-method", "absent-method", "absent-method-common-name", "tagged-template", "new-target", "logical-assignment", "json-replacer", "split", "instanceof-error", "regexp-flag-property", "multichar-needle", "bare-return-before-brace"] as const) {
      assert.equal(SUBSET_RULES[id].basis, "measured", id);
    }
  });
});
