// The MQTT broker's configuration (scripts/build/broker.ts through
// resolveConfig): flags, the file and MQTT_PASSWORD held to the schema, the
// profiles' defaults, the broker's certificates checked like the check's and
// embedded only when they differ from the check's, and the shipped roots.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { MQTT_DEFAULTS } from "../../app/config.ts";
import { ConfigError, resolveConfig, type ConfigFlags } from "../../scripts/build/config.ts";
import { MQTT_PROFILES } from "../../scripts/build/mqtt-profiles.ts";
import { parseBrokerUrl } from "../../scripts/build/broker.ts";
import { describeCertificate } from "../../scripts/certs/certificate.ts";
import { checkTrustAnchor } from "../../scripts/certs/checks.ts";
import { pemToBase64 } from "../../scripts/certs/pem.ts";
import { createCa, issueLeaf, type Issued } from "../../scripts/certs/issue.ts";
import { REPO_ROOT } from "../../scripts/lib/paths.ts";
import { createRedactor, secretsOf } from "../../scripts/lib/redact.ts";

const DAY = 86_400_000;
const now = new Date("2026-11-28T12:00:00Z");
const issued = { notBefore: new Date(now.getTime() - DAY) };
const SAS = "SharedAccessSignature sr=hub.azure-devices.net%2Fdevices%2Fdev-7&sig=c2VjcmV0&se=1800000000";

describe("config: the MQTT broker", () => {
  let dir: string;
  let ca: Issued;
  let device: Issued;
  let gateway: Issued;
  let empty: string;
  const file = (name: string, text: string) => {
    const where = path.join(dir, name);
    fs.writeFileSync(where, text);
    return where;
  };
  const resolve = (flags: Partial<ConfigFlags>, env: NodeJS.ProcessEnv = {}, at = now) => resolveConfig({ config: empty, ...flags }, env, at);
  const problems = (flags: Partial<ConfigFlags>, env: NodeJS.ProcessEnv = {}): string[] => {
    try {
      resolve(flags, env);
    } catch (error) {
      assert.ok(error instanceof ConfigError, String(error));
      return error.problems;
    }
    assert.fail("expected a ConfigError");
  };
  const withDevice = () => ({ cert: path.join(dir, "device.pem"), key: path.join(dir, "device-key.pem") });

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "broker-test-"));
    ca = await createCa({ commonName: "Broker Test CA", ...issued });
    device = await issueLeaf(ca, "client", { commonName: "dev-7", ...issued });
    gateway = await issueLeaf(ca, "client", { commonName: "gateway-2", ...issued });
    file("ca.pem", ca.certPem);
    file("device.pem", device.certPem);
    file("device-key.pem", device.keyPem);
    file("gateway.pem", gateway.certPem);
    file("gateway-key.pem", gateway.keyPem);
    empty = file("empty.json", "{}");
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("takes nothing of MQTT without --mqtt, and leaves the broker out", () => {
    assert.equal(resolve({}).config.mqtt, undefined);
  });

  it("generic: port 8883, the client certificate's common name as client id and in the topic, the check's CA and certificate shared, not embedded twice", () => {
    const { config, summary } = resolve({ ...withDevice(), mqtt: "mqtts://broker.test" });
    assert.deepEqual(config.mqtt, {
      host: "broker.test",
      port: MQTT_DEFAULTS.port,
      clientId: "dev-7",
      topic: "espruino-tls-check/dev-7/result",
      keepAlive: 60,
      everyMs: 0,
    });
    assert.equal(MQTT_DEFAULTS.topic("dev-7"), config.mqtt?.topic, "the generic profile's topic is the device's default");
    assert.match(summary.join("\n"), /mqtt +mqtts:\/\/broker\.test:8883 as "dev-7" \(generic; client certificate\)/);
    assert.match(summary.join("\n"), /mqtt topic +espruino-tls-check\/dev-7\/result, once/);
  });

  it("embeds the broker's own CA, certificate and key only when they differ from the check's; none pins nothing, and says so", () => {
    const own = resolve({ ...withDevice(), mqtt: "mqtts://broker.test:18883", mqttCa: path.join(dir, "ca.pem"), mqttCert: path.join(dir, "gateway.pem"), mqttKey: path.join(dir, "gateway-key.pem") });
    assert.equal(own.config.mqtt?.port, 18883);
    assert.equal(own.config.mqtt?.ca, pemToBase64(ca.certPem));
    assert.equal(own.config.mqtt?.cert, pemToBase64(gateway.certPem));
    assert.equal(own.config.mqtt?.key, pemToBase64(gateway.keyPem));
    assert.equal(own.config.mqtt?.clientId, "gateway-2", "the broker's certificate names the client");
    const same = resolve({ ...withDevice(), ca: path.join(dir, "ca.pem"), mqtt: "mqtts://broker.test", mqttCa: path.join(dir, "ca.pem"), mqttCert: path.join(dir, "device.pem"), mqttKey: path.join(dir, "device-key.pem") });
    for (const field of ["ca", "cert", "key"] as const) assert.equal(field in same.config.mqtt!, false, field);
    const none = resolve({ mqtt: "mqtts://broker.test", mqttCa: "none", mqttClientId: "d" });
    assert.equal(none.config.mqtt?.ca, null);
    assert.ok(none.warnings.some((warning) => /will not authenticate the broker/.test(warning)), none.warnings.join("\n"));
  });

  it("--every in minutes, user name and password (MQTT_PASSWORD or --mqtt-password), an explicit topic", () => {
    const { config, summary } = resolve(
      { mqtt: "mqtts://broker.test", mqttClientId: "kitchen", mqttUsername: "esp", mqttTopic: "home/kitchen/tls", every: 0.5 },
      { MQTT_PASSWORD: "pa55-from-env" },
    );
    assert.equal(config.mqtt?.everyMs, 30_000);
    assert.equal(config.mqtt?.username, "esp");
    assert.equal(config.mqtt?.password, "pa55-from-env");
    assert.equal(config.mqtt?.topic, "home/kitchen/tls");
    assert.ok(!summary.join("\n").includes("pa55-from-env"));
    assert.match(summary.join("\n"), /every 0\.5 min/);
    const flag = resolve({ mqtt: "mqtts://broker.test", mqttClientId: "kitchen", mqttUsername: "esp", mqttPassword: "from-flag" }, { MQTT_PASSWORD: "pa55-from-env" });
    assert.equal(flag.config.mqtt?.password, "from-flag", "the flag wins");
  });

  it("azure-iot-hub: DigiCert Global Root G2 pinned, the device id in the user name and the topic, a certificate or a SAS token", () => {
    const { config } = resolve({ ...withDevice(), mqtt: "mqtts://hub.azure-devices.net", mqttProfile: "azure-iot-hub" });
    const root = fs.readFileSync(path.join(REPO_ROOT, "certs", "digicert-global-root-g2.pem"), "utf8");
    assert.equal(config.mqtt?.ca, pemToBase64(root));
    assert.equal(config.mqtt?.clientId, "dev-7");
    assert.equal(config.mqtt?.username, "hub.azure-devices.net/dev-7/?api-version=2021-04-12");
    assert.equal(config.mqtt?.topic, "devices/dev-7/messages/events/");
    assert.equal(config.mqtt?.password, undefined);
    const sas = resolve({ mqtt: "mqtts://hub.azure-devices.net", mqttProfile: "azure-iot-hub", mqttClientId: "dev-7" }, { MQTT_PASSWORD: SAS });
    assert.equal(sas.config.mqtt?.password, SAS);
    assert.deepEqual(secretsOf(sas.config).slice(0, 1), [SAS], "the SAS token is a secret");
    assert.equal(createRedactor(secretsOf(sas.config))(`token ${SAS}`), "token ***");
    assert.match(problems({ mqtt: "mqtts://hub.azure-devices.net", mqttProfile: "azure-iot-hub", mqttClientId: "dev-7" }).join(), /azure-iot-hub needs a client certificate .* or a SAS token as the password \(MQTT_PASSWORD\)/);
  });

  it("aws-iot: Amazon Root CA 1 pinned; the thing name, a client certificate, port 8883 and a host name (SNI) are required", () => {
    const { config } = resolve({ ...withDevice(), mqtt: "mqtts://abc-ats.iot.eu-west-1.amazonaws.com", mqttProfile: "aws-iot", mqttClientId: "thing-7" });
    assert.equal(config.mqtt?.ca, pemToBase64(fs.readFileSync(path.join(REPO_ROOT, "certs", "amazon-root-ca-1.pem"), "utf8")));
    assert.equal(config.mqtt?.clientId, "thing-7");
    assert.equal(config.mqtt?.username, undefined);
    assert.match(problems({ ...withDevice(), mqtt: "mqtts://abc.iot.test", mqttProfile: "aws-iot" }).join(), /--mqtt-profile aws-iot needs mqttClientId \(--mqtt-client-id\) \(the thing name\)/);
    assert.match(problems({ mqtt: "mqtts://abc.iot.test", mqttProfile: "aws-iot", mqttClientId: "t" }).join(), /aws-iot needs a client certificate/);
    assert.match(problems({ ...withDevice(), mqtt: "mqtts://abc.iot.test:443", mqttProfile: "aws-iot", mqttClientId: "t" }).join(), /port 8883 only .*ALPN/);
    assert.match(problems({ ...withDevice(), mqtt: "mqtts://192.0.2.7", mqttProfile: "aws-iot", mqttClientId: "t" }).join(), /host name, not an IP address/);
  });

  it("refuses plain mqtt:// with the reason, and URLs the device cannot use", () => {
    assert.match(parseBrokerUrl("mqtt://broker.test") as string, /^plain mqtt:\/\/ is refused: .*unencrypted.*use mqtts:\/\/HOST\[:PORT\]$/);
    assert.deepEqual(parseBrokerUrl("mqtts://127.0.0.1:8884"), { host: "127.0.0.1", port: 8884 });
    assert.match(problems({ mqtt: "mqtt://broker.test", mqttClientId: "d" }).join(), /^--mqtt \(mqtt\) plain mqtt:\/\/ is refused/);
    for (const [url, reason] of [
      ["https://broker.test", /must be mqtts:\/\/HOST\[:PORT\]/],
      ["mqtts://user:pw@broker.test", /MQTT_PASSWORD/],
      ["mqtts://[::1]:8883", /IPv6/],
      ["mqtts://broker.test/topic", /takes nothing after the port \(the topic is a setting of its own\)/],
      ["mqtts://broker.test:0", /port 0/],
    ] as const) {
      assert.match(problems({ mqtt: url, mqttClientId: "d" }).join(), reason, url);
    }
  });

  it("names the key and its flag in every problem, never shows a password, and wants --mqtt for the --mqtt-* settings", () => {
    const base = { mqtt: "mqtts://broker.test", mqttClientId: "d" };
    assert.deepEqual(problems({ ...base, mqttTopic: "devices/+/x" }), ["--mqtt-topic (mqttTopic) must not contain + or # (wildcards are for subscribing) or control characters (got \"devices/+/x\")"]);
    assert.deepEqual(problems({ ...base, every: 0 }), ["--every (every) must be more than 0 (got 0)"]);
    assert.deepEqual(problems({ ...base, mqttClientId: "a\nb" }), ["--mqtt-client-id (mqttClientId) must not contain control characters (NUL, newline, tab...) (got \"a\\nb\")"]);
    const missing = problems({ ...base, mqttPassword: "hunter22" });
    assert.deepEqual(missing, ["--mqtt-password (mqttPassword) needs mqttUsername (--mqtt-username): MQTT 3.1.1 sends a password only with a user name"]);
    assert.deepEqual(problems({}, { MQTT_PASSWORD: "hunter22" }), ["MQTT_PASSWORD (mqttPassword): no broker to publish to; give --mqtt mqtts://HOST[:PORT]"]);
    assert.match(problems({ mqtt: "mqtts://broker.test" }).join(), /mqttClientId \(--mqtt-client-id\) is needed: there is no client certificate/);
    const fromFile = problems({ config: file("bad-mqtt.json", JSON.stringify({ mqtt: "mqtts://b.test", mqttClientId: "d", mqttProfile: "hivemq", mqttPassword: 5 })) });
    assert.match(fromFile.join("\n"), /bad-mqtt\.json: mqttProfile \(--mqtt-profile\) must be one of generic, azure-iot-hub, aws-iot \(got "hivemq"\)/);
    assert.match(fromFile.join("\n"), /bad-mqtt\.json: mqttPassword \(--mqtt-password\) must be a string$/m);
  });

  it("reads the broker's files relative to the configuration file", () => {
    const config = file("mqtt.json", JSON.stringify({ mqtt: "mqtts://broker.test", mqttCa: "ca.pem", mqttCert: "gateway.pem", mqttKey: "gateway-key.pem" }));
    assert.equal(resolveConfig({ config }, {}, now).config.mqtt?.ca, pemToBase64(ca.certPem));
  });

  it("ships the profiles' roots from Debian's ca-certificates, checked like any anchor: valid now, warned about 90 days before they end", () => {
    const roots: Array<[string, string, string, string]> = [
      ["digicert-global-root-g2.pem", "DigiCert_Global_Root_G2.crt", "C=US, O=DigiCert Inc, OU=www.digicert.com, CN=DigiCert Global Root G2", "2038-01-15T12:00:00.000Z"],
      ["amazon-root-ca-1.pem", "Amazon_Root_CA_1.crt", "C=US, O=Amazon, CN=Amazon Root CA 1", "2038-01-17T00:00:00.000Z"],
    ];
    for (const [name, debianName, subject, notAfter] of roots) {
      const pem = fs.readFileSync(path.join(REPO_ROOT, "certs", name), "utf8");
      const debian = path.join("/usr/share/ca-certificates/mozilla", debianName);
      if (fs.existsSync(debian)) assert.equal(pem, fs.readFileSync(debian, "utf8"), `${name} is Debian's ${debianName}, byte for byte`);
      const info = describeCertificate(pem, now);
      assert.equal(info.subject, subject);
      assert.equal(info.notAfter.toISOString(), notAfter);
      assert.ok(info.isCa && info.selfSigned);
      assert.deepEqual(checkTrustAnchor(pem, now).errors, []);
      assert.ok(Object.values(MQTT_PROFILES).some((profile) => "ca" in profile && profile.ca === name), `a profile pins ${name}`);
    }
    const late = new Date("2037-12-01T00:00:00Z");
    const { warnings } = resolve({ ca: false, mqtt: "mqtts://hub.azure-devices.net", mqttProfile: "azure-iot-hub", mqttClientId: "dev-7" }, { MQTT_PASSWORD: SAS }, late);
    assert.ok(warnings.some((warning) => /MQTT CA .*digicert-global-root-g2\.pem: .*expires/.test(warning)), warnings.join("\n"));
  });
});
