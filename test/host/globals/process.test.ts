import assert from "node:assert/strict";
import { createHostRuntime } from "../../../scripts/host/runtime.ts";
import { useRuntime } from "../runtime-fixture.ts";

describe("host runtime: process", () => {
  const fixture = useRuntime();

  it("process.memory models the variable store: rest + code + the app's globals; memoryPeak keeps the highest", () => {
    const { runtime } = fixture;
    const first = runtime.evaluate("process.memory().usage") as number;
    assert.equal(first, 77, "a fresh interpreter");
    assert.equal(runtime.memoryPeak(), first);
    const code = "var big = []; for (var i = 0; i < 1000; i++) big.push('item number ' + i);";
    runtime.run(code);
    const second = runtime.evaluate("process.memory().usage") as number;
    const expected = 77 + Math.ceil(code.length / 12) + 1 + (runtime.evaluate("E.getSizeOf(big)") as number) + 1 + 1;
    assert.equal(second, expected);
    assert.ok(second > first + 2000, `usage ${first} -> ${second}`);
    runtime.run("big = null;");
    assert.ok((runtime.evaluate("process.memory().usage") as number) < second);
    assert.equal(runtime.memoryPeak(), second);
    assert.equal(runtime.evaluate("process.memory().total"), 16383);
  });

  it("process.env says which console and modules the runtime was given", () => {
    assert.equal(fixture.runtime.evaluate("process.env.CONSOLE + ' ' + process.env.MODULES"), "Telnet Storage,tls");
    const serial = createHostRuntime({ consoleDevice: "Serial1", noTls: true, write: () => {} });
    assert.equal(serial.evaluate("process.env.CONSOLE + ' ' + process.env.MODULES"), "Serial1 Storage");
    serial.close();
  });
});
