import assert from "node:assert/strict";
import { createHostRuntime } from "../../scripts/host/runtime.ts";
import { eventually, sleep, useRuntime } from "./runtime-fixture.ts";

describe("host runtime", () => {
  const fixture = useRuntime();

  it("runs a script with Espruino's globals and prints through options.write", () => {
    fixture.runtime.run('print("a", 1, [2]); console.log(typeof url.parse, typeof E.toString, process.env.VERSION);');
    assert.equal(fixture.output, "a 1 [ 2 ]\nfunction function 2v29\n");
    assert.equal(fixture.runtime.evaluate("process.env.BOARD"), "HOST_RUNTIME");
  });

  it("evaluate returns values and throws what the code throws", () => {
    assert.equal(fixture.runtime.evaluate("1+2"), 3);
    assert.throws(() => fixture.runtime.evaluate("nope()"), /nope is not defined/);
  });

  it("clears timers and listeners on reset", async () => {
    const { runtime } = fixture;
    runtime.run('setTimeout(function(){ print("late"); }, 30); setInterval(function(){ print("tick"); }, 10); var kept = 1;');
    assert.equal(runtime.isIdle(), false);
    runtime.reset();
    assert.equal(runtime.isIdle(), true);
    await sleep(60);
    assert.equal(fixture.output, "");
    assert.equal(runtime.evaluate("typeof kept"), "undefined");
  });

  it("prints an uncaught error when nobody listens, and carries on", async () => {
    fixture.runtime.run('setTimeout(function(){ throw new Error("boom"); }, 1); setTimeout(function(){ print("after"); }, 20);');
    await eventually(() => assert.equal(fixture.output, "Uncaught Error: boom\nafter\n"));
  });

  it("hands uncaught errors to process.on('uncaughtException')", async () => {
    fixture.runtime.run(
      'process.on("uncaughtException", function(e){ print("caught", e.message); });' +
        'setTimeout(function(){ throw new Error("boom"); }, 1);' +
        "undefinedFunction();",
    );
    await eventually(() => assert.equal(fixture.output, "caught undefinedFunction is not defined\ncaught boom\n"));
  });

  it("reports an unhandled promise rejection like Espruino, without touching Node's", async () => {
    fixture.runtime.run('Promise.reject(new Error("nope")); new Promise(function(r){ r(1); }).then(function(){ throw new Error("late"); });');
    await eventually(() =>
      assert.equal(fixture.output, "Uncaught Error: Unhandled promise rejection: Error: nope\nUncaught Error: Unhandled promise rejection: Error: late\n"),
    );
  });

  it("Storage survives a reset (it is the device's flash)", () => {
    const storage = new Map<string, string>();
    const device = createHostRuntime({ storage, write: () => {} });
    device.run('require("Storage").write("keep", "yes")');
    device.reset();
    assert.equal(device.evaluate('require("Storage").read("keep")'), "yes");
    assert.equal(storage.get("keep"), "yes");
    device.close();
  });

  it("boots like jsiSemiInit: .bootcde after load(), only .bootrst after reset(), boot code before the banner", async () => {
    let output = "";
    const device = createHostRuntime({ write: (text) => (output += text) });
    device.storage.set(".bootcde", 'print("boot code");');
    device.storage.set(".boot0", 'print("boot0");');
    device.boot("power-on");
    assert.match(output, /^boot0\nboot code\n\n .*host runtime 2v29.*\n\n$/);
    output = "";
    device.run("reset();");
    await eventually(() => assert.match(output, /^boot0\n\n .*host runtime/));
    assert.doesNotMatch(output, /boot code/);
    output = "";
    device.run("load();");
    await eventually(() => assert.equal(output, "boot0\nboot code\n", "no banner for load()"));
    device.storage.set(".bootrst", 'print("after reset");');
    device.storage.set("app", 'print("app");');
    output = "";
    device.run('load("app");');
    await eventually(() => assert.match(output, /^boot0\nafter reset\n\n .*host runtime.*\n\napp\n$/));
    device.close();
  });
});
