import assert from "node:assert/strict";
import { useRuntime } from "../runtime-fixture.ts";

describe("host runtime: getTime and setTime", () => {
  const fixture = useRuntime();

  it("setTime moves the device's clock, and it stays moved across a reset", () => {
    const { runtime } = fixture;
    runtime.run("setTime(1000);");
    const after = runtime.evaluate("getTime()") as number;
    assert.ok(after >= 1000 && after < 1010, `getTime() ${after}`);
    runtime.reset();
    const afterReset = runtime.evaluate("getTime()") as number;
    assert.ok(afterReset >= after && afterReset < 1010, `getTime() ${afterReset} after reset`);
  });
});
