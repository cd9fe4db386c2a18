import assert from "node:assert/strict";
import { DeviceClock } from "../../scripts/host/device-clock.ts";

describe("host device clock", () => {
  it("follows the host's time, moved by set(seconds)", () => {
    let host = new Date("2026-03-01T12:00:00Z");
    const clock = new DeviceClock(() => host);
    assert.equal(clock.now().toISOString(), "2026-03-01T12:00:00.000Z");
    clock.set(1000);
    assert.equal(clock.now().getTime(), 1_000_000);
    host = new Date(host.getTime() + 5000);
    assert.equal(clock.now().getTime(), 1_005_000, "it keeps running with the host's");
  });
});
