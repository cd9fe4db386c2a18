// The fleet load bench's code path, small: a few devices with their own
// certificates publish at once to a real Mosquitto, and the fleet view (its
// real code, in a child) must list each exactly once, unchanged. No time is
// asserted; `npm run bench -- --fleet` runs the 300-device version by hand.
import assert from "node:assert/strict";
import { deviceResult, tally } from "../../scripts/fleet/bench.ts";
import type { DeviceRow } from "../../scripts/fleet/devices.ts";
import { MOSQUITTO, mosquittoInstalled } from "../support/mosquitto.ts";
import { runScriptToEnd } from "../support/run-script.ts";

const device = (i: number) => ({ clientId: `bench-${i}`, certPem: "", keyPem: "" });
const row = (i: number, messages = 1, result = deviceResult(i)) => ({ id: `bench-${i}`, messages, result }) as unknown as DeviceRow;

describe("fleet bench: counting what arrived", () => {
  it("tells lost, doubled and altered results apart", () => {
    const devices = [0, 1, 2, 3].map(device);
    assert.deepEqual(tally(devices, [row(0), row(1), row(2), row(3)]), { received: 4, lost: 0, doubled: 0, altered: 0 });
    assert.deepEqual(tally(devices, [row(0), row(2, 2), row(3, 1, { ...deviceResult(3), ms: 1 })]), { received: 3, lost: 1, doubled: 1, altered: 1 });
    assert.deepEqual(tally(devices, [row(0), row(1), row(2), row(3), row(9)]), { received: 4, lost: 0, doubled: 0, altered: 1 });
  });
});

describe("fleet bench: a few devices through a real Mosquitto", function () {
  this.timeout(60_000);

  before(function () {
    if (!mosquittoInstalled()) {
      console.log(`    (skipped: ${MOSQUITTO} is not installed)`);
      this.skip();
    }
  });

  it("every device's RESULT reaches the fleet view once and unchanged; the figures are printed", async () => {
    const run = await runScriptToEnd("fleet/bench", ["--devices", "5", "--timeout", "30", "--json"], { timeoutMs: 50_000 });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const figures = JSON.parse(run.stdout);
    assert.deepEqual(
      [figures.devices, figures.published, figures.received, figures.lost, figures.doubled, figures.altered, figures.fleet_view_exit],
      [5, 5, 5, 0, 0, 0, 0],
    );
    assert.ok(figures.fleet_view_peak_rss_mb > 0, "the fleet view's peak memory was reported");
    assert.ok(figures.ms_all_in_fleet_view >= 0, "the fleet view said it had them all");
  });
});
