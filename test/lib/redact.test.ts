import assert from "node:assert/strict";
import fc from "fast-check";
import { DEFAULTS, type AppConfig } from "../../app/config.ts";
import { connectBase64 } from "../../scripts/build/embed.ts";
import { redact as deviceRedact } from "../../app/report.ts";
import { createRedactor, FRAGMENT, MASK, secretForms, secretsOf } from "../../scripts/lib/redact.ts";

const KEY = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7Zq3zQ+example/keymaterial+AbCdEf0123456789==";

function config(overrides: Partial<AppConfig>): AppConfig {
  return { ...DEFAULTS, ca: null, cert: null, key: null, wifi: null, builtAt: 0, ...overrides };
}

/** Every piece of `secret` at least FRAGMENT long. */
function pieces(secret: string): string[] {
  const k = Math.min(FRAGMENT, secret.length);
  const out: string[] = [];
  for (let i = 0; i + k <= secret.length; i++) out.push(secret.slice(i, i + k));
  return out;
}

describe("redact", () => {
  it("is the device's rule with more: a whole secret is masked the same on both, with MASK", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 80 }), fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), (secret, before, after) => {
        const line = before + secret + after;
        // Exactly one occurrence (none overlapping it), no mask already in the line, and a secret
        // that JSON leaves as it is (the host also masks its escaped forms, which may reach into `after`).
        const unescaped = JSON.stringify(secret).slice(1, -1) === secret;
        fc.pre(unescaped && line.indexOf(secret) === before.length && line.indexOf(secret, before.length + 1) < 0 && !line.includes(MASK));
        const host = createRedactor([secret])(line);
        assert.equal(deviceRedact(line, [secret]), before + MASK + after);
        if (secret.length < FRAGMENT) assert.equal(host, before + MASK + after, "short secrets: whole only, as on the device");
        else assert.ok(host.includes(MASK) && !host.includes(secret));
      }),
    );
  });

  it("secretsOf takes the Wi-Fi password and the private key, nothing public", () => {
    const c = config({ wifi: { ssid: "lab", password: "correct horse" }, key: KEY, cert: "MIIpubliccert", ca: "MIIpublicca" });
    assert.deepEqual(secretsOf(c), ["correct horse", KEY]);
    assert.deepEqual(secretsOf(config({ wifi: { ssid: "open", password: "" } })), []);
  });

  it("secretsOf takes the MQTT password, the CONNECT packet that carries it into the bundle, and the broker's own key too", () => {
    const mqtt = { host: "hub.example", port: 8883, clientId: "dev", topic: "t", keepAlive: 60, everyMs: 0 };
    const withPassword = { ...mqtt, username: "hub/dev", password: "SharedAccessSignature sr=x", key: "MIIbrokerkey", cert: "MIIpublic" };
    const hello = connectBase64(withPassword);
    assert.ok(Buffer.from(hello, "base64").toString("latin1").endsWith("SharedAccessSignature sr=x"));
    assert.deepEqual(secretsOf(config({ mqtt: withPassword })), ["SharedAccessSignature sr=x", hello, "MIIbrokerkey"]);
    assert.deepEqual(secretsOf(config({ mqtt })), [], "a CONNECT without a password holds nothing secret");
  });

  it("masks a secret wherever it appears, as written, JSON-escaped once (the bundle) and twice (Storage.write of the bundle)", () => {
    const password = 'pa"ss\\word!';
    const redact = createRedactor([password]);
    for (const form of secretForms(password)) {
      const out = redact(`before ${form} after`);
      assert.equal(out, `before ${MASK} after`, form);
    }
    assert.equal(secretForms(password).length, 3);
  });

  it("masks a piece of the key cut where the CLI splits its upload, and keeps the rest of the line", () => {
    const redact = createRedactor([KEY]);
    const cut = 'require("Storage").write(".bootcde","...,key:\\"' + KEY.slice(0, 40);
    const out = redact(cut);
    assert.ok(!out.includes(KEY.slice(0, 40)));
    assert.ok(out.startsWith('require("Storage").write(".bootcde"'));
    assert.ok(out.endsWith(MASK));
  });

  it("leaves text alone that has no piece of a secret, and does nothing without secrets", () => {
    const redact = createRedactor(["hunter2hunter2"]);
    assert.equal(redact("RESULT {\"ok\":true,\"url\":\"https://x/a/check\"}"), "RESULT {\"ok\":true,\"url\":\"https://x/a/check\"}");
    assert.equal(createRedactor([])("anything hunter2"), "anything hunter2");
    assert.equal(createRedactor([""])("anything"), "anything");
  });

  it("merges touching masks into one", () => {
    const redact = createRedactor(["abcdefgh", "ijklmnop"]);
    assert.equal(redact("x abcdefghijklmnop y"), `x ${MASK} y`);
  });

  it("property: no piece of a secret survives, whatever surrounds it", () => {
    const secretArb = fc.string({ minLength: 8, maxLength: 63, unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABC0123456789!\"\\ /+=-_") });
    fc.assert(
      fc.property(secretArb, fc.string(), fc.string(), fc.nat(), fc.nat(), (secret, before, after, from, extra) => {
        // Any piece of the secret, FRAGMENT long or longer.
        const start = from % (secret.length - FRAGMENT + 1);
        const piece = secret.slice(start, start + FRAGMENT + (extra % (secret.length - start - FRAGMENT + 1)));
        const out = createRedactor([secret])(before + piece + after);
        for (const part of pieces(piece)) assert.ok(!out.includes(part), `${JSON.stringify(part)} in ${JSON.stringify(out)}`);
      }),
    );
  });

  it("property: text sharing no FRAGMENT-long piece with a secret comes out unchanged", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 8, maxLength: 40 }), fc.string({ maxLength: 80 }), (secret, text) => {
        const shared = secretForms(secret).some((form) => pieces(form).some((part) => text.includes(part)));
        fc.pre(!shared);
        assert.equal(createRedactor([secret])(text), text);
      }),
    );
  });

  it("a secret split at every boundary into two lines: each side at least FRAGMENT long is masked", () => {
    const secret = "s3cret-wifi-passphrase";
    const redact = createRedactor([secret]);
    for (let at = 1; at < secret.length; at++) {
      const [left, right] = [secret.slice(0, at), secret.slice(at)];
      const outLeft = redact(`..."${left}`);
      const outRight = redact(`${right}",1024);`);
      if (left.length >= FRAGMENT) assert.ok(!outLeft.includes(left), `left ${at}`);
      if (right.length >= FRAGMENT) assert.ok(!outRight.includes(right), `right ${at}`);
    }
  });
});
