import assert from "node:assert/strict";
import { createHostRuntime, type HostRuntime, type HostRuntimeExtras } from "../../scripts/host/runtime.ts";

type Runtime = HostRuntime & HostRuntimeExtras;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe("host runtime", () => {
  let runtime: Runtime;
  let output: string;

  beforeEach(() => {
    output = "";
    runtime = createHostRuntime({ write: (text) => (output += text) });
  });

  afterEach(() => runtime.close());

  it("runs a script with Espruino's globals and prints through options.write", () => {
    runtime.run('print("a", 1, [2]); console.log(typeof url.parse, typeof E.toString, process.env.VERSION);');
    assert.equal(output, "a 1 [ 2 ]\nfunction function 2v29\n");
    assert.equal(runtime.evaluate("process.env.BOARD"), "HOST_RUNTIME");
  });

  it("lacks the built-ins Espruino lacks, in the app's realm only", () => {
    assert.equal(runtime.evaluate("typeof Map + typeof Set + typeof Symbol"), "undefinedundefinedundefined");
    assert.equal(runtime.evaluate("typeof Array.from + typeof [].flat + typeof Number.isFinite + typeof ''.search"), "undefinedundefinedundefinedundefined");
    assert.equal(runtime.evaluate("typeof Promise + typeof Object.values + typeof isFinite"), "functionfunctionfunction");
    assert.equal(typeof Array.from, "function");
    assert.equal(typeof [].flat, "function");
  });

  it("evaluate returns values and throws what the code throws", () => {
    assert.equal(runtime.evaluate("1+2"), 3);
    assert.throws(() => runtime.evaluate("nope()"), /nope is not defined/);
  });

  it("has no Wifi module: require throws like Espruino", () => {
    runtime.run('try { require("Wifi"); } catch (e) { print(e.type, e.message, e instanceof Error); }');
    assert.equal(output, 'Error Module "Wifi" not found true\n');
    runtime.run('try { require("http"); } catch (e) { print(String(e)); }');
    assert.match(output, /Error: Module "http" not found\n$/);
    assert.equal(runtime.evaluate('require("tls") === require("tls")'), true);
  });

  it("gives atob/btoa on binary strings and E.toString of bytes", () => {
    assert.equal(runtime.evaluate('atob("/wBh")'), "\xff\x00a");
    assert.equal(runtime.evaluate('btoa("\\xff\\x00a")'), "/wBh");
    assert.equal(runtime.evaluate('E.toString([72, 105], "!", new Uint8Array([33]))'), "Hi!!");
    assert.ok((runtime.evaluate("E.getSizeOf({a: 'hello world, a longer string', b: [1, 2, 3]})") as number) > 3);
  });

  it("url.parse gives the app's own objects with Espruino's fields", () => {
    assert.equal(
      runtime.evaluate('JSON.stringify(url.parse("https://127.0.0.1:8443/a/check"))'),
      '{"protocol":"https:","method":"GET","host":"127.0.0.1","path":"/a/check","pathname":"/a/check","search":null,"port":8443,"query":null}',
    );
    assert.equal(runtime.evaluate('url.parse("http://h/?a=1", true).query instanceof Object'), true);
  });

  it("clears timers and listeners on reset", async () => {
    runtime.run('setTimeout(function(){ print("late"); }, 30); setInterval(function(){ print("tick"); }, 10); var kept = 1;');
    assert.equal(runtime.isIdle(), false);
    runtime.reset();
    assert.equal(runtime.isIdle(), true);
    await sleep(60);
    assert.equal(output, "");
    assert.equal(runtime.evaluate("typeof kept"), "undefined");
  });

  it("clearTimeout(): no argument clears all timers, undefined throws", async () => {
    runtime.run('var a = setTimeout(function(){ print("a"); }, 20); var b = setInterval(function(){ print("b"); }, 5); clearTimeout();');
    assert.equal(runtime.isIdle(), true);
    runtime.run("try { clearTimeout(undefined); } catch (e) { print(e.message); }");
    assert.equal(output, "clearTimeout(undefined) not allowed. Use clearTimeout() instead\n");
    runtime.run('var id = setTimeout(function(){ print("fired", id); }, 5);');
    await sleep(40);
    assert.match(output, /fired \d+\n$/);
  });

  it("prints an uncaught error when nobody listens, and carries on", async () => {
    runtime.run('setTimeout(function(){ throw new Error("boom"); }, 1); setTimeout(function(){ print("after"); }, 20);');
    await sleep(50);
    assert.equal(output, "Uncaught Error: boom\nafter\n");
  });

  it("hands uncaught errors to process.on('uncaughtException')", async () => {
    runtime.run(
      'process.on("uncaughtException", function(e){ print("caught", e.message); });' +
        'setTimeout(function(){ throw new Error("boom"); }, 1);' +
        "undefinedFunction();",
    );
    await sleep(30);
    assert.equal(output, "caught undefinedFunction is not defined\ncaught boom\n");
  });

  it("reports an unhandled promise rejection like Espruino, without touching Node's", async () => {
    runtime.run('Promise.reject(new Error("nope")); new Promise(function(r){ r(1); }).then(function(){ throw new Error("late"); });');
    await sleep(30);
    assert.equal(output, "Uncaught Error: Unhandled promise rejection: Error: nope\nUncaught Error: Unhandled promise rejection: Error: late\n");
  });

  it("provides InternalError the Espruino way: not an Error, with type and message", () => {
    assert.equal(runtime.evaluate('String(new InternalError("x"))'), "InternalError: x");
    assert.equal(runtime.evaluate('new InternalError("x") instanceof Error'), false);
    assert.equal(runtime.evaluate('Object.keys(new InternalError("x")).join()'), "message,type");
  });

  it("process.memory models the variable store: rest + code + the app's globals; memoryPeak keeps the highest", () => {
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

  it("Storage: chunked writes as the espruino CLI sends them, read, list, erase", () => {
    runtime.run(
      'var S = require("Storage");' +
        'S.write(".bootcde", "print(1);", 0, 18);' +
        'S.write(".bootcde", "print(2);", 9);' +
        'S.write("data", [1, 2, 255]);' +
        'S.writeJSON("cfg", {a: 1});',
    );
    assert.equal(runtime.storage.get(".bootcde"), "print(1);print(2);");
    assert.equal(runtime.evaluate('require("Storage").read("data")'), "\x01\x02\xff");
    assert.equal(runtime.evaluate('require("Storage").readJSON("cfg").a'), 1);
    assert.equal(runtime.evaluate('require("Storage").list().sort().join()'), ".bootcde,cfg,data");
    assert.equal(runtime.evaluate('require("Storage").list() instanceof Array'), true);
    runtime.run('require("Storage").erase("data")');
    assert.equal(runtime.evaluate('require("Storage").read("data")'), undefined);
    runtime.run('try { require("Storage").write("cfg", "toolong", 0, 3); } catch (e) { print(e.message); }');
    assert.equal(output, "Too much data for file size\n");
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
    const device = createHostRuntime({ write: (text) => (output += text) });
    device.storage.set(".bootcde", 'print("boot code");');
    device.storage.set(".boot0", 'print("boot0");');
    device.boot("power-on");
    assert.match(output, /^boot0\nboot code\n\n .*host runtime 2v29.*\n\n$/);
    output = "";
    device.run("reset();");
    await sleep(20);
    assert.match(output, /^boot0\n\n .*host runtime/);
    assert.doesNotMatch(output, /boot code/);
    output = "";
    device.run("load();");
    await sleep(20);
    assert.equal(output, "boot0\nboot code\n", "no banner for load()");
    device.storage.set(".bootrst", 'print("after reset");');
    device.storage.set("app", 'print("app");');
    output = "";
    device.run('load("app");');
    await sleep(20);
    assert.match(output, /^boot0\nafter reset\n\n .*host runtime.*\n\napp\n$/);
    device.close();
  });

  it("uses the tls module it is given (the unit-test stub plugs in here)", () => {
    const stub = { connect: () => ({ stub: true }) } as never;
    const withStub = createHostRuntime({ tls: stub, write: () => {} });
    assert.equal(withStub.evaluate('require("tls").connect({}).stub'), true);
    withStub.close();
  });
});
