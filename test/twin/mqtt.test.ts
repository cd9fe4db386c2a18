// The publisher on a real Espruino Linux executable (ESPRUINO_BIN): the
// bundle uploaded with `npm run upload -- ... --mqtt mqtts://localhost:PORT`
// to its --telnet console checks the local checker and publishes the RESULT
// to a real Mosquitto that requires client certificates (use the identity as
// user name, an ACL per device topic: test/support/mosquitto.ts);
// mosquitto_sub reads the device's topic. The same Mosquitto refuses a client
// certificate from another CA. The certificate goes to the broker only
// (--mqtt-cert): the check's server asks for none.
//
//   ESPRUINO_BIN=/path/to/espruino npm run test:twin
//
// Skipped, like the other twin tests, when ESPRUINO_BIN is unset; and when
// Mosquitto is not installed. Port 2323 must be free (support/espruino-linux.ts).
import assert from "node:assert/strict";
import { startBrokerSetup, type BrokerSetup } from "../support/broker-setup.ts";
import { mosquittoInstalled, receivedJson } from "../support/mosquitto.ts";
import { type FirmwareInfo, firmwareOf, startTelnetConsole, type TelnetConsole } from "./support/espruino-linux.ts";
import { npmUpload, tail, type UploadRun } from "./support/upload.ts";

const BIN = process.env.ESPRUINO_BIN;
const UPLOAD_TIMEOUT_MS = 90_000;

describe("twin: publishing each RESULT over MQTT with mutual TLS (ESPRUINO_BIN)", function () {
  this.timeout(UPLOAD_TIMEOUT_MS + 30_000);
  let info: FirmwareInfo;
  let setup: BrokerSetup | null = null;
  let espruino: TelnetConsole | null = null;

  before(async function () {
    if (!BIN || !mosquittoInstalled()) {
      console.log(`    twin MQTT tests skipped: ${BIN ? "Mosquitto is not installed" : "set ESPRUINO_BIN to an Espruino Linux executable"}`);
      this.skip();
    }
    info = await firmwareOf(BIN);
    if (info.firmware === "stock") {
      // Measured: the ASSERT of docs/espruino-behaviour.md ("Memory"), with or without the probe; phase 1 saw the same.
      console.log("    twin MQTT tests skipped on stock Espruino: its Linux build fails an ASSERT allocating a TLS context with a client certificate after the check's connection");
      this.skip();
    }
    setup = await startBrokerSetup();
  });

  // A fresh Espruino per test: a crash stays with its test, and Storage starts empty.
  beforeEach(async function () {
    if (!setup) this.skip();
    espruino = await startTelnetConsole(BIN!);
  });

  afterEach(async () => {
    await setup?.stopReaders();
    await espruino?.stop();
    espruino = null;
  });

  after(() => setup?.close());

  const upload = (cert: string, key: string): Promise<UploadRun> => npmUpload(setup!.uploadArgs(espruino!.port, cert, key, ["--mqtt-cert", "--mqtt-key"]), UPLOAD_TIMEOUT_MS);

  const where = (run: UploadRun) => `\n--- npm run upload (exit ${run.code}):\n${tail(run.output)}` + (espruino!.alive() ? "" : `\n--- Espruino exited:\n${tail(espruino!.output())}`);

  it("publishes the RESULT: exit 0, mosquitto_sub receives it on the device's topic with \"ok\":true; the broker verified", async () => {
    const reader = await setup!.reader();
    const run = await upload(setup!.files.device, setup!.files.deviceKey);
    console.log(`      ${info.board}: ${JSON.stringify(run.result?.report)}`);
    assert.equal(run.code, 0, where(run));
    const report = run.result?.report;
    assert.equal(report?.published, true, where(run));
    assert.equal(report?.cert_verified, true, "the twins verify the broker as they verify the check's server");
    assert.equal(await reader.exited, 0, reader.stdout());
    const json = receivedJson(reader);
    assert.match(json ?? "", /"ok":true/, reader.stdout());
    assert.equal(JSON.parse(json!).mem_peak, run.result?.mem_peak);
  });

  it("a client certificate from another CA: \"published\":false with the class and the client-certificate hint, exit 2", async () => {
    const run = await upload(setup!.files.stranger, setup!.files.strangerKey);
    console.log(`      ${info.board}: ${JSON.stringify(run.result?.report)}`);
    assert.equal(run.code, 2, where(run));
    const report = run.result?.report;
    assert.equal(report?.published, false, where(run));
    assert.equal(typeof report?.error, "string");
    assert.match(String(report?.hint), /client certificate/, JSON.stringify(report));
  });
});
