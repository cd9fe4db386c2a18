// The fleet view's settings: MQTT over TLS only, topic filters as MQTT 3.1.1
// defines them, the CA and client certificate read and checked like the
// device's, the password only from the environment and never in a message.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DEFAULT_TOPIC, parseBrokerUrl, resolveFleetOptions, topicFilterProblem, type FleetFlags } from "../../scripts/fleet/options.ts";
import { UsageError } from "../../scripts/lib/command.ts";
import { currentTime, daysAfter } from "../../scripts/lib/clock.ts";
import { createCa, issueLeaf, type Issued } from "../../scripts/certs/issue.ts";

describe("fleet: the broker URL", () => {
  it("mqtts://HOST[:PORT], 8883 by default", () => {
    assert.deepEqual(parseBrokerUrl("mqtts://broker.example"), { host: "broker.example", port: 8883, name: "broker.example:8883" });
    assert.deepEqual(parseBrokerUrl("mqtts://127.0.0.1:18883/"), { host: "127.0.0.1", port: 18883, name: "127.0.0.1:18883" });
    assert.deepEqual(parseBrokerUrl("MQTTS://[::1]:8884"), { host: "::1", port: 8884, name: "[::1]:8884" });
  });

  it("refuses plain MQTT with the reason, and anything but mqtts://", () => {
    assert.throws(() => parseBrokerUrl("mqtt://broker.example"), (error: Error) => error instanceof UsageError && /plain mqtt:\/\/ is refused: it would send every RESULT .* unencrypted.*use mqtts:\/\//.test(error.message));
    assert.throws(() => parseBrokerUrl("tcp://broker.example:1883"), /plain mqtt:\/\/ is refused/);
    assert.throws(() => parseBrokerUrl("https://broker.example"), /must be mqtts:\/\/HOST\[:PORT\]/);
    assert.throws(() => parseBrokerUrl("broker.example:8883"), /must be mqtts:\/\/HOST\[:PORT\]/);
    assert.throws(() => parseBrokerUrl("mqtts://broker.example/some/path"), /takes nothing after the port/);
    assert.throws(() => parseBrokerUrl("mqtts://:8883"), UsageError);
  });

  it("refuses a user name or password in the URL: it would show in the process list", () => {
    assert.throws(
      () => parseBrokerUrl("mqtts://fleet:hunter2@broker.example"),
      (error: Error) => /must not carry a user name or password .*MQTT_PASSWORD/.test(error.message) && !error.message.includes("hunter2"),
    );
  });
});

describe("fleet: topic filters", () => {
  it("takes MQTT 3.1.1 filters", () => {
    for (const filter of [DEFAULT_TOPIC, "#", "+", "a/+/+/b", "devices/+/messages/events/#", "a//b"]) assert.equal(topicFilterProblem(filter), null, filter);
  });

  it("says what is wrong with others", () => {
    assert.equal(topicFilterProblem(""), "must not be empty");
    assert.equal(topicFilterProblem("a/#/b"), '"#" must be a whole level, and the last');
    assert.equal(topicFilterProblem("a/b#"), '"#" must be a whole level, and the last');
    assert.equal(topicFilterProblem("a/+b"), '"+" must be a whole level');
    assert.equal(topicFilterProblem("a\0b"), "must not contain a NUL character");
  });
});

describe("fleet: settings from flags and the environment", function () {
  this.timeout(20_000);
  let dir: string;
  let ca: Issued;
  const file = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  const flags = (more: Partial<FleetFlags> = {}): FleetFlags => ({
    broker: "mqtts://127.0.0.1:18883",
    topic: DEFAULT_TOPIC,
    ca: path.join(dir, "ca.pem"),
    cert: path.join(dir, "fleet.pem"),
    key: path.join(dir, "fleet-key.pem"),
    failOn: "bad",
    webHost: "127.0.0.1",
    ...more,
  });
  const resolve = (more: Partial<FleetFlags> = {}, env: NodeJS.ProcessEnv = {}) => resolveFleetOptions(flags(more), env, currentTime());

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-options-"));
    ca = await createCa({ commonName: "Fleet Test CA", key: "ec-p256" });
    const fleet = await issueLeaf(ca, "client", { commonName: "fleet", key: "ec-p256" });
    const other = await issueLeaf(ca, "client", { commonName: "other", key: "ec-p256" });
    file("ca.pem", ca.certPem);
    file("fleet.pem", fleet.certPem);
    file("fleet-key.pem", fleet.keyPem);
    file("other-key.pem", other.keyPem);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("reads the CA and the client certificate; defaults as documented", () => {
    const { options, warnings } = resolve();
    assert.deepEqual(warnings, []);
    assert.equal(options.ca, ca.certPem);
    assert.match(options.cert!, /BEGIN CERTIFICATE/);
    assert.match(options.key!, /BEGIN PRIVATE KEY/);
    assert.equal(options.topic, DEFAULT_TOPIC);
    assert.equal(options.failOn, "bad");
    assert.equal(options.onceSeconds, null);
    assert.equal(options.web, null);
    assert.match(options.clientId, /^tls-check-fleet-[0-9a-f]{6}$/);
    assert.ok(options.clientId.length <= 23, "MQTT 3.1.1 brokers must take client ids of up to 23 characters");
    assert.equal(resolve({ failOn: "none" }).options.failOn, null);
    assert.deepEqual(resolve({ web: 0 }).options.web, { host: "127.0.0.1", port: 0 });
  });

  it("the password from MQTT_PASSWORD, only with a user name, and never in a complaint", () => {
    assert.equal(resolve({ username: "ops" }, { MQTT_PASSWORD: "s3cret-pass" }).options.password, "s3cret-pass");
    assert.throws(() => resolve({}, { MQTT_PASSWORD: "s3cret-pass" }), (error: Error) => /MQTT_PASSWORD is set but --username is not/.test(error.message) && !error.message.includes("s3cret"));
    assert.equal(resolve({ username: "ops" }, { MQTT_PASSWORD: "" }).options.password, undefined);
  });

  it("refuses what cannot work, naming the flag", () => {
    assert.throws(() => resolve({ broker: undefined }), /--broker mqtts:\/\/HOST\[:PORT\] is required/);
    assert.throws(() => resolve({ topic: "a/#/b" }), /--topic "a\/#\/b": "#" must be a whole level/);
    assert.throws(() => resolve({ expect: 3 }), /--expect goes with --once/);
    assert.throws(() => resolve({ once: 0 }), /--once takes a number from 1 to 86400/);
    assert.throws(() => resolve({ key: undefined }), /--cert and --key go together/);
    assert.throws(() => resolve({ ca: path.join(dir, "missing.pem") }), /--ca .*missing\.pem: no such file/);
    assert.throws(() => resolve({ clientId: "" }), /--client-id must not be empty/);
    assert.throws(() => resolve({ web: 70000 }), /--web takes a port from 0 to 65535/);
  });

  it("checks the certificates as the device's are checked: a CA past its end, a key from another pair", async () => {
    const now = currentTime();
    const expired = await createCa({ commonName: "Old CA", key: "ec-p256", notBefore: daysAfter(now, -30), notAfter: daysAfter(now, -1) });
    assert.throws(() => resolve({ ca: file("old-ca.pem", expired.certPem) }), /--ca .*old-ca\.pem: .*expired/);
    assert.throws(() => resolve({ key: path.join(dir, "other-key.pem") }), (error: Error) => /--cert .*: the private key does not belong to/.test(error.message) && !error.message.includes("PRIVATE KEY"));
    assert.throws(() => resolve({ ca: path.join(dir, "fleet.pem") }), /--ca .*fleet\.pem: .*not a CA certificate/);
  });
});
