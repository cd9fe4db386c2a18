import assert from "node:assert/strict";
import { Session } from "../../scripts/host/session.ts";

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe("host runtime session", () => {
  it("runs queued events in order, one pass at a time; a throwing event is reported and the rest still run", async () => {
    const seen: string[] = [];
    const session = new Session(
      (error) => seen.push(`uncaught ${(error as Error).message}`),
      () => seen.push("pass done"),
    );
    session.enqueue(() => seen.push("one"));
    session.enqueue(() => {
      throw new Error("boom");
    });
    session.enqueue(() => seen.push("three"));
    assert.equal(session.hasPendingWork(), true);
    await nextTurn();
    assert.deepEqual(seen, ["one", "uncaught boom", "three", "pass done"]);
    assert.equal(session.hasPendingWork(), false);
  });

  it("dispose drops queued events, timers and sockets, and takes no more", async () => {
    const seen: string[] = [];
    const session = new Session(() => {}, () => {});
    let destroyed = false;
    session.sockets.add({ destroy: () => (destroyed = true), memoryBlocks: () => 0 });
    session.timers.set(1, setTimeout(() => seen.push("timer"), 5));
    session.enqueue(() => seen.push("queued"));
    session.dispose();
    session.enqueue(() => seen.push("after"));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(seen, []);
    assert.equal(destroyed, true);
    assert.equal(session.hasPendingWork(), false);
  });
});
