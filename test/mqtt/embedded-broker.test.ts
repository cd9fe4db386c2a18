// npm start's own broker (scripts/mqtt/embedded-broker.ts): mutual TLS for
// real (a client certificate from its CA is taken, one from another CA or
// none is refused in the handshake), MQTT 3.1.1 with QoS 1, and what is
// published on a topic reaches an in-process subscriber; and how npm start
// shows what arrived (scripts/mqtt/received.ts).
import assert from "node:assert/strict";
import tls from "node:tls";
import mqttPacket from "mqtt-packet";
import pc from "picocolors";
import { type EmbeddedBroker, startEmbeddedBroker } from "../../scripts/mqtt/embedded-broker.ts";
import { ReceivedView } from "../../scripts/mqtt/received.ts";
import { issueLeaf, type Issued } from "../../scripts/certs/issue.ts";
import { createTestPki, type TestPki } from "../support/tls-servers.ts";

/** Connects with `client`'s certificate, sends CONNECT and a QoS 1 PUBLISH; resolves with what the broker answered, or the TLS error. */
function publishAs(broker: EmbeddedBroker, pki: TestPki, client: Issued | null, topic: string, payload: string): Promise<string[]> {
  return new Promise((resolve) => {
    const answers: string[] = [];
    const socket = tls.connect({ host: "127.0.0.1", port: broker.port, ca: pki.ca.certPem, servername: "localhost", cert: client?.certPem, key: client?.keyPem }, () => {
      socket.write(mqttPacket.generate({ cmd: "connect", clientId: "device-01", protocolVersion: 4, clean: true, keepalive: 60 }));
      socket.write(mqttPacket.generate({ cmd: "publish", topic, payload, qos: 1, messageId: 7, dup: false, retain: false }));
    });
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    parser.on("packet", (packet) => {
      answers.push(packet.cmd === "connack" ? `connack ${packet.returnCode}` : packet.cmd);
      if (packet.cmd === "puback") socket.end();
    });
    socket.on("data", (data) => parser.parse(data));
    socket.on("error", (error) => answers.push(`error ${(error as NodeJS.ErrnoException).code ?? error.message}`));
    socket.on("close", () => resolve(answers));
  });
}

describe("npm start's own MQTT broker", function () {
  this.timeout(30_000);
  let pki: TestPki;
  let broker: EmbeddedBroker;

  before(async () => {
    pki = await createTestPki();
    broker = await startEmbeddedBroker({ caPem: pki.ca.certPem, serverCertPem: pki.server.certPem, serverKeyPem: pki.server.keyPem });
  });
  after(() => broker?.close());

  it("takes a client certificate from its CA: CONNACK 0, PUBACK, and the message reaches a subscriber", async () => {
    assert.match(broker.url, /^mqtts:\/\/localhost:\d+$/);
    const received: string[] = [];
    await broker.subscribe("espruino-tls-check/+/result", (message) => received.push(`${message.topic} ${message.payload.toString()}`));
    const answers = await publishAs(broker, pki, pki.client, "espruino-tls-check/device-01/result", '{"ok":true}');
    assert.deepEqual(answers, ["connack 0", "puback"]);
    assert.deepEqual(received, ['espruino-tls-check/device-01/result {"ok":true}']);
  });

  it("refuses a client certificate from another CA, and none, in the TLS handshake", async () => {
    const stranger = await issueLeaf(pki.otherCa, "client", { commonName: "device-01" });
    for (const client of [stranger, null]) {
      const answers = await publishAs(broker, pki, client, "espruino-tls-check/device-01/result", "{}");
      assert.ok(!answers.includes("puback"), answers.join());
      assert.ok(!answers.some((answer) => answer.startsWith("connack")), answers.join());
    }
  });

  it("shows what arrived as the fleet view's table: one row for the device, named by its client id; a payload that is no RESULT counted", () => {
    // Colours off whatever the environment says (CI may set FORCE_COLOR).
    const view = new ReceivedView("espruino-tls-check/kitchen-7/result", "kitchen-7", pc.createColors(false));
    const result = { ok: true, url: "u", rating: "Probably Okay", tls_version: "TLS 1.3", cert_verified: true, mem_peak: 2855, ms: 133, firmware: "2v29" };
    const lines = view.record("espruino-tls-check/kitchen-7/result", Buffer.from(JSON.stringify(result)));
    assert.match(lines[0], /device\s+last seen \(UTC\)\s+status\s+rating\s+TLS\s+verified\s+mem_peak\s+ms/);
    assert.match(lines[1], /^\s*kitchen-7\s+\S+\s+ok\s+Probably Okay\s+1\.3\s+yes\s+2855\s+133\s+1$/);
    assert.match(lines[2], /^1 device, 1 message$/);
    const more = view.record("espruino-tls-check/kitchen-7/result", Buffer.from("hello"));
    assert.match(more[more.length - 1], /^1 device, 2 messages, 1 malformed \(last: espruino-tls-check\/kitchen-7\/result: /);
  });
});
