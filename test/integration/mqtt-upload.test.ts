// `npm run upload` to the virtual device with a broker configured, as a user
// runs it: the real espruino CLI stores the bundle on the virtual device
// (the host runtime behind an Espruino console on loopback), whose check runs
// against the local checker and publishes the RESULT to a real Mosquitto that
// requires client certificates (test/support/mosquitto.ts); Mosquitto's own
// subscriber, mosquitto_sub, reads the device's topic. Skipped where Mosquitto
// is not installed.
import assert from "node:assert/strict";
import { stopBlockingConnects } from "../../scripts/host/blocking-connect.ts";
import { startVirtualDevice, type VirtualDevice } from "../../scripts/host/device.ts";
import { DEVICE_TOPIC, startBrokerSetup, type BrokerSetup } from "../support/broker-setup.ts";
import { MOSQUITTO, mosquittoInstalled, receivedJson } from "../support/mosquitto.ts";
import { npmUpload, tail } from "../twin/support/upload.ts";

const UPLOAD_TIMEOUT_MS = 60_000;

describe("npm run upload to the virtual device, publishing to Mosquitto with mutual TLS", function () {
  this.timeout(UPLOAD_TIMEOUT_MS + 30_000);
  let setup: BrokerSetup | null = null;
  let device: VirtualDevice | null = null;

  before(async function () {
    if (!mosquittoInstalled()) {
      console.log(`    (skipped: ${MOSQUITTO} is not installed)`);
      this.skip();
    }
    setup = await startBrokerSetup();
  });

  beforeEach(async () => {
    if (setup) device = await startVirtualDevice({ port: 0 });
  });

  afterEach(async () => {
    await setup?.stopReaders();
    await device?.close();
    device = null;
  });

  after(async () => {
    await setup?.close();
    await stopBlockingConnects();
  });

  const upload = (cert: string, key: string) => npmUpload(setup!.uploadArgs(device!.url, cert, key), UPLOAD_TIMEOUT_MS);

  it("exits 0, and mosquitto_sub receives the RESULT JSON on the device's topic with \"ok\":true", async () => {
    const reader = await setup!.reader();
    const run = await upload(setup!.files.device, setup!.files.deviceKey);
    assert.equal(run.code, 0, tail(run.output));
    assert.equal(run.result?.report?.published, true, tail(run.output));
    assert.equal(run.result?.report?.topic, DEVICE_TOPIC);
    assert.equal(await reader.exited, 0, reader.stdout() + reader.stderr());
    const json = receivedJson(reader);
    assert.ok(json, reader.stdout());
    assert.match(json, /"ok":true/);
    const published = JSON.parse(json) as { ok: boolean; rating: string; cert_verified: boolean };
    assert.equal(published.rating, run.result?.rating);
    assert.equal(published.cert_verified, true);
  });

  it("a client certificate from another CA: \"published\":false with a class and a hint, exit 2", async () => {
    const run = await upload(setup!.files.stranger, setup!.files.strangerKey);
    assert.equal(run.code, 2, tail(run.output));
    assert.equal(run.result?.ok, true, "the check itself passed: only the broker asks for the certificate");
    const report = run.result?.report;
    assert.equal(report?.published, false, tail(run.output));
    assert.equal(report?.error, "TLS_HANDSHAKE");
    assert.match(String(report?.hint), /client certificate/);
    assert.match(run.output, /"published":false/);
  });
});
