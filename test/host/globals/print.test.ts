import assert from "node:assert/strict";
import { createHostRuntime } from "../../../scripts/host/runtime.ts";
import { useRuntime } from "../runtime-fixture.ts";

describe("host runtime: print, console and echo", () => {
  const fixture = useRuntime();

  it("every console method prints as print does", () => {
    fixture.runtime.run('console.debug("d", {a: 1}); console.info("i"); console.warn("w"); console.error("e", [1]);');
    assert.equal(fixture.output, 'd { "a": 1 }\ni\nw\ne [ 1 ]\n');
  });

  it("echo() tells the console (options.onEcho)", () => {
    const echoes: boolean[] = [];
    const device = createHostRuntime({ onEcho: (on) => echoes.push(on), write: () => {} });
    device.run("echo(0); echo(1);");
    assert.deepEqual(echoes, [false, true]);
    device.close();
  });
});
