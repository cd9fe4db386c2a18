import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DEFAULTS } from "../../app/config.ts";
import { ConfigError, resolveConfig, type ConfigFlags } from "../../scripts/build/config.ts";
import { pemToBase64 } from "../../scripts/certs/pem.ts";
import { createCa, issueLeaf, type Issued } from "../../scripts/certs/issue.ts";

const DAY = 86_400_000;
// The tests' own date: certificates are issued a day before it and judged at
// it, whatever the machine's clock says.
const now = new Date("2026-11-28T12:00:00Z");
const issued = { notBefore: new Date(now.getTime() - DAY) };

function problems(flags: ConfigFlags, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    resolveConfig(flags, env, now);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.problems;
  }
  assert.fail("expected a ConfigError");
}

describe("config", () => {
  let dir: string;
  let ca: Issued;
  let client: Issued;
  const file = (name: string, text: string) => {
    const where = path.join(dir, name);
    fs.writeFileSync(where, text);
    return where;
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "config-test-"));
    ca = await createCa({ commonName: "Config Test CA", ...issued });
    client = await issueLeaf(ca, "client", { commonName: "device", ...issued });
    file("ca.pem", ca.certPem);
    file("client.pem", client.certPem);
    file("client-key.pem", client.keyPem);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("defaults to howsmyssl pinned to the shipped ISRG Root X1, no Wi-Fi, probe on", () => {
    const { config, summary } = resolveConfig({ config: file("empty.json", "{}") }, {}, now);
    assert.equal(config.url, DEFAULTS.url);
    assert.equal(config.ca, pemToBase64(fs.readFileSync(new URL("../../certs/isrg-root-x1.pem", import.meta.url), "utf8")));
    assert.equal(config.wifi, null);
    assert.equal(config.probe, true);
    assert.equal(config.deadlineMs, 30000);
    assert.equal(config.bodyCap, 32768);
    assert.equal(config.builtAt, now.getTime());
    assert.ok(summary.some((line) => line.includes("ISRG Root X1")));
  });

  it("takes the file, then the environment, then flags", () => {
    const config = file(
      "layers.json",
      JSON.stringify({ url: "https://file.test/a/check", ca: "ca.pem", wifiSsid: "FileNet", wifiPassword: "file-password", deadlineMs: 5000 }),
    );
    const fromFile = resolveConfig({ config }, {}, now).config;
    assert.equal(fromFile.url, "https://file.test/a/check");
    assert.equal(fromFile.ca, pemToBase64(ca.certPem), "paths in the file are relative to it");
    assert.deepEqual(fromFile.wifi, { ssid: "FileNet", password: "file-password" });
    const fromEnv = resolveConfig({ config }, { WIFI_SSID: "EnvNet", WIFI_PASSWORD: "env-password" }, now).config;
    assert.deepEqual(fromEnv.wifi, { ssid: "EnvNet", password: "env-password" });
    const fromFlags = resolveConfig({ config, url: "https://flag.test/x", wifiSsid: "FlagNet", deadline: 7000 }, { WIFI_SSID: "EnvNet", WIFI_PASSWORD: "env-password" }, now).config;
    assert.equal(fromFlags.url, "https://flag.test/x");
    assert.equal(fromFlags.wifi?.ssid, "FlagNet");
    assert.equal(fromFlags.deadlineMs, 7000);
  });

  it("embeds the client certificate and key as base64 DER", () => {
    const { config } = resolveConfig({ config: file("e.json", "{}"), cert: path.join(dir, "client.pem"), key: path.join(dir, "client-key.pem") }, {}, now);
    assert.equal(config.cert, pemToBase64(client.certPem));
    assert.equal(config.key, pemToBase64(client.keyPem));
  });

  it("never puts a secret in the summary", () => {
    const { summary } = resolveConfig(
      { config: file("e2.json", "{}"), cert: path.join(dir, "client.pem"), key: path.join(dir, "client-key.pem") },
      { WIFI_SSID: "Net", WIFI_PASSWORD: "very-secret-password" },
      now,
    );
    const text = summary.join("\n");
    assert.ok(!text.includes("very-secret-password"));
    assert.ok(!text.includes(pemToBase64(client.keyPem).slice(0, 40)));
    assert.match(text, /password set/);
  });

  it("pins nothing with --no-ca, and says so", () => {
    const { config, warnings } = resolveConfig({ config: file("e3.json", "{}"), ca: false }, {}, now);
    assert.equal(config.ca, null);
    assert.ok(warnings.some((warning) => warning.includes("not authenticate")));
  });

  it("refuses an expired CA, a CA not valid yet, and a certificate that is not a CA; warns near expiry", async () => {
    const expired = await createCa({ commonName: "Old", notBefore: new Date(now.getTime() - 900 * DAY), notAfter: new Date(now.getTime() - DAY) });
    const future = await createCa({ commonName: "Future", notBefore: new Date(now.getTime() + DAY) });
    const soon = await createCa({ commonName: "Soon", notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 30 * DAY) });
    const base = { config: file("e4.json", "{}") };
    assert.match(problems({ ...base, ca: file("expired.pem", expired.certPem) }).join("\n"), /expired/);
    assert.match(problems({ ...base, ca: file("future.pem", future.certPem) }).join("\n"), /not (yet )?valid/);
    assert.match(problems({ ...base, ca: path.join(dir, "client.pem") }).join("\n"), /not a CA/);
    const { warnings } = resolveConfig({ ...base, ca: file("soon.pem", soon.certPem) }, {}, now);
    assert.ok(warnings.some((warning) => /expires|days/.test(warning)), warnings.join("\n"));
  });

  it("collects every problem at once, with a clear message for each", () => {
    const found = problems(
      {
        config: file("bad.json", JSON.stringify({ url: "http://insecure.test/", wifiPassword: "short", bodyCap: 10, extra: 1 })),
        ca: path.join(dir, "missing.pem"),
        cert: path.join(dir, "client.pem"),
      },
      {},
    );
    const text = found.join("\n");
    assert.match(text, /bad\.json: unknown key "extra"/);
    assert.match(text, /bad\.json: url \(--url\) must start with https:\/\//);
    assert.match(text, /cannot read the CA file .*missing\.pem/);
    assert.match(text, /needs both a client certificate .* and its key/);
    assert.match(text, /bad\.json: wifiPassword \(--wifi-password\) must be 8 to 63 printable ASCII characters/);
    assert.match(text, /bad\.json: bodyCap \(--body-cap\) must be at least 1024 \(got 10\)/);
    assert.equal(found.length, 6, text);
    assert.ok(!text.includes('"short"'), "a secret's value is never shown");
  });

  it("refuses URLs Espruino cannot use", () => {
    const base = { config: file("e5.json", "{}") };
    assert.match(problems({ ...base, url: "https://[::1]:8443/a/check" }).join(), /IPv6/);
    assert.match(problems({ ...base, url: "not a url" }).join(), /--url \(url\) must start with https:\/\//);
    assert.match(problems({ ...base, url: "https://a b.test/" }).join(), /is not a URL/);
    assert.match(problems({ ...base, url: "https:///a/check" }).join(), /--url \(url\) has no host name/);
    assert.match(problems({ ...base, url: "https://127.0.0.1:0/a/check" }).join(), /port 0/);
    assert.match(problems({ ...base, url: "https://user:pw@host.test/" }).join(), /user name or password/);
    assert.match(problems({ ...base, url: "https://" + "a".repeat(130) + ".test/" }).join(), /127 characters/);
  });

  it("holds every key of the file to app.config.schema.json, naming the key and its flag, never reading a number as a file", () => {
    const cases: Array<[object, RegExp]> = [
      [{ wifiSsid: 12 }, /wifiSsid \(--wifi-ssid\) must be a string \(got 12\)/],
      [{ ca: 0 }, /ca \(--ca\) must be a string or null \(got 0\)/],
      [{ ca: 3 }, /ca \(--ca\) must be a string or null \(got 3\)/],
      [{ cert: "" }, /cert \(--cert\) must not be empty/],
      [{ wifiSsid: "Net", wifiPassword: 12345678 }, /wifiPassword \(--wifi-password\) must be a string$/],
      [{ ntpServer: 5 }, /ntpServer \(--ntp-server\) must be a string \(got 5\)/],
      [{ ntpServer: "pool ntp" }, /ntpServer \(--ntp-server\) must be a host name/],
      [{ wifiSsid: "Net\u0000" }, /wifiSsid \(--wifi-ssid\) must not contain control characters/],
      [{ wifiSsid: "Net\nWork" }, /wifiSsid \(--wifi-ssid\) must not contain control characters/],
      [{ wifiSsid: "Net", wifiPassword: "hunter2\nhunter2" }, /wifiPassword \(--wifi-password\) must be 8 to 63 printable ASCII/],
      [{ wifiSsid: "Net", wifiPassword: "hunter2\u0000hunter2" }, /wifiPassword \(--wifi-password\) must be 8 to 63 printable ASCII/],
      [{ wifiAttempts: 2.5 }, /wifiAttempts \(--wifi-attempts\) must be a whole number/],
      [{ deadlineMs: "30000" }, /deadlineMs \(--deadline\) must be a whole number/],
      [{ probe: "yes" }, /probe \(--no-probe\) must be true or false/],
    ];
    for (const [settings, expected] of cases) {
      const found = problems({ config: file("typed.json", JSON.stringify(settings)) });
      assert.equal(found.length, 1, `${JSON.stringify(settings)}: ${found.join("\n")}`);
      assert.match(found[0], expected, JSON.stringify(settings));
      assert.ok(!found[0].includes("hunter"), "a password's value is never shown");
    }
  });

  it("holds flags and the environment to the same rules, naming the flag or the variable", () => {
    const base = { config: file("e8.json", "{}") };
    assert.deepEqual(problems({ ...base, deadline: 5 }), ["--deadline (deadlineMs) must be at least 1000 (got 5)"]);
    assert.deepEqual(problems({ ...base, bodyCap: 10_000_000 }), ["--body-cap (bodyCap) must be at most 262144 (got 10000000)"]);
    assert.match(problems(base, { WIFI_SSID: "Net", WIFI_PASSWORD: "short" }).join(), /^WIFI_PASSWORD \(wifiPassword\) must be 8 to 63/);
    assert.match(problems({ ...base, wifiSsid: "a\tb" }).join(), /^--wifi-ssid \(wifiSsid\) must not contain control characters/);
    assert.match(problems({ ...base, wifiSsid: "ü".repeat(20) }).join(), /--wifi-ssid \(wifiSsid\): Wi-Fi SSIDs are at most 32 bytes/);
  });

  it("accepts the shipped example, whose $schema points at app.config.schema.json", () => {
    const example = path.join(dir, "example.json");
    const text = fs.readFileSync(new URL("../../app.config.example.json", import.meta.url), "utf8");
    assert.equal(JSON.parse(text).$schema, "./app.config.schema.json");
    fs.writeFileSync(example, text.replace('"certs/isrg-root-x1.pem"', JSON.stringify(path.resolve("certs/isrg-root-x1.pem"))));
    assert.equal(resolveConfig({ config: example }, {}, now).config.url, DEFAULTS.url);
  });

  it("explains a configuration file that is not JSON, or missing when named", () => {
    assert.match(problems({ config: file("broken.json", "{ url: nope") }).join(), /not valid JSON/);
    assert.match(problems({ config: path.join(dir, "nope.json") }).join(), /does not exist/);
  });

  it("refuses an encrypted or mismatched client key", async () => {
    const other = await issueLeaf(ca, "client", { commonName: "other", ...issued });
    const found = problems({ config: file("e6.json", "{}"), cert: path.join(dir, "client.pem"), key: file("other-key.pem", other.keyPem) });
    assert.match(found.join("\n"), /key/i);
    const encrypted = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBvTBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQI\n-----END ENCRYPTED PRIVATE KEY-----\n";
    assert.match(problems({ config: file("e7.json", "{}"), cert: path.join(dir, "client.pem"), key: file("enc.pem", encrypted) }).join("\n"), /encrypted/i);
  });
});
