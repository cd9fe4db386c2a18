// The publisher (app/publisher.ts) inside the device program, against the stub
// Espruino playing a check server and an MQTT broker (test/support/espruino-stub.ts):
// what is published, the RESULT's `report`, each way a broker can fail, and
// with everyMs the cycle, the keep-alive, the reconnection and memory.
import assert from "node:assert/strict";
import v8 from "node:v8";
import vm from "node:vm";
import mqttPacket from "mqtt-packet";
import type { AppConfig, EmbeddedConfig, MqttConfig } from "../../app/config.ts";
import { MQTT_DEFAULTS } from "../../app/config.ts";
import { espruinoPlatform } from "../../app/espruino.ts";
import { main } from "../../app/main.ts";
import { RETRY_MAX_MS, RETRY_MS, startPublisher } from "../../app/publisher.ts";
import type { CheckResult } from "../../app/report.ts";
import { createStub, howsmysslJson, httpResponse, resultOf, type BrokerScript, type ServerScript, type Stub, type StubOptions } from "../support/espruino-stub.ts";
import { appConfig } from "../support/run-app.ts";
import { embeddedConfig } from "../../scripts/build/embed.ts";

const BROKER_PORT = 8883;
const CA_B64 = Buffer.from("broker-or-check-ca").toString("base64");
const okCheck: ServerScript = { response: httpResponse(howsmysslJson()) };
/** The project's firmware refuses the probe's decoy CA (app/decoy.ts): verification shown. */
const decoyRefused: ServerScript = { handshakeError: "mbedtls_x509_crt_verify: not trusted (mbedtls_ssl_handshake returned -0x2700)" };

function mqtt(overrides: Partial<MqttConfig> = {}): MqttConfig {
  return { host: "broker.test", port: BROKER_PORT, clientId: "dev-1", topic: MQTT_DEFAULTS.topic("dev-1"), keepAlive: 60, everyMs: 0, ...overrides };
}

/** The configuration as the bundle holds it (the CONNECT packet built on the host). */
function config(mqttOverrides: Partial<MqttConfig> = {}, overrides: Partial<AppConfig> = {}): EmbeddedConfig {
  return embeddedConfig(appConfig({ ca: CA_B64, mqtt: mqtt(mqttOverrides), ...overrides }));
}

/** The check server's connections (the check, then the probe) and the broker's, told apart by port. */
function servers(broker: BrokerScript | ((index: number) => ServerScript), check: ServerScript = okCheck): StubOptions["server"] {
  let checks = 0;
  let brokers = 0;
  return (options) => {
    if (options.port === BROKER_PORT) return typeof broker === "function" ? broker(brokers++) : { broker };
    return checks++ % 2 === 0 ? check : decoyRefused;
  };
}

interface Run {
  stub: Stub;
  results: CheckResult[];
  /** Each RESULT printed so far. */
  printed(): Array<Record<string, unknown>>;
  brokerSockets(): Stub["sockets"];
}

/** Runs the program with the publisher on the fake clock, for `ms` (default: until nothing is left to do). */
function run(options: StubOptions, appConfigValue: EmbeddedConfig, ms?: number): Run {
  const stub = createStub(options);
  const results: CheckResult[] = [];
  main(appConfigValue, espruinoPlatform(stub.globals), null, (result) => results.push(result), startPublisher);
  stub.clock.run(ms);
  return {
    stub,
    results,
    printed: () => stub.output.filter((line) => line.startsWith("RESULT ")).map((line) => JSON.parse(line.slice(7))),
    brokerSockets: () => stub.sockets.filter((socket) => socket.options.port === BROKER_PORT),
  };
}

function once(broker: BrokerScript | ((index: number) => ServerScript), overrides: Partial<AppConfig> = {}, check?: ServerScript) {
  const outcome = run({ server: servers(broker, check) }, config({}, overrides));
  return { ...outcome, result: resultOf(outcome.stub.output), report: resultOf(outcome.stub.output).report! };
}

describe("publisher (device program with a broker, against stubbed Espruino)", () => {
  describe("one check, one publish", () => {
    it("publishes the RESULT as JSON at QoS 1 to the topic, then disconnects; the RESULT gains `report`", () => {
      const { stub, result, report, brokerSockets } = once({});
      const broker = brokerSockets();
      assert.equal(broker.length, 1);
      assert.deepEqual(
        broker[0].packets.map((packet) => packet.cmd),
        ["connect", "publish", "disconnect"],
      );
      const connect = broker[0].packets[0] as mqttPacket.IConnectPacket;
      assert.equal(connect.clientId, "dev-1");
      assert.equal(connect.keepalive, 60);
      assert.equal(connect.clean, true);
      const publish = broker[0].packets[1] as mqttPacket.IPublishPacket;
      assert.equal(publish.topic, "espruino-tls-check/dev-1/result");
      assert.equal(publish.qos, 1);
      const payload = JSON.parse((publish.payload as Buffer).toString("utf8"));
      assert.equal(payload.ok, true);
      assert.equal(payload.rating, result.rating);
      assert.equal(payload.report, undefined, "the publish outcome is not part of what is published");
      assert.deepEqual(Object.keys(report), ["broker", "topic", "published", "cert_verified", "ms"]);
      assert.equal(report.broker, "broker.test:8883");
      assert.equal(report.topic, "espruino-tls-check/dev-1/result");
      assert.equal(report.published, true);
      assert.equal(typeof report.ms, "number");
      assert.equal(broker[0].closed, true);
      assert.equal(stub.clock.pending, 0, "nothing left running");
    });

    it("connects to the broker with the check's CA, certificate and key unless it has its own, and null for none", () => {
      const cert = Buffer.from("client-cert").toString("base64");
      const key = Buffer.from("client-key").toString("base64");
      const own = Buffer.from("broker-ca").toString("base64");
      const shared = run({ server: servers({}) }, config({}, { cert, key })).brokerSockets()[0].options;
      assert.equal(shared.host, "broker.test");
      assert.equal(shared.port, 8883);
      assert.equal(shared.ca, "broker-or-check-ca");
      assert.equal(shared.cert, "client-cert");
      assert.equal(shared.key, "client-key");
      const separate = run({ server: servers({}) }, config({ ca: own, cert: null, key: null }, { cert, key })).brokerSockets()[0].options;
      assert.equal(separate.ca, "broker-ca");
      assert.equal(separate.cert, undefined);
      assert.equal(separate.key, undefined);
    });

    it("cert_verified follows the check's probe when a CA is pinned for the broker, and is false when none is", () => {
      assert.equal(once({}).report.cert_verified, true);
      const stock = run({ firmware: "stock", server: (o) => (o.port === BROKER_PORT ? { broker: {} } : okCheck) }, config());
      assert.equal((stock.printed()[0].report as Record<string, unknown>).cert_verified, false, "stock firmware accepts the decoy");
      const unpinned = run({ server: servers({}) }, config({ ca: null }));
      assert.equal((unpinned.printed()[0].report as Record<string, unknown>).cert_verified, false);
      assert.equal(unpinned.brokerSockets()[0].options.ca, undefined);
    });

    it("publishes a failed check too", () => {
      const { result, report, brokerSockets } = once({}, {}, { throws: "Unable to locate host" });
      assert.equal(result.ok, false);
      assert.equal(report.published, true);
      const payload = JSON.parse(((brokerSockets()[0].packets[1] as mqttPacket.IPublishPacket).payload as Buffer).toString());
      assert.equal(payload.error, "DNS");
    });

    it("sends the user name and password, and never prints the password", () => {
      const { stub, brokerSockets } = once({ connack: 4 }, { mqtt: mqtt({ username: "hub/dev-1/?api-version=2021-04-12", password: "SharedAccessSignature sr=x" }) });
      const connect = brokerSockets()[0].packets[0] as mqttPacket.IConnectPacket;
      assert.equal(connect.username, "hub/dev-1/?api-version=2021-04-12");
      assert.equal(connect.password?.toString(), "SharedAccessSignature sr=x");
      assert.ok(!stub.output.some((line) => line.includes("SharedAccessSignature")));
    });

    it("writes a non-ASCII client id and topic as UTF-8", () => {
      const { brokerSockets } = once({}, { mqtt: mqtt({ clientId: "capteur-é", topic: "maison/capteur-é/€" }) });
      assert.equal((brokerSockets()[0].packets[0] as mqttPacket.IConnectPacket).clientId, "capteur-é");
      assert.equal((brokerSockets()[0].packets[1] as mqttPacket.IPublishPacket).topic, "maison/capteur-é/€");
    });
  });

  describe("failures, each with a class, a detail and a hint", () => {
    const refusals: Array<[number, RegExp]> = [
      [1, /CONNACK 1: unacceptable protocol version/],
      [2, /CONNACK 2: identifier rejected/],
      [3, /CONNACK 3: server unavailable/],
      [4, /CONNACK 4: bad user name or password/],
      [5, /CONNACK 5: not authorised/],
    ];
    for (const [code, detail] of refusals) {
      it(`CONNACK ${code}: MQTT_REFUSED with the reason named`, () => {
        const { report, brokerSockets } = once({ connack: code });
        assert.equal(report.published, false);
        assert.equal(report.error, "MQTT_REFUSED");
        assert.match(String(report.detail), detail);
        assert.ok(String(report.hint).length > 5);
        assert.equal(report.cert_verified, undefined);
        assert.deepEqual(brokerSockets()[0].packets.map((packet) => packet.cmd), ["connect"], "nothing published");
        assert.equal(brokerSockets()[0].closed, true);
      });
    }

    const cases: Array<[string, BrokerScript | ((index: number) => ServerScript), string, RegExp, RegExp?]> = [
      ["a return code MQTT 3.1.1 does not define", { raw: "\x20\x02\x00\x06" }, "MQTT_PROTOCOL", /CONNACK 6/],
      ["a malformed CONNACK", { raw: "\x20\x03\x00\x00\x00" }, "MQTT_PROTOCOL", /bad packet 32,3/],
      ["a packet a publisher never gets", { raw: "\x30\x03\x00\x01t" }, "MQTT_PROTOCOL", /bad packet 48,3/],
      ["a PUBACK before the CONNACK", { raw: "\x40\x02\x00\x01" }, "MQTT_PROTOCOL", /unexpected packet 4/],
      ["a PUBACK for another packet id", { publish: "wrong-id" }, "MQTT_PROTOCOL", /unexpected packet 4/],
      ["a broker that accepts TLS and never sends CONNACK", { connack: "none" }, "TIMEOUT", /no CONNACK in 30 s/],
      ["a broker that never acknowledges the publish", { publish: "none" }, "TIMEOUT", /no PUBACK in 30 s/],
      ["a broker that hangs up after CONNECT (it refused the client certificate)", { connack: "close" }, "MQTT_REFUSED", /closed before CONNACK/, /client certificate/],
      ["a broker that hangs up on the PUBLISH (a topic its policy denies)", { publish: "close" }, "MQTT_REFUSED", /closed before PUBACK/, /ACL or policy/],
      ["a closed port", () => ({ throws: "Unable to create socket" }), "REFUSED", /create socket/],
      ["an unknown host", () => ({ throws: "Unable to locate host" }), "DNS", /locate host/],
      ["a broker that refuses the handshake (fatal alert)", () => ({ handshakeError: "mbedtls_ssl_handshake returned -0x7780" }), "TLS_HANDSHAKE", /-0x7780/, /client certificate/],
      ["a broker whose certificate the pinned CA does not sign", () => ({ handshakeError: "mbedtls_x509_crt_verify: The certificate is not correctly signed by the trusted CA (mbedtls_ssl_handshake returned -0x2700)" }), "CERT_VERIFY", /not correctly signed/],
    ];
    for (const [name, broker, code, detail, hint] of cases) {
      it(`${name}: ${code}`, () => {
        const { report, stub } = once(broker);
        assert.equal(report.published, false, JSON.stringify(report));
        assert.equal(report.error, code, JSON.stringify(report));
        assert.match(String(report.detail), detail);
        if (hint) assert.match(String(report.hint), hint);
        assert.equal(stub.clock.pending, 0, "nothing left running");
        assert.ok(stub.sockets.every((socket) => socket.closed), "every connection closed");
        assert.deepEqual(stub.unhandled, []);
      });
    }

    it("the hint for a refused handshake asks for a client certificate when none is configured", () => {
      const { report } = once(() => ({ handshakeError: "mbedtls_ssl_handshake returned -0x7780" }), { cert: null, key: null });
      assert.match(String(report.hint), /Add a client certificate/);
    });
  });

  describe("with everyMs: check and publish again and again", () => {
    const every = 60_000;

    it("publishes after each check on one connection, kept alive with PINGREQ between checks", () => {
      const outcome = run({ server: servers({}) }, config({ everyMs: every, keepAlive: 20 }), 10 * every + 5000);
      assert.equal(outcome.printed().length, 11, "a RESULT per cycle");
      assert.ok(outcome.printed().every((result) => (result.report as Record<string, unknown>).published === true));
      const broker = outcome.brokerSockets();
      assert.equal(broker.length, 1, "one connection");
      const cmds = broker[0].packets.map((packet) => packet.cmd);
      assert.equal(cmds.filter((cmd) => cmd === "publish").length, 11);
      assert.ok(cmds.filter((cmd) => cmd === "pingreq").length >= 50, "a PINGREQ every 10 s");
      const ids = broker[0].packets.filter((packet) => packet.cmd === "publish").map((packet) => packet.messageId);
      assert.deepEqual(ids, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    });

    it("a broker that stops answering PINGREQ is left, and opened again", () => {
      const outcome = run({ server: servers((index) => ({ broker: { pingresp: index > 0 } })) }, config({ everyMs: every, keepAlive: 20 }), every - 1000);
      assert.ok(outcome.stub.output.some((line) => /MQTT: TIMEOUT no PINGRESP; again in 2 s/.test(line)), outcome.stub.output.join("\n"));
      assert.equal(outcome.brokerSockets().length, 2);
      assert.equal(outcome.brokerSockets()[0].closed, true);
    });

    it("reconnects with growing waits when the broker goes away, and the next report arrives once it is back", () => {
      let down = false;
      const outcome = run(
        { server: servers(() => (down ? { throws: "Unable to create socket" } : { broker: {} })) },
        config({ everyMs: every }),
        every / 2,
      );
      // The broker restarts: its connection drops, and it refuses connections for a while.
      down = true;
      outcome.brokerSockets()[0].hangUp();
      outcome.stub.clock.run(every * 3);
      const waits = outcome.stub.output.filter((line) => line.startsWith("MQTT: ") && line.includes("again in")).map((line) => Number(/again in (\d+) s/.exec(line)![1]));
      assert.deepEqual(waits.slice(0, 5), [2, 4, 8, 16, 32], outcome.stub.output.join("\n"));
      assert.ok(Math.max(...waits) * 1000 <= RETRY_MAX_MS);
      const during = outcome.printed().slice(1);
      assert.ok(during.length >= 2);
      assert.ok(during.every((result) => (result.report as Record<string, unknown>).error === "REFUSED"));
      down = false;
      const before = outcome.printed().length;
      outcome.stub.clock.run(RETRY_MAX_MS + every * 2);
      const after = outcome.printed().slice(before);
      assert.ok(after.length >= 1);
      assert.equal((after[after.length - 1].report as Record<string, unknown>).published, true, "the next report arrives");
      assert.equal(RETRY_MS, 2000);
    });

    it("never opens the broker connection while a check runs (the handshake's uncaught error would be the check's)", () => {
      const opened: boolean[] = [];
      let brokers = 0;
      const stub: Stub = createStub({
        server: (options) => {
          if (options.port !== BROKER_PORT) return { ...okCheck, handshakeMs: 20_000 };
          opened.push(stub.sockets.some((socket) => socket.options.port !== BROKER_PORT && !socket.closed));
          return brokers++ % 5 === 4 ? { broker: {} } : { handshakeError: "mbedtls_ssl_handshake returned -0x7780" };
        },
      });
      main(config({ everyMs: 10_000 }, { probe: false }), espruinoPlatform(stub.globals), null, null, startPublisher);
      stub.clock.run(300_000);
      assert.ok(opened.length > 3);
      assert.ok(opened.every((during) => !during), JSON.stringify(opened));
    });

    it("memory does not grow from one cycle to the next: the same process.memory() at each RESULT, and each cycle's connections collected, over 2,000 cycles", async function () {
      this.timeout(120_000);
      v8.setFlagsFromString("--expose-gc");
      const gc = vm.runInNewContext("gc") as () => void;
      const stub = createStub({ server: servers({}), forget: true });
      // Every socket the program gets: were anything of a cycle kept (its closures, its response),
      // its socket would be kept with it, since every listener reaches it.
      let sockets = 0;
      let collected = 0;
      const registry = new FinalizationRegistry<void>(() => collected++);
      const tls = stub.globals.require("tls");
      const require = ((name: "tls") => {
        if (name !== "tls") return stub.globals.require(name);
        return {
          connect: (options: Parameters<typeof tls.connect>[0], onConnect: () => void) => {
            const socket = tls.connect(options, onConnect);
            registry.register(socket);
            sockets++;
            return socket;
          },
        };
      }) as typeof stub.globals.require;
      const usage: number[] = [];
      const pending: number[] = [];
      main(
        config({ everyMs: every, keepAlive: 60 }, { probe: false }),
        espruinoPlatform({ ...stub.globals, require }),
        null,
        () => {
          usage.push(stub.globals.process.memory().usage);
          pending.push(stub.clock.pending);
          stub.output.length = 0; // the test's own record of the output would grow
        },
        startPublisher,
      );
      stub.clock.run(2000 * (every + 1000));
      assert.ok(usage.length >= 2000, String(usage.length));
      assert.equal(new Set(usage.slice(1)).size, 1, "the same process.memory() usage at every RESULT");
      assert.ok(Math.max(...pending) <= 3, "timers do not pile up: " + Math.max(...pending));
      assert.equal(stub.sockets.length, 1, "only the broker connection is open");
      for (let i = 0; i < 10 && collected < sockets - 2; i++) {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      // Kept: the broker's connection, and the last check's (the program still holds its result).
      assert.ok(collected >= sockets - 2, `${sockets - collected} of ${sockets} sockets still held`);
    });
  });
});
