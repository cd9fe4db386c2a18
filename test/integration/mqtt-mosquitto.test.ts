// The real bundle in the host runtime publishes its RESULT to a real Mosquitto
// on loopback that requires client certificates (require_certificate,
// use_identity_as_username, an ACL that lets each device write only its own
// topic: test/support/mosquitto.ts), and meets each fault a broker can
// present: a certificate from another CA, a wrong password, a topic the ACL
// denies, a closed port, a broker that never answers, a broker restarted
// while the device checks again and again. Skipped where Mosquitto is not
// installed (Debian's package; .ci/run installs it).
import assert from "node:assert/strict";
import tls from "node:tls";
import mqttPacket from "mqtt-packet";
import { MQTT_DEFAULTS, type MqttConfig } from "../../app/config.ts";
import { startChecker } from "../../scripts/checker/server.ts";
import { buildBundle } from "../../scripts/build/bundle.ts";
import { pemToBase64 } from "../../scripts/certs/pem.ts";
import { issueLeaf, type Issued } from "../../scripts/certs/issue.ts";
import { createHostRuntime } from "../../scripts/host/runtime.ts";
import { runBundle } from "../../scripts/host/run-bundle.ts";
import { exitCodeFor, parseResultLine, type ResultJson } from "../../scripts/lib/result.ts";
import { MOSQUITTO, mosquittoInstalled, startTestMosquitto, type Mosquitto } from "../support/mosquitto.ts";
import { appConfig } from "../support/run-app.ts";
import { createTestPki, startTlsServer, type TestPki } from "../support/tls-servers.ts";
import { freePort } from "../support/ports.ts";

/** How long a test waits for a message it expects (the device's deadlines are shorter). */
const MESSAGE_WAIT_MS = 30_000;

/** A subscriber with its own client certificate (CN "reader"): resolves once subscribed; `next()` gives the next message. */
async function subscribe(port: number, pki: TestPki, reader: Issued, topic: string): Promise<{ next(): Promise<{ topic: string; payload: string }>; close(): void }> {
  const socket = tls.connect({ host: "127.0.0.1", port, ca: pki.ca.certPem, cert: reader.certPem, key: reader.keyPem, servername: "localhost" });
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  const messages: Array<{ topic: string; payload: string }> = [];
  const waiters: Array<() => void> = [];
  let subscribed: () => void = () => {};
  parser.on("packet", (packet) => {
    if (packet.cmd === "suback") subscribed();
    if (packet.cmd === "publish") {
      messages.push({ topic: packet.topic, payload: packet.payload.toString() });
      if (packet.qos === 1) socket.write(mqttPacket.generate({ cmd: "puback", messageId: packet.messageId! }));
      waiters.shift()?.();
    }
  });
  socket.on("data", (data) => parser.parse(data));
  await new Promise<void>((resolve, reject) => {
    subscribed = resolve;
    socket.on("error", reject);
    socket.on("secureConnect", () => {
      socket.write(mqttPacket.generate({ cmd: "connect", clientId: "reader", protocolVersion: 4, clean: true, keepalive: 60 }));
      socket.write(mqttPacket.generate({ cmd: "subscribe", messageId: 1, subscriptions: [{ topic, qos: 1 }] }));
    });
  });
  return {
    next: async () => {
      if (messages.length === 0) {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no message on ${topic} in ${MESSAGE_WAIT_MS / 1000} s`)), MESSAGE_WAIT_MS);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return messages.shift()!;
    },
    close: () => socket.destroy(),
  };
}

describe("publishing to a real Mosquitto with mutual TLS (host runtime)", function () {
  this.timeout(90_000);
  let pki: TestPki;
  let broker: Mosquitto | null = null;
  let reader: Issued;
  const closers: Array<() => unknown> = [];

  before(async function () {
    if (!mosquittoInstalled()) {
      console.log(`    (skipped: ${MOSQUITTO} is not installed)`);
      this.skip();
    }
    pki = await createTestPki();
    reader = await issueLeaf(pki.ca, "client", { commonName: "reader" });
    broker = await startTestMosquitto(pki);
    const checker = await startChecker({ pki: { caPem: pki.ca.certPem, serverCertPem: pki.server.certPem, serverKeyPem: pki.server.keyPem } });
    closers.push(() => checker.close());
    checkerUrl = checker.url;
  });
  let checkerUrl = "";

  after(async () => {
    for (const close of closers) await close();
    await broker?.stop();
  });

  function mqtt(overrides: Partial<MqttConfig> = {}): MqttConfig {
    return {
      host: "localhost",
      port: broker!.port,
      clientId: "device-01",
      topic: MQTT_DEFAULTS.topic("device-01"),
      keepAlive: MQTT_DEFAULTS.keepAlive,
      everyMs: 0,
      ...overrides,
    };
  }

  async function run(client: Issued, overrides: Partial<MqttConfig> = {}) {
    const config = appConfig({ url: checkerUrl, ca: pemToBase64(pki.ca.certPem), cert: pemToBase64(client.certPem), key: pemToBase64(client.keyPem), mqtt: mqtt(overrides) });
    const bundle = await buildBundle(config);
    assert.deepEqual(bundle.problems, []);
    return runBundle(bundle.code, { timeoutMs: 60_000 });
  }

  it("publishes the RESULT with the device's certificate; a subscriber receives it on the device's topic", async () => {
    const subscriber = await subscribe(broker!.port, pki, reader, "espruino-tls-check/+/result");
    closers.push(() => subscriber.close());
    const outcome = await run(pki.client);
    assert.equal(outcome.timedOut, false, outcome.lines.join("\n"));
    const result = outcome.result as unknown as Record<string, unknown>;
    assert.equal(result.ok, true, outcome.lines.join("\n"));
    const report = result.report as Record<string, unknown>;
    assert.equal(report.published, true, outcome.lines.join("\n"));
    assert.equal(report.cert_verified, true);
    assert.equal(report.topic, "espruino-tls-check/device-01/result");
    assert.equal(report.broker, "localhost:" + broker!.port);
    const message = await subscriber.next();
    assert.equal(message.topic, "espruino-tls-check/device-01/result");
    const published = JSON.parse(message.payload) as Record<string, unknown>;
    assert.equal(published.ok, true);
    assert.equal(published.rating, result.rating);
    assert.equal(published.report, undefined, "the publish outcome is not part of what is published");
  });

  it("a topic the ACL denies: Mosquitto still sends PUBACK to an MQTT 3.1.1 client, so the device reports published and nobody receives it", async () => {
    const subscriber = await subscribe(broker!.port, pki, reader, "espruino-tls-check/#");
    closers.push(() => subscriber.close());
    const denied = await run(pki.client, { topic: "espruino-tls-check/someone-else/result" });
    const report = (denied.result as unknown as Record<string, unknown>).report as Record<string, unknown>;
    assert.equal(report.published, true, "MQTT 3.1.1 has no way to say no to a PUBLISH");
    // The next message the subscriber gets is the allowed one that followed: the denied one was dropped.
    await run(pki.client);
    assert.equal((await subscriber.next()).topic, "espruino-tls-check/device-01/result");
  });

  it("a client certificate from another CA: not published, a handshake failure with the client-certificate hint", async () => {
    const stranger = await issueLeaf(pki.otherCa, "client", { commonName: "device-01" });
    // The check's own server (the checker) does not ask for a certificate: only the broker refuses it.
    const outcome = await run(stranger);
    const report = (outcome.result as unknown as Record<string, unknown>).report as Record<string, unknown>;
    assert.equal(report.published, false, outcome.lines.join("\n"));
    assert.equal(report.error, "TLS_HANDSHAKE");
    assert.match(String(report.hint), /client certificate/, JSON.stringify(report));
    assert.equal(exitCodeFor(outcome.result), 2, "npm start and upload exit 2");
  });

  it("a wrong password (a broker that checks user name and password): not published, MQTT_REFUSED with the CONNACK reason named; Mosquitto says 5, not 4", async () => {
    const checking = await startTestMosquitto(pki, { passwords: { "device-01": "right-password" } });
    try {
      const outcome = await run(pki.client, { port: checking.port, username: "device-01", password: "wrong-password" });
      const report = outcome.result!.report!;
      assert.equal(report.published, false, outcome.lines.join("\n"));
      assert.equal(report.error, "MQTT_REFUSED");
      assert.equal(report.detail, "CONNACK 5: not authorised");
      assert.match(String(report.hint), /credentials/);
      assert.ok(!outcome.lines.join("\n").includes("wrong-password"), "the password is never printed");
      assert.equal(exitCodeFor(outcome.result), 2);
      const right = await run(pki.client, { port: checking.port, username: "device-01", password: "right-password" });
      assert.equal(right.result?.report?.published, true, right.lines.join("\n"));
    } finally {
      await checking.stop();
    }
  });

  it("a closed broker port: not published, REFUSED", async () => {
    const outcome = await run(pki.client, { port: await freePort() });
    assert.ok(outcome.result, outcome.lines.join("\n"));
    const report = (outcome.result as unknown as Record<string, unknown>).report as Record<string, unknown>;
    assert.equal(report.published, false);
    assert.equal(report.error, "REFUSED");
  });

  it("checking every second, the broker restarted: the device reconnects and the next report arrives", async () => {
    const config = appConfig({
      url: checkerUrl,
      ca: pemToBase64(pki.ca.certPem),
      cert: pemToBase64(pki.client.certPem),
      key: pemToBase64(pki.client.keyPem),
      probe: false,
      mqtt: mqtt({ everyMs: 1000 }),
    });
    const bundle = await buildBundle(config);
    let output = "";
    const runtime = createHostRuntime({ write: (text) => (output += text) });
    closers.push(() => runtime.close());
    const before = await subscribe(broker!.port, pki, reader, "espruino-tls-check/device-01/result");
    runtime.run(bundle.code, "app.js");
    const first = JSON.parse((await before.next()).payload) as ResultJson;
    assert.equal(first.ok, true, output);
    before.close();
    await broker!.restart();
    const after = await subscribe(broker!.port, pki, reader, "espruino-tls-check/device-01/result");
    closers.push(() => after.close());
    const next = JSON.parse((await after.next()).payload) as ResultJson;
    assert.equal(next.ok, true);
    runtime.close();
    const results = output.split("\n").map(parseResultLine).filter((result) => result !== null);
    assert.ok(results.some((result) => result.report?.published === true), output);
    assert.match(output, /MQTT: \w+ .*; again in 2 s/, "the lost connection is said, and opened again after the first wait");
  });
});

describe("publishing to a broker that accepts TLS and never answers (host runtime)", function () {
  this.timeout(60_000);

  it("TIMEOUT: no CONNACK within the deadline", async () => {
    const pki = await createTestPki();
    // A TLS server that waits for an HTTP head: to an MQTT client it accepts TLS and stays silent.
    const silent = await startTlsServer({ cert: pki.server, answer: { kind: "stall" } });
    try {
      const mqtt: MqttConfig = { host: "127.0.0.1", port: silent.port, clientId: "device-01", topic: "t", keepAlive: 60, everyMs: 0 };
      // No check server: the check fails at once (a closed port), and its RESULT is published all the same.
      const config = appConfig({ url: `https://127.0.0.1:${await freePort()}/a/check`, ca: pemToBase64(pki.ca.certPem), deadlineMs: 2000, mqtt });
      const outcome = await runBundle((await buildBundle(config)).code, { timeoutMs: 30_000 });
      const result = outcome.result as unknown as Record<string, unknown>;
      assert.equal(result.error, "REFUSED");
      const report = result.report as Record<string, unknown>;
      assert.equal(report.published, false, outcome.lines.join("\n"));
      assert.equal(report.error, "TIMEOUT");
      assert.match(String(report.detail), /no CONNACK in 2 s/);
    } finally {
      await silent.close();
    }
  });
});
