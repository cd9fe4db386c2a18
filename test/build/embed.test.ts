// What the bundle holds of the broker's settings (scripts/build/embed.ts):
// the CONNECT packet the host writes with the device's codec reads back, in
// mqtt-packet, to the settings as given, whatever the text; the topic as its
// UTF-8 bytes; the check's certificates left to the device (absent), a
// broker's own kept, "none" kept as null; 0 for everyMs left out.
import assert from "node:assert/strict";
import fc from "fast-check";
import mqttPacket from "mqtt-packet";
import type { MqttConfig } from "../../app/config.ts";
import { connectBase64, embeddedConfig, embeddedMqtt, utf8Bytes } from "../../scripts/build/embed.ts";
import { appConfig } from "../support/run-app.ts";

const base: MqttConfig = { host: "broker.test", port: 8883, clientId: "device-01", topic: "espruino-tls-check/device-01/result", keepAlive: 60, everyMs: 0 };

function connectOf(hello: string): mqttPacket.IConnectPacket {
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  const packets: mqttPacket.Packet[] = [];
  parser.on("packet", (packet) => packets.push(packet));
  parser.on("error", (error) => assert.fail(error));
  assert.equal(parser.parse(Buffer.from(hello, "base64")), 0, "no bytes left over");
  assert.equal(packets.length, 1);
  return packets[0] as mqttPacket.IConnectPacket;
}

describe("embed: the broker as the bundle holds it", () => {
  it("the CONNECT packet reads back to the client id, keep-alive, user name and password as given, any text (property)", () => {
    const text = fc.string({ unit: "binary", minLength: 1, maxLength: 40 }).filter((value) => Buffer.from(value, "utf8").toString("utf8") === value);
    fc.assert(
      fc.property(text, fc.option(text, { nil: undefined }), fc.option(text, { nil: undefined }), fc.integer({ min: 0, max: 65535 }), (clientId, username, password, keepAlive) => {
        const connect = connectOf(connectBase64({ ...base, clientId, username, password: username === undefined ? undefined : password, keepAlive }));
        assert.equal(connect.clientId, clientId);
        assert.equal(connect.keepalive, keepAlive);
        assert.equal(connect.clean, true);
        assert.equal(connect.username, username);
        assert.equal(connect.password?.toString("utf8"), username === undefined ? undefined : password);
      }),
    );
  });

  it("holds the CONNECT packet and the topic's bytes instead of the client id, user name and password", () => {
    const embedded = embeddedMqtt({ ...base, clientId: "capteur-é", topic: "maison/capteur-é/€", username: "u", password: "SharedAccessSignature sr=x" });
    assert.deepEqual(Object.keys(embedded).sort(), ["hello", "host", "keepAlive", "port", "topic"]);
    assert.equal(embedded.topic, utf8Bytes("maison/capteur-é/€"));
    assert.equal(embedded.topic.length, Buffer.byteLength("maison/capteur-é/€"), "one character a byte");
    assert.equal(connectOf(embedded.hello).clientId, "capteur-é");
  });

  it("leaves the check's certificates to the device (absent), keeps the broker's own and none (null), and everyMs only when set", () => {
    assert.equal("ca" in embeddedMqtt(base), false);
    const own = embeddedMqtt({ ...base, ca: "MIIca", cert: "MIIcert", key: "MIIkey", everyMs: 60_000 });
    assert.deepEqual([own.ca, own.cert, own.key, own.everyMs], ["MIIca", "MIIcert", "MIIkey", 60_000]);
    assert.equal(embeddedMqtt({ ...base, ca: null }).ca, null);
    assert.equal("everyMs" in embeddedMqtt(base), false);
  });

  it("changes nothing else in the configuration, and nothing without a broker", () => {
    const config = appConfig({ url: "https://checker.test/a/check", mqtt: base });
    const embedded = embeddedConfig(config);
    assert.deepEqual({ ...embedded, mqtt: undefined }, { ...config, mqtt: undefined });
    const none = appConfig();
    assert.deepEqual(embeddedConfig(none), none);
  });
});
