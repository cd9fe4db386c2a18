import assert from "node:assert/strict";
import { useRuntime } from "./runtime-fixture.ts";

describe("host runtime: the app's realm", () => {
  const fixture = useRuntime();

  it("lacks the built-ins Espruino lacks, in the app's realm only", () => {
    const { runtime } = fixture;
    assert.equal(runtime.evaluate("typeof Map + typeof Set + typeof Symbol"), "undefinedundefinedundefined");
    assert.equal(runtime.evaluate("typeof Array.from + typeof [].flat + typeof Number.isFinite + typeof ''.search"), "undefinedundefinedundefinedundefined");
    assert.equal(runtime.evaluate("typeof Promise + typeof Object.values + typeof isFinite"), "functionfunctionfunction");
    assert.equal(typeof Array.from, "function");
    assert.equal(typeof [].flat, "function");
  });

  it("provides InternalError the Espruino way: not an Error, with type and message", () => {
    const { runtime } = fixture;
    assert.equal(runtime.evaluate('String(new InternalError("x"))'), "InternalError: x");
    assert.equal(runtime.evaluate('new InternalError("x") instanceof Error'), false);
    assert.equal(runtime.evaluate('Object.keys(new InternalError("x")).join()'), "message,type");
  });
});
