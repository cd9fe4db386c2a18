import assert from "node:assert/strict";
import { useRuntime } from "../runtime-fixture.ts";

describe("host runtime: E", () => {
  const fixture = useRuntime();

  it("E.toString of bytes and E.getSizeOf", () => {
    assert.equal(fixture.runtime.evaluate('E.toString([72, 105], "!", new Uint8Array([33]))'), "Hi!!");
    assert.ok((fixture.runtime.evaluate("E.getSizeOf({a: 'hello world, a longer string', b: [1, 2, 3]})") as number) > 3);
  });

  it("E.on, E.emit and E.removeListener: listeners in the order added", () => {
    const { runtime } = fixture;
    runtime.run('function one(x){ print("one", x); } E.on("ping", one); E.on("ping", function(x){ print("two", x); }); E.emit("ping", 1);');
    runtime.run('E.removeListener("ping", one); E.emit("ping", 2); E.removeAllListeners("ping"); E.emit("ping", 3);');
    assert.equal(fixture.output, "one 1\ntwo 1\ntwo 2\n");
  });
});
