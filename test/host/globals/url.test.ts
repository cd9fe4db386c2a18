import assert from "node:assert/strict";
import { useRuntime } from "../runtime-fixture.ts";

describe("host runtime: url", () => {
  const fixture = useRuntime();

  it("url.parse gives the app's own objects with Espruino's fields", () => {
    assert.equal(
      fixture.runtime.evaluate('JSON.stringify(url.parse("https://127.0.0.1:8443/a/check"))'),
      '{"protocol":"https:","method":"GET","host":"127.0.0.1","path":"/a/check","pathname":"/a/check","search":null,"port":8443,"query":null}',
    );
    assert.equal(fixture.runtime.evaluate('url.parse("http://h/?a=1", true).query instanceof Object'), true);
  });
});
