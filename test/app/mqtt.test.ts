// The device's MQTT codec (app/mqtt.ts) against the reference, mqtt-packet
// (the codec of the `mqtt` package): what the device writes from the bytes
// the host gives it (any text, as UTF-8: scripts/build/embed.ts), mqtt-packet
// reads to the same fields; what a broker writes (mqtt-packet), the device reads
// however it is split; and no input makes the device's reader throw or hang.
import assert from "node:assert/strict";
import fc from "fast-check";
import mqttPacket from "mqtt-packet";
import { CONNACK, connectPacket, createReader, DISCONNECT, PINGREQ, PINGRESP, PUBACK, publishPacket } from "../../app/mqtt.ts";
import { utf8Bytes } from "../../scripts/build/embed.ts";

/** The one packet mqtt-packet reads from a binary string, which must be whole and alone. */
function decode(binary: string): mqttPacket.Packet {
  assert.ok(/^[\x00-\xff]*$/.test(binary), "one byte per character");
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  const packets: mqttPacket.Packet[] = [];
  parser.on("packet", (packet) => packets.push(packet));
  parser.on("error", (error) => assert.fail(error));
  const left = parser.parse(Buffer.from(binary, "latin1"));
  assert.equal(left, 0, "no bytes left over");
  assert.equal(packets.length, 1);
  return packets[0];
}

/** Text with any Unicode scalar value (no lone surrogates: they have no UTF-8). */
const text = (maxLength: number) => fc.string({ unit: "binary", maxLength });
const wellFormed = (value: string) => Buffer.from(value, "utf8").toString("utf8") === value;

describe("mqtt codec (device) against mqtt-packet", () => {
  describe("what the device writes, mqtt-packet reads to the same fields", () => {
    it("CONNECT from the host's UTF-8 bytes: client id, keep-alive, clean session, user name and password when given (property)", () => {
      fc.assert(
        fc.property(
          text(40).filter(wellFormed),
          fc.integer({ min: 0, max: 65535 }),
          fc.option(text(40).filter(wellFormed), { nil: undefined }),
          fc.option(text(300).filter(wellFormed), { nil: undefined }),
          (clientId, keepAlive, username, password) => {
            const bytes = (value: string | undefined) => (value === undefined ? undefined : utf8Bytes(value));
            const packet = decode(connectPacket(utf8Bytes(clientId), keepAlive, bytes(username), bytes(password))) as mqttPacket.IConnectPacket;
            assert.equal(packet.cmd, "connect");
            assert.equal(packet.protocolId, "MQTT");
            assert.equal(packet.protocolVersion, 4);
            assert.equal(packet.clean, true);
            assert.equal(packet.keepalive, keepAlive);
            assert.equal(packet.clientId, clientId);
            assert.equal(packet.username, username);
            // A password goes only with a user name (MQTT 3.1.1, 3.1.2.9).
            assert.equal(packet.password?.toString("utf8"), username === undefined ? undefined : password);
            assert.equal(packet.will, undefined);
          },
        ),
      );
    });

    it("PUBLISH at QoS 1 of bytes: topic, packet id and payload, also past 127 and 16383 bytes (property)", () => {
      const payloads = fc.oneof(
        text(200).filter(wellFormed),
        fc.constantFrom(127, 128, 16383, 16384, 70000).map((size) => "x".repeat(size - 2) + "\u00e9"),
      );
      fc.assert(
        fc.property(text(80).filter((topic) => topic.length > 0 && wellFormed(topic)), payloads, fc.integer({ min: 1, max: 65535 }), (topic, payload, id) => {
          const packet = decode(publishPacket(utf8Bytes(topic), utf8Bytes(payload), id)) as mqttPacket.IPublishPacket;
          assert.equal(packet.cmd, "publish");
          assert.equal(packet.qos, 1);
          assert.equal(packet.dup, false);
          assert.equal(packet.retain, false);
          assert.equal(packet.topic, topic);
          assert.equal(packet.messageId, id);
          assert.equal((packet.payload as Buffer).toString("utf8"), payload);
        }),
        { numRuns: 200 },
      );
    });

    it("a payload of 2 MB (a four-byte remaining length)", () => {
      const payload = "y".repeat(2_097_152);
      const packet = decode(publishPacket("t", payload, 7)) as mqttPacket.IPublishPacket;
      assert.equal((packet.payload as Buffer).length, payload.length);
    });

    it("PINGREQ and DISCONNECT", () => {
      assert.equal(decode(PINGREQ).cmd, "pingreq");
      assert.equal(decode(DISCONNECT).cmd, "disconnect");
    });
  });

  describe("what a broker writes (mqtt-packet), the device reads however it is split", () => {
    type Expected = [number, number, number];
    const brokerPacket = fc.oneof(
      fc.record({ cmd: fc.constant("connack" as const), returnCode: fc.integer({ min: 0, max: 5 }), sessionPresent: fc.boolean() }),
      fc.record({ cmd: fc.constant("puback" as const), messageId: fc.integer({ min: 1, max: 65535 }) }),
      fc.record({ cmd: fc.constant("pingresp" as const) }),
    );
    function expected(packet: mqttPacket.Packet): Expected {
      if (packet.cmd === "connack") return [CONNACK, packet.sessionPresent ? 1 : 0, packet.returnCode!];
      if (packet.cmd === "puback") return [PUBACK, packet.messageId! >> 8, packet.messageId! & 0xff];
      return [PINGRESP, NaN, NaN];
    }
    function readAll(pieces: string[]): { packets: Expected[]; problem: string | null } {
      const packets: Expected[] = [];
      const read = createReader((type, a, b) => packets.push(type === PINGRESP ? [type, NaN, NaN] : [type, a, b]));
      let problem: string | null = null;
      for (const piece of pieces) problem = read(piece);
      return { packets, problem };
    }

    it("every CONNACK, PUBACK and PINGRESP, split at every byte boundary", () => {
      const packets = [
        ...[0, 1, 2, 3, 4, 5].map((returnCode) => ({ cmd: "connack" as const, returnCode, sessionPresent: returnCode === 0 })),
        { cmd: "puback" as const, messageId: 1 },
        { cmd: "puback" as const, messageId: 0x1234 },
        { cmd: "puback" as const, messageId: 65535 },
        { cmd: "pingresp" as const },
      ];
      const bytes = packets.map((packet) => mqttPacket.generate(packet).toString("latin1")).join("");
      for (let cut = 0; cut <= bytes.length; cut++) {
        for (let second = cut; second <= bytes.length; second++) {
          const outcome = readAll([bytes.slice(0, cut), bytes.slice(cut, second), bytes.slice(second)]);
          assert.equal(outcome.problem, null);
          assert.deepEqual(outcome.packets, packets.map(expected), `cut at ${cut} and ${second}`);
        }
      }
    });

    it("any sequence of them, in any pieces (property)", () => {
      fc.assert(
        fc.property(fc.array(brokerPacket, { minLength: 1, maxLength: 20 }), fc.array(fc.integer({ min: 0, max: 100 })), (packets, cuts) => {
          const bytes = packets.map((packet) => mqttPacket.generate(packet).toString("latin1")).join("");
          const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
          const pieces = [0, ...points].map((from, i, all) => bytes.slice(from, all[i + 1] ?? bytes.length));
          const outcome = readAll(pieces);
          assert.equal(outcome.problem, null);
          assert.deepEqual(outcome.packets, packets.map(expected));
        }),
      );
    });

    it("refuses what a publisher never gets, a wrong length and bad CONNACK flags, and then reads nothing", () => {
      const cases: Array<[string, string]> = [
        [mqttPacket.generate({ cmd: "publish", topic: "t", payload: "x", qos: 0, dup: false, retain: false }).toString("latin1"), "bad packet 48,4"],
        [mqttPacket.generate({ cmd: "suback", messageId: 1, granted: [0] }).toString("latin1"), "bad packet 144,3"],
        ["\x20\x03\x00\x00\x00", "bad packet 32,3"],
        ["\x20\x02\x02\x00", "bad packet 32,2"],
        ["\x41\x02\x00\x01", "bad packet 65,2"],
        ["\xd0\x01\x00", "bad packet 208,1"],
      ];
      for (const [bytes, problem] of cases) {
        const outcome = readAll([bytes, mqttPacket.generate({ cmd: "pingresp" }).toString("latin1")]);
        assert.equal(outcome.problem, problem, JSON.stringify(bytes));
        assert.deepEqual(outcome.packets, []);
      }
    });

    it("random bytes never throw and never report more packets than two bytes each could hold (property)", () => {
      fc.assert(
        fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 40 }), (chunks) => {
          let calls = 0;
          let total = 0;
          const read = createReader(() => calls++);
          let problem: string | null = null;
          for (const chunk of chunks) {
            total += chunk.length;
            const result = read(Buffer.from(chunk).toString("latin1"));
            if (problem) assert.equal(result, problem, "a problem stays");
            problem = result;
          }
          assert.ok(calls <= total / 2, "each packet is at least two bytes");
        }),
        { numRuns: 500 },
      );
    });

    it("does the same small work for each byte: a megabyte one byte at a time", () => {
      const pingresp = mqttPacket.generate({ cmd: "pingresp" }).toString("latin1");
      let calls = 0;
      const read = createReader(() => calls++);
      const bytes = pingresp.repeat(1 << 19);
      for (let i = 0; i < bytes.length; i++) assert.equal(read(bytes[i]), null);
      assert.equal(calls, 1 << 19);
    });
  });
});
