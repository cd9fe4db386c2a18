import assert from "node:assert/strict";
import { eventually, sleep, useRuntime } from "../runtime-fixture.ts";

describe("host runtime: timers", () => {
  const fixture = useRuntime();

  it("clearTimeout(): no argument clears all timers, undefined throws", async () => {
    const { runtime } = fixture;
    runtime.run('var a = setTimeout(function(){ print("a"); }, 20); var b = setInterval(function(){ print("b"); }, 5); clearTimeout();');
    assert.equal(runtime.isIdle(), true);
    runtime.run("try { clearTimeout(undefined); } catch (e) { print(e.message); }");
    assert.equal(fixture.output, "clearTimeout(undefined) not allowed. Use clearTimeout() instead\n");
    runtime.run('var id = setTimeout(function(){ print("fired", id); }, 5);');
    await eventually(() => assert.match(fixture.output, /fired \d+\n$/));
  });

  it("runs a timer given as a string as code, passes a function's extra arguments, and refuses anything else", async () => {
    const { runtime } = fixture;
    runtime.run('setTimeout("print(\'from a string\')", 1); setTimeout(function(a, b){ print(a + b); }, 2, 1, 2);');
    runtime.run("try { setTimeout(42, 1); } catch (e) { print(e.type, e.message); }");
    await eventually(() => assert.equal(fixture.output, "Error Function or String not supplied!\nfrom a string\n3\n"));
  });

  it("ids are small integers; clearInterval(id) stops one interval; changeInterval keeps it running", async () => {
    const { runtime } = fixture;
    runtime.run('var ticks = 0; var one = setInterval(function(){ ticks++; }, 5); var two = setInterval(function(){}, 5); changeInterval(one, 2);');
    assert.deepEqual([runtime.evaluate("one"), runtime.evaluate("two")], [1, 2]);
    await sleep(30);
    assert.ok((runtime.evaluate("ticks") as number) > 0);
    runtime.run("clearInterval(one); clearInterval(two);");
    assert.equal(runtime.isIdle(), true);
  });
});
