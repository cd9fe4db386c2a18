// `npm run upload` to the virtual device with a broker configured, as a user
// runs it: the real espruino CLI stores the bundle on the virtual device
// (the host runtime behind an Espruino console on loopback), whose check runs
// against the local checker and publishes the RESULT to a real Mosquitto that
// requires client certificates (test/support/mosquitto.ts); Mosquitto's own
// subscriber, mosquitto_sub, reads the device's topic. Skipped where Mosquitto
// is not installed.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Checker, startChecker } from "../../scripts/checker/server.ts";
import { issueLeaf } from "../../scripts/certs/issue.ts";
import { stopProbe } from "../../scripts/host/blocking-connect.ts";
import { startVirtualDevice, type VirtualDevice } from "../../scripts/host/device.ts";
import type { FollowedChild } from "../support/run-script.ts";
import { MOSQUITTO, mosquittoInstalled, mosquittoSub, receivedJson, startTestMosquitto, type Mosquitto } from "../support/mosquitto.ts";
import { createTestPki, type TestPki } from "../support/tls-servers.ts";
import { npmUpload, tail } from "../twin/support/upload.ts";

const UPLOAD_TIMEOUT_MS = 60_000;
const TOPIC = "espruino-tls-check/device-01/result";

describe("npm run upload to the virtual device, publishing to Mosquitto with mutual TLS", function () {
  this.timeout(UPLOAD_TIMEOUT_MS + 30_000);
  let dir: string;
  let pki: TestPki;
  let broker: Mosquitto | null = null;
  let checker: Checker | null = null;
  let device: VirtualDevice | null = null;
  const files: Record<string, string> = {};
  const subscribers: FollowedChild[] = [];

  before(async function () {
    if (!mosquittoInstalled()) {
      console.log(`    (skipped: ${MOSQUITTO} is not installed)`);
      this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "mqtt-upload-"));
    pki = await createTestPki();
    const reader = await issueLeaf(pki.ca, "client", { commonName: "reader" });
    const stranger = await issueLeaf(pki.otherCa, "client", { commonName: "device-01" });
    const pems: Record<string, string> = {
      ca: pki.ca.certPem,
      device: pki.client.certPem,
      deviceKey: pki.client.keyPem,
      reader: reader.certPem,
      readerKey: reader.keyPem,
      stranger: stranger.certPem,
      strangerKey: stranger.keyPem,
    };
    for (const [name, text] of Object.entries(pems)) fs.writeFileSync((files[name] = path.join(dir, `${name}.pem`)), text);
    // An explicit, empty configuration file: a developer's app.config.json must not leak in.
    fs.writeFileSync((files.config = path.join(dir, "empty.config.json")), "{}\n");
    broker = await startTestMosquitto(pki);
    checker = await startChecker({ pki: { caPem: pki.ca.certPem, serverCertPem: pki.server.certPem, serverKeyPem: pki.server.keyPem } });
  });

  beforeEach(async () => {
    if (broker) device = await startVirtualDevice({ port: 0 });
  });

  afterEach(async () => {
    for (const subscriber of subscribers.splice(0)) {
      if (subscriber.child.exitCode === null) subscriber.child.kill("SIGKILL");
      await subscriber.exited;
    }
    await device?.close();
    device = null;
  });

  after(async () => {
    await checker?.close();
    await broker?.stop();
    await stopProbe();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const upload = (cert: string, key: string) =>
    npmUpload(
      ["--port", device!.url, "--config", files.config, "--url", checker!.url, "--ca", files.ca, "--mqtt", `mqtts://localhost:${broker!.port}`, "--mqtt-ca", files.ca, "--cert", cert, "--key", key],
      UPLOAD_TIMEOUT_MS,
    );

  it("exits 0, and mosquitto_sub receives the RESULT JSON on the device's topic with \"ok\":true", async () => {
    const subscriber = await mosquittoSub(broker!.port, { ca: files.ca, cert: files.reader, key: files.readerKey }, TOPIC);
    subscribers.push(subscriber);
    const run = await upload(files.device, files.deviceKey);
    assert.equal(run.code, 0, tail(run.output));
    assert.equal(run.result?.report?.published, true, tail(run.output));
    assert.equal(run.result?.report?.topic, TOPIC);
    assert.equal(await subscriber.exited, 0, subscriber.stdout() + subscriber.stderr());
    const json = receivedJson(subscriber);
    assert.ok(json, subscriber.stdout());
    assert.match(json, /"ok":true/);
    const published = JSON.parse(json) as { ok: boolean; rating: string; cert_verified: boolean };
    assert.equal(published.rating, run.result?.rating);
    assert.equal(published.cert_verified, true);
  });

  it("a client certificate from another CA: \"published\":false with a class and a hint, exit 2", async () => {
    const run = await upload(files.stranger, files.strangerKey);
    assert.equal(run.code, 2, tail(run.output));
    assert.equal(run.result?.ok, true, "the check itself passed: only the broker asks for the certificate");
    const report = run.result?.report;
    assert.equal(report?.published, false, tail(run.output));
    assert.equal(report?.error, "TLS_HANDSHAKE");
    assert.match(String(report?.hint), /client certificate/);
    assert.match(run.output, /"published":false/);
  });
});
