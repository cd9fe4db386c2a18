import assert from "node:assert/strict";
import { EventListeners } from "../../scripts/host/event-listeners.ts";

describe("host event listener lists", () => {
  it("keeps functions in the order added, ignores anything else, and hands out copies", () => {
    const listeners = new EventListeners();
    const first = (): void => {};
    const second = (): void => {};
    listeners.add("x", first);
    listeners.add("x", "not a function");
    listeners.add("x", second);
    const list = listeners.of("x");
    assert.deepEqual(list, [first, second]);
    list.pop();
    assert.deepEqual(listeners.of("x"), [first, second]);
    assert.deepEqual(listeners.of("y"), []);
  });

  it("removes one listener, one event's or every event's", () => {
    const listeners = new EventListeners();
    const first = (): void => {};
    listeners.add("x", first);
    listeners.add("x", () => {});
    listeners.add("y", first);
    listeners.remove("x", first);
    assert.equal(listeners.of("x").length, 1);
    assert.equal(listeners.removeAll("x"), true);
    assert.deepEqual(listeners.of("x"), []);
    listeners.removeAll();
    assert.deepEqual(listeners.of("y"), []);
  });
});
