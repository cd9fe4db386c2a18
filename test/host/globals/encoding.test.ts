import assert from "node:assert/strict";
import { useRuntime } from "../runtime-fixture.ts";

describe("host runtime: atob and btoa", () => {
  const fixture = useRuntime();

  it("gives atob/btoa on binary strings", () => {
    assert.equal(fixture.runtime.evaluate('atob("/wBh")'), "\xff\x00a");
    assert.equal(fixture.runtime.evaluate('btoa("\\xff\\x00a")'), "/wBh");
  });

  it("btoa takes arrays and typed arrays byte-wise; wrong types throw Espruino's errors", () => {
    const { runtime } = fixture;
    assert.equal(runtime.evaluate("btoa([255, 0, 97])"), "/wBh");
    assert.equal(runtime.evaluate("btoa(new Uint8Array([255, 0, 97]))"), "/wBh");
    assert.equal(runtime.evaluate("(function(){ try { atob(1); } catch (e) { return e.message; } })()"), "Expecting String, got number");
    assert.equal(runtime.evaluate("(function(){ try { btoa(null); } catch (e) { return e.message; } })()"), "Expecting String or Array, got null");
  });
});
