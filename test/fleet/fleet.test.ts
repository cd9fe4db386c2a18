// npm run fleet as a user runs it (a child process) against a real Mosquitto
// on loopback that requires client certificates, takes each certificate's
// common name as the user name and lets each device write only its own
// topic. Devices publish with the real bundle in the host runtime, or with the
// device's own codec over real TLS (scripts/fleet/simulated-device.ts).
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { MQTT_DEFAULTS } from "../../app/config.ts";
import { publishAsDevice, resultTopic, type BrokerEndpoint } from "../../scripts/fleet/simulated-device.ts";
import { startChecker } from "../../scripts/checker/server.ts";
import { buildBundle } from "../../scripts/build/bundle.ts";
import { pemToBase64 } from "../../scripts/certs/pem.ts";
import { issueLeaf, type Issued } from "../../scripts/certs/issue.ts";
import { runBundle } from "../../scripts/host/run-bundle.ts";
import { MOSQUITTO, mosquittoInstalled, startTestMosquitto, type Mosquitto } from "../support/mosquitto.ts";
import { plainEnv } from "../support/plain-env.ts";
import { appConfig } from "../support/run-app.ts";
import { exitCode, killAllFollowed, runScript, runScriptToEnd, type FollowedChild } from "../support/run-script.ts";
import { createTestPki, type TestPki } from "../support/tls-servers.ts";
import { freePort } from "../support/ports.ts";

const GOOD = { ok: true, url: "https://checker.test/a/check", tls_version: "TLS 1.3", rating: "Probably Okay", cert_verified: true, ms: 640, mem_peak: 1759, firmware: "2v29" };

describe("npm run fleet against a real Mosquitto with mutual TLS", function () {
  this.timeout(90_000);
  let pki: TestPki;
  let broker: Mosquitto | null = null;
  let dir: string;
  let endpoint: BrokerEndpoint;
  let checkerUrl = "";
  let closeChecker: () => Promise<void> = async () => {};
  const devices = new Map<string, Issued>();

  /** A device's own certificate (its common name is its id), made once. */
  async function device(id: string): Promise<{ clientId: string; certPem: string; keyPem: string }> {
    if (!devices.has(id)) devices.set(id, await issueLeaf(pki.ca, "client", { commonName: id, key: "ec-p256" }));
    const issued = devices.get(id)!;
    return { clientId: id, certPem: issued.certPem, keyPem: issued.keyPem };
  }
  const publish = async (id: string, payload: unknown, topic = resultTopic(id)) =>
    publishAsDevice(endpoint, await device(id), topic, typeof payload === "string" ? payload : JSON.stringify(payload));
  const file = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  const tlsFlags = () => ["--ca", path.join(dir, "ca.pem"), "--cert", path.join(dir, "fleet.pem"), "--key", path.join(dir, "fleet-key.pem")];
  const brokerUrl = () => `mqtts://127.0.0.1:${broker!.port}`;

  /** Starts the fleet view and waits until it is subscribed. */
  async function startFleet(args: string[], env?: NodeJS.ProcessEnv): Promise<FollowedChild> {
    const fleet = runScript("fleet", ["--broker", brokerUrl(), ...tlsFlags(), ...args], plainEnv(env));
    await fleet.waitFor("stderr", /subscribed to espruino-tls-check\/\+\/result/);
    return fleet;
  }

  before(async function () {
    if (!mosquittoInstalled()) {
      console.log(`    (skipped: ${MOSQUITTO} is not installed)`);
      this.skip();
    }
    pki = await createTestPki();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-test-"));
    const fleet = await issueLeaf(pki.ca, "client", { commonName: "fleet", key: "ec-p256" });
    const stranger = await issueLeaf(pki.otherCa, "client", { commonName: "fleet", key: "ec-p256" });
    file("ca.pem", pki.ca.certPem);
    file("other-ca.pem", pki.otherCa.certPem);
    file("fleet.pem", fleet.certPem);
    file("fleet-key.pem", fleet.keyPem);
    file("stranger.pem", stranger.certPem);
    file("stranger-key.pem", stranger.keyPem);
    broker = await startTestMosquitto(pki, ["fleet"]);
    endpoint = { host: "127.0.0.1", port: broker.port, caPem: pki.ca.certPem };
    const checker = await startChecker({ pki: { caPem: pki.ca.certPem, serverCertPem: pki.server.certPem, serverKeyPem: pki.server.keyPem } });
    checkerUrl = checker.url;
    closeChecker = () => checker.close();
  });

  afterEach(() => killAllFollowed());
  after(async () => {
    await closeChecker();
    await broker?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("--once --json lists each device with its rating and cert_verified, marks the unverified and the Bad ones, counts the malformed, exits 3", async () => {
    const fleet = await startFleet(["--once", "60", "--expect", "3", "--json"]);
    await publish("device-04", "garbage");
    // The ACL lets a device write only its own topic: this one never arrives.
    await publish("device-05", GOOD, resultTopic("device-06"));
    await publish("device-02", { ...GOOD, rating: "Bad", tls_version: "TLS 1.2" });
    await publish("device-03", { ...GOOD, cert_verified: false });
    // The real bundle, as a board would run it, publishing as device-01.
    const config = appConfig({ url: checkerUrl, ca: pemToBase64(pki.ca.certPem), cert: pemToBase64(pki.client.certPem), key: pemToBase64(pki.client.keyPem) });
    const mqtt = { host: "localhost", port: broker!.port, clientId: "device-01", topic: MQTT_DEFAULTS.topic("device-01"), keepAlive: 60, everyMs: 0 };
    const outcome = await runBundle((await buildBundle({ ...config, mqtt })).code, { timeoutMs: 60_000 });
    assert.equal((outcome.result?.report as { published?: boolean } | undefined)?.published, true, outcome.lines.join("\n"));

    assert.equal(await exitCode(fleet, 30_000), 3, fleet.stderr());
    const document = JSON.parse(fleet.stdout());
    assert.deepEqual(document.devices.map((row: { id: string }) => row.id), ["device-01", "device-02", "device-03"]);
    const [one, two, three] = document.devices;
    const published = { ...outcome.result } as Record<string, unknown>;
    delete published.report;
    assert.deepEqual(one.result, published, "what the fleet lists is what the device published");
    assert.equal(one.ok, true);
    assert.equal(one.cert_verified, true);
    assert.equal(one.rating, outcome.result!.rating);
    assert.equal(one.tls_version, outcome.result!.tls_version);
    assert.deepEqual(one.attention, outcome.result!.rating === "Bad" ? ["rating"] : []);
    assert.equal(one.messages, 1);
    assert.deepEqual([two.rating, two.attention], ["Bad", ["rating"]]);
    assert.deepEqual([three.cert_verified, three.attention], [false, ["unverified"]]);
    assert.deepEqual(document.malformed.count, 1);
    assert.deepEqual(document.malformed.recent[0].topic, "espruino-tls-check/device-04/result");
    assert.deepEqual(document.malformed.recent[0].reason, "not JSON");
    assert.equal(document.summary.messages, 4);
    assert.match(fleet.stderr(), /malformed message 1 on espruino-tls-check\/device-04\/result: not JSON/);
    assert.match(fleet.stderr(), /device-02 \(rated Bad\), device-03 \(unverified\)/);
    assert.doesNotMatch(fleet.stderr(), /\n\s+at /, "no stack trace");
  });

  it("all well: the table and exit 0; MQTT_PASSWORD is used and never printed", async () => {
    const fleet = await startFleet(["--once", "60", "--expect", "1", "--username", "ops"], { MQTT_PASSWORD: "pa55-w0rd-never-shown" });
    await publish("device-07", GOOD);
    assert.equal(await exitCode(fleet, 30_000), 0, fleet.stderr());
    assert.match(fleet.stdout(), /^\s+device\s+last seen \(UTC\)\s+status\s+rating/m);
    assert.match(fleet.stdout(), /^\s+device-07\s+\d\d:\d\d:\d\d\s+ok\s+Probably Okay\s+1\.3\s+yes\s+1759\s+640\s+1$/m);
    assert.match(fleet.stderr(), /1 device, 1 message/);
    assert.ok(!(fleet.stdout() + fleet.stderr()).includes("pa55"), "the password is not printed");
  });

  it("live --json: a line per update and per malformed message, on through a broker restart (the next report arrives), Ctrl-C ends it", async () => {
    const fleet = await startFleet(["--json"]);
    await publish("device-08", GOOD);
    await publish("device-08", "{\"ok\":");
    await fleet.waitFor("stdout", /"event":"malformed"/);
    await broker!.restart();
    await fleet.waitFor("stderr", /lost the broker connection/);
    await fleet.waitFor("stderr", /reconnected to 127\.0\.0\.1:\d+/);
    await publish("device-08", { ...GOOD, ms: 700 });
    await fleet.waitFor("stdout", /"messages":2/);
    fleet.child.kill("SIGINT");
    assert.equal(await exitCode(fleet), 0, fleet.stderr());
    const events = fleet.stdout().trim().split("\n").map((line) => JSON.parse(line));
    assert.deepEqual(events.map((event) => (event.event === "device" ? [event.event, event.device.id, event.device.ms, event.device.messages] : [event.event, event.message.reason, event.count])), [
      ["device", "device-08", 640, 1],
      ["malformed", "not JSON", 1],
      ["device", "device-08", 700, 2],
    ]);
  });

  it("exit 2 with one line when the broker cannot be reached or refuses us", async () => {
    const cases: Array<[string[], RegExp]> = [
      [["--broker", `mqtts://127.0.0.1:${await freePort()}`, ...tlsFlags()], /^error: cannot reach the broker: nothing listens at 127\.0\.0\.1:\d+ \(connection refused\)\n$/],
      [["--broker", brokerUrl(), "--ca", path.join(dir, "other-ca.pem"), "--cert", path.join(dir, "fleet.pem"), "--key", path.join(dir, "fleet-key.pem")], /^error: the broker at 127\.0\.0\.1:\d+ is not who it should be: its certificate does not verify against --ca .*other-ca\.pem/],
      [["--broker", brokerUrl(), "--ca", path.join(dir, "ca.pem"), "--cert", path.join(dir, "stranger.pem"), "--key", path.join(dir, "stranger-key.pem")], /^error: the broker at 127\.0\.0\.1:\d+ (refused the TLS handshake: it does not trust the CA that issued|closed the connection[^\n]*: it may not accept) our client certificate \(.*stranger\.pem\)/],
      [["--broker", brokerUrl(), "--ca", path.join(dir, "ca.pem")], /^error: the broker at 127\.0\.0\.1:\d+ [^\n]*: it (requires|may need) a client certificate \(--cert, --key\)/],
    ];
    const runs = await Promise.all(cases.map(([args]) => runScriptToEnd("fleet", [...args, "--once", "5"])));
    for (const [i, [, expected]] of cases.entries()) {
      const run = runs[i];
      assert.equal(run.code, 2, run.stderr);
      const errors = run.stderr.split("\n").filter((line) => line.startsWith("error:"));
      assert.equal(errors.length, 1, run.stderr);
      assert.match(run.stderr.slice(run.stderr.indexOf("error:")), expected);
      assert.doesNotMatch(run.stderr, /\n\s+at /, "no stack trace");
    }
  });

  it("exit 1 for usage mistakes: plain mqtt:// refused with the reason; --help says what it does", async () => {
    const [plain, help] = await Promise.all([runScriptToEnd("fleet", ["--broker", "mqtt://127.0.0.1:1883", ...tlsFlags()]), runScriptToEnd("fleet", ["--help"])]);
    assert.equal(plain.code, 1);
    assert.match(plain.stderr, /^error: --broker mqtt:\/\/127\.0\.0\.1:1883: plain mqtt:\/\/ is refused: .*use mqtts:\/\/HOST\[:PORT\]/);
    assert.equal(plain.stderr.trim().split("\n").length, 1, plain.stderr);
    assert.equal(help.code, 0);
    for (const flag of ["--broker", "--topic", "--ca", "--cert", "--key", "--json", "--once", "--expect", "--fail-on", "--web", "MQTT_PASSWORD"]) assert.ok(help.stdout.includes(flag), flag);
  });
});
