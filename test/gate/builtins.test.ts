import assert from "node:assert/strict";
import { ABSENT_COMMON_METHODS, ABSENT_GLOBALS, ABSENT_MEMBERS, ABSENT_METHODS } from "../../scripts/gate/builtins.ts";

describe("gate builtins: what Espruino's built-ins lack, as data", () => {
  it("lists every absent global and member of docs/espruino-language.md", () => {
    for (const name of ["Map", "Set", "Symbol", "TextDecoder", "TextEncoder"]) {
      assert.equal(ABSENT_GLOBALS[name]?.basis, "measured", name);
    }
    assert.equal(ABSENT_MEMBERS.Array.from.basis, "measured");
    assert.equal(ABSENT_MEMBERS.Number.isFinite.basis, "measured");
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
});
