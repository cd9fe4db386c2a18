import assert from "node:assert/strict";
import { useRuntime } from "../runtime-fixture.ts";

describe("host runtime: reset, load and save", () => {
  const fixture = useRuntime();

  it("save() says it is not supported and points at Storage", () => {
    fixture.runtime.run("save();");
    assert.equal(fixture.output, "save() is not supported by the host runtime: use Storage (.bootcde)\n");
  });
});
