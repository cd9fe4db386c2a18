import assert from "node:assert/strict";
import { plural } from "../../scripts/lib/plural.ts";

describe("lib/plural", () => {
  it("adds an s to every count but one", () => {
    assert.equal(plural(1, "day"), "1 day");
    assert.equal(plural(0, "day"), "0 days");
    assert.equal(plural(2, "certificate"), "2 certificates");
    assert.equal(plural(-1, "day"), "-1 days");
  });
});
