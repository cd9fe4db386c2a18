import "reflect-metadata"; // @peculiar/x509 (used below for a cross-signed certificate) needs it first
import assert from "node:assert/strict";
import { X509Certificate, createHash, createPrivateKey, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import * as x509 from "@peculiar/x509";
import { type Issued, createCa, issueCa, issueLeaf, selfSignedLeaf } from "../../scripts/certs/issue.ts";
import {
  CertificateError,
  PemError,
  base64ToPem,
  checkClientCertificate,
  checkTrustAnchor,
  chooseTrustAnchor,
  describeCertificate,
  encodePem,
  findIssuerIn,
  isSelfSigned,
  issuedBy,
  linkedLength,
  parseCertificate,
  parseOpensslTime,
  parsePem,
  pemKind,
  pemToBase64,
  privateKeyFormat,
  splitCertificates,
} from "../../scripts/certs/certs.ts";

const DAY = 86_400_000;
// A date of the tests' own: certificates are issued and judged relative to it,
// whatever the machine's clock says.
const NOW = new Date("2027-03-01T12:00:00Z");
const days = (n: number): Date => new Date(NOW.getTime() + n * DAY);
const x = (issued: Issued): X509Certificate => new X509Certificate(issued.certPem);

describe("certs", () => {
  let root: Issued;
  let intermediate: Issued;
  let leaf: Issued;
  let ecLeaf: Issued;
  let client: Issued;

  before(async () => {
    root = await createCa({ commonName: "Certs Test Root", notBefore: days(-1) });
    intermediate = await issueCa(root, { commonName: "Certs Test Intermediate", notBefore: days(-1) });
    leaf = await issueLeaf(intermediate, "server", { commonName: "localhost", names: ["localhost", "127.0.0.1"], notBefore: days(-1) });
    ecLeaf = await selfSignedLeaf({ commonName: "ec.test", key: "ec-p256", notBefore: days(-1) });
    client = await issueLeaf(root, "client", { commonName: "device-1", notBefore: days(-1) });
  });

  describe("PEM", () => {
    it("round-trips any bytes and label through encodePem/parsePem", () => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.constantFrom("CERTIFICATE", "PRIVATE KEY", "EC PRIVATE KEY", "X 1"), (bytes, label) => {
          const pem = encodePem(label, bytes);
          assert.ok(pem.split("\n").every((line) => line.length <= 64));
          const blocks = parsePem(pem);
          assert.equal(blocks.length, 1);
          assert.equal(blocks[0].label, label);
          assert.deepEqual(new Uint8Array(blocks[0].der), bytes);
          assert.equal(pemToBase64(pem), Buffer.from(bytes).toString("base64"));
          assert.equal(base64ToPem(pemToBase64(pem), label), pem);
        }),
      );
    });

    it("splits a bundle, skipping text between blocks and other kinds of block, with any line endings", () => {
      for (const eol of ["\n", "\r\n"]) {
        const bundle = ["# Issuer: test", root.certPem, "junk between", leaf.keyPem, intermediate.certPem].join("\n").split("\n").join(eol);
        const certs = splitCertificates(bundle);
        assert.equal(certs.length, 2);
        assert.equal(x(root).fingerprint256, new X509Certificate(certs[0]).fingerprint256);
        assert.equal(x(intermediate).fingerprint256, new X509Certificate(certs[1]).fingerprint256);
      }
    });

    it("never returns a wrong block from a bundle cut at any point", () => {
      const bundle = root.certPem + intermediate.certPem;
      const whole = parsePem(bundle);
      for (let cut = 0; cut <= bundle.length; cut++) {
        let blocks;
        try {
          blocks = parsePem(bundle.slice(0, cut));
        } catch (error) {
          assert.ok(error instanceof PemError, `cut ${cut}: ${String(error)}`);
          continue;
        }
        assert.ok(blocks.length <= whole.length);
        blocks.forEach((block, i) => assert.deepEqual(block.der, whole[i].der, `cut ${cut}, block ${i}`));
      }
    });

    it("reads RFC 1421 headers and keeps them out of the body", () => {
      const pem = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00\n\nAAEC\n-----END RSA PRIVATE KEY-----\n";
      const [block] = parsePem(pem);
      assert.equal(block.headers["Proc-Type"], "4,ENCRYPTED");
      assert.deepEqual([...block.der], [0, 1, 2]);
    });

    const malformed: Array<[string, string, RegExp]> = [
      ["a BEGIN without END", "-----BEGIN CERTIFICATE-----\nAAAA\n", /has no END line/],
      ["an END without BEGIN", "AAAA\n-----END CERTIFICATE-----\n", /without a matching BEGIN/],
      ["mismatched labels", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END PRIVATE KEY-----\n", /closes the "BEGIN CERTIFICATE"/],
      ["a nested BEGIN", "-----BEGIN CERTIFICATE-----\nAAAA\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", /missing END/],
      ["a non-base64 line", "-----BEGIN CERTIFICATE-----\nAA*A\n-----END CERTIFICATE-----\n", /line 2: not base64/],
      ["a truncated body", "-----BEGIN CERTIFICATE-----\nAAAAA\n-----END CERTIFICATE-----\n", /not valid base64/],
      ["padding in the middle", "-----BEGIN CERTIFICATE-----\nAA==\nAAAA\n-----END CERTIFICATE-----\n", /not valid base64/],
      ["an empty body", "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n", /is empty/],
    ];
    for (const [what, text, message] of malformed) {
      it(`rejects ${what}`, () => {
        assert.throws(() => parsePem(text), (error: unknown) => error instanceof PemError && message.test(error.message));
      });
    }

    it("finds nothing in text without PEM, and pemToBase64 wants exactly one block", () => {
      assert.deepEqual(parsePem("just some text\n"), []);
      assert.throws(() => pemToBase64("no pem"), /found 0/);
      assert.throws(() => pemToBase64(root.certPem + root.certPem), /found 2/);
      assert.throws(() => base64ToPem("A*A="), PemError);
      assert.throws(() => base64ToPem(""), PemError);
    });

    it("tells certificates, keys and other blocks apart", () => {
      assert.equal(pemKind("CERTIFICATE"), "certificate");
      assert.equal(pemKind("PRIVATE KEY"), "private-key");
      assert.equal(pemKind("RSA PRIVATE KEY"), "private-key");
      assert.equal(pemKind("EC PRIVATE KEY"), "private-key");
      assert.equal(pemKind("ENCRYPTED PRIVATE KEY"), "encrypted-private-key");
      assert.equal(pemKind("PUBLIC KEY"), "public-key");
      assert.equal(pemKind("X509 CRL"), "other");
    });

    it("names the private key format and refuses encrypted keys", () => {
      const rsa = createPrivateKey(leaf.keyPem);
      const ec = createPrivateKey(ecLeaf.keyPem);
      assert.equal(privateKeyFormat(leaf.keyPem), "pkcs8");
      assert.equal(privateKeyFormat(rsa.export({ type: "pkcs1", format: "pem" }).toString()), "pkcs1");
      assert.equal(privateKeyFormat(ec.export({ type: "sec1", format: "pem" }).toString()), "sec1");
      const encryptedPkcs8 = rsa.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "secret" }).toString();
      const encryptedPkcs1 = rsa.export({ type: "pkcs1", format: "pem", cipher: "aes-256-cbc", passphrase: "secret" }).toString();
      for (const encrypted of [encryptedPkcs8, encryptedPkcs1]) {
        assert.throws(() => privateKeyFormat(encrypted), (error: unknown) => error instanceof PemError && /encrypted/.test(error.message));
      }
      assert.throws(() => privateKeyFormat(root.certPem), /no private key found/);
      assert.throws(() => privateKeyFormat(leaf.keyPem + ecLeaf.keyPem), /found 2/);
    });
  });

  describe("describeCertificate", () => {
    it("describes a generated RSA CA", () => {
      const info = describeCertificate(root.certPem, days(10));
      const cert = x(root);
      assert.equal(info.subject, "CN=Certs Test Root, O=espruino-tls-check development");
      assert.equal(info.issuer, info.subject);
      assert.equal(info.commonName, "Certs Test Root");
      assert.equal(info.keyType, "RSA 2048");
      assert.equal(info.sha256, createHash("sha256").update(cert.raw).digest("hex").toUpperCase().match(/../g)?.join(":"));
      assert.equal(info.isCa, true);
      assert.equal(info.selfSigned, true);
      assert.equal(info.notAfter.getTime(), root.cert.notAfter.getTime());
      assert.equal(info.notBefore.getTime(), root.cert.notBefore.getTime());
      assert.equal(info.daysLeft, Math.floor((root.cert.notAfter.getTime() - days(10).getTime()) / DAY));
    });

    it("describes an EC self-signed leaf and an issued RSA leaf", () => {
      const ec = describeCertificate(ecLeaf.certPem, NOW);
      assert.equal(ec.keyType, "EC P-256");
      assert.equal(ec.isCa, false);
      assert.equal(ec.selfSigned, true);
      const issued = describeCertificate(x(leaf), NOW);
      assert.equal(issued.selfSigned, false);
      assert.equal(issued.issuer, "CN=Certs Test Intermediate, O=espruino-tls-check development");
      assert.match(issued.subjectAltName ?? "", /DNS:localhost.*IP Address:127\.0\.0\.1/);
    });

    it("describes the shipped ISRG Root X1", () => {
      const pem = readFileSync(new URL("../../certs/isrg-root-x1.pem", import.meta.url), "latin1");
      const info = describeCertificate(pem, new Date("2025-06-04T11:04:38Z"));
      assert.equal(info.subject, "C=US, O=Internet Security Research Group, CN=ISRG Root X1");
      assert.equal(info.keyType, "RSA 4096");
      assert.equal(info.sha256, new X509Certificate(pem).fingerprint256);
      assert.equal(info.notAfter.toISOString(), "2035-06-04T11:04:38.000Z");
      assert.equal(info.daysLeft, 3652);
      assert.ok(info.isCa && info.selfSigned);
    });

    it("parses OpenSSL's time format exactly and rejects anything else", () => {
      fc.assert(
        fc.property(fc.date({ min: new Date("1950-01-01Z"), max: new Date("9999-12-31Z"), noInvalidDate: true }), (date) => {
          const whole = new Date(Math.floor(date.getTime() / 1000) * 1000);
          const [month, day, time, year] = rearrange(whole);
          const text = `${month} ${String(day).padStart(2, " ")} ${time} ${year} GMT`;
          assert.equal(parseOpensslTime(text).getTime(), whole.getTime());
        }),
      );
      assert.throws(() => parseOpensslTime("2035-06-04T11:04:38Z"), CertificateError);
      assert.throws(() => parseOpensslTime("Foo  4 11:04:38 2035 GMT"), CertificateError);
    });

    it("refuses input that is not a certificate", () => {
      assert.throws(() => parseCertificate("nothing here"), /found 0/);
      assert.throws(() => parseCertificate(encodePem("CERTIFICATE", randomBytes(40))), /not a valid X\.509 certificate/);
      assert.throws(() => parseCertificate(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])), CertificateError);
    });
  });

  describe("checkTrustAnchor", () => {
    it("accepts a valid root with nothing to say", () => {
      const check = checkTrustAnchor(root.certPem, NOW);
      assert.deepEqual(check.errors, []);
      assert.deepEqual(check.warnings, []);
      assert.equal(check.certificates[0].commonName, "Certs Test Root");
    });

    it("refuses an expired CA", async () => {
      const expired = await createCa({ commonName: "Old Root", notBefore: days(-400), notAfter: days(-3) });
      const check = checkTrustAnchor(expired.certPem, NOW);
      assert.equal(check.errors.length, 1);
      assert.match(check.errors[0], /"Old Root" expired on \d{4}-\d\d-\d\d \(3 days ago\)/);
    });

    it("refuses a CA that is not valid yet", async () => {
      const future = await createCa({ commonName: "Future Root", notBefore: days(5), notAfter: days(500) });
      const check = checkTrustAnchor(future.certPem, NOW);
      assert.equal(check.errors.length, 1);
      assert.match(check.errors[0], /"Future Root" is not valid yet/);
      assert.deepEqual(checkTrustAnchor(future.certPem, days(6)).errors, []);
    });

    it("refuses a certificate that is not a CA", () => {
      const check = checkTrustAnchor(leaf.certPem, NOW);
      assert.equal(check.errors.length, 1);
      assert.match(check.errors[0], /"localhost" is not a CA certificate/);
    });

    it("warns about a CA that expires in 30 days", async () => {
      const soon = await createCa({ commonName: "Soon Root", notBefore: days(-300), notAfter: new Date(days(30).getTime() + 3_600_000) });
      const check = checkTrustAnchor(soon.certPem, NOW);
      assert.deepEqual(check.errors, []);
      assert.equal(check.warnings.length, 1);
      assert.match(check.warnings[0], /"Soon Root" expires on .*, in 30 days/);
      assert.deepEqual(checkTrustAnchor(soon.certPem, days(-70)).warnings, [], "more than 90 days before expiry");
    });

    it("judges each validity bound to the second, and the 90-day warning to the day", async () => {
      const start = new Date("2027-01-01T00:00:00Z");
      const end = new Date("2028-01-01T00:00:00Z");
      const bounded = await createCa({ commonName: "Bounded Root", notBefore: start, notAfter: end });
      const at = (ms: number) => checkTrustAnchor(bounded.certPem, new Date(ms));
      assert.match(at(start.getTime() - 1000).errors.join(), /not valid yet: its validity starts on 2027-01-01/);
      assert.deepEqual(at(start.getTime()).errors, []);
      assert.deepEqual(at(end.getTime()).errors, [], "valid through its last second");
      assert.match(at(end.getTime() + 1000).errors.join(), /"Bounded Root" expired on 2028-01-01/);
      const warnFrom = end.getTime() - 90 * DAY;
      assert.deepEqual(at(warnFrom - 1000).warnings, [], "90 days and a second before the end: no warning");
      assert.match(at(warnFrom + 1000).warnings.join(), /expires on 2028-01-01, in 89 days/);
      const client = await issueLeaf(root, "client", { commonName: "bounded-device", notBefore: start, notAfter: end });
      const clientAt = (ms: number) => checkClientCertificate(client.certPem, client.keyPem, new Date(ms)).errors.join();
      assert.match(clientAt(start.getTime() - 1000), /not valid yet/);
      assert.equal(clientAt(start.getTime()), "");
      assert.equal(clientAt(end.getTime()), "");
      assert.match(clientAt(end.getTime() + 1000), /expired/);
    });

    it("warns that an intermediate is not a root", () => {
      const check = checkTrustAnchor(intermediate.certPem, NOW);
      assert.deepEqual(check.errors, []);
      assert.match(check.warnings.join("\n"), /intermediate CA \(issued by "CN=Certs Test Root/);
    });

    it("allows a self-signed leaf only when asked, and then warns", () => {
      assert.match(checkTrustAnchor(ecLeaf.certPem, NOW).errors.join("\n"), /not a CA certificate/);
      const allowed = checkTrustAnchor(ecLeaf.certPem, NOW, { allowSelfSignedLeaf: true });
      assert.deepEqual(allowed.errors, []);
      assert.match(allowed.warnings.join("\n"), /self-signed server certificate.*renews/);
      assert.match(checkTrustAnchor(leaf.certPem, NOW, { allowSelfSignedLeaf: true }).errors.join("\n"), /not a CA/, "an issued leaf stays refused");
    });

    it("refuses files that are not exactly one certificate", () => {
      assert.match(checkTrustAnchor("", NOW).errors.join(), /no PEM certificate found/);
      assert.match(checkTrustAnchor("-----BEGIN CERTIFICATE-----\nAA\n", NOW).errors.join(), /not readable as PEM/);
      assert.match(checkTrustAnchor(root.certPem + intermediate.certPem, NOW).errors.join(), /holds 2 certificates; the device pins exactly one/);
      const withKey = checkTrustAnchor(root.certPem + root.keyPem, NOW);
      assert.match(withKey.errors.join(), /holds a private key/);
      assert.ok(!withKey.errors.join().includes(pemToBase64(root.keyPem).slice(0, 20)), "no key material in messages");
      assert.match(checkTrustAnchor(encodePem("CERTIFICATE", randomBytes(64)), NOW).errors.join(), /not a valid X\.509/);
    });
  });

  describe("checkClientCertificate", () => {
    it("accepts a matching client certificate and key", () => {
      const check = checkClientCertificate(client.certPem, client.keyPem, NOW);
      assert.deepEqual(check.errors, []);
      assert.equal(check.keyFormat, "pkcs8");
      assert.equal(check.certificate?.commonName, "device-1");
    });

    it("refuses a key from another pair without showing either key", () => {
      const check = checkClientCertificate(client.certPem, leaf.keyPem, NOW);
      assert.deepEqual(check.errors, [`the private key does not belong to "device-1" (they are from different pairs)`]);
    });

    it("refuses an expired client certificate", async () => {
      const old = await issueLeaf(root, "client", { commonName: "old-device", notBefore: days(-100), notAfter: days(-1) });
      assert.match(checkClientCertificate(old.certPem, old.keyPem, NOW).errors.join(), /"old-device" expired/);
    });

    it("refuses a CA as a client certificate", () => {
      assert.match(checkClientCertificate(root.certPem, root.keyPem, NOW).errors.join(), /is a CA certificate/);
    });

    it("refuses a server-only certificate, an encrypted key and garbage", () => {
      assert.match(checkClientCertificate(leaf.certPem, leaf.keyPem, NOW).errors.join(), /not for TLS client authentication/);
      const encrypted = createPrivateKey(client.keyPem).export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "pw" }).toString();
      assert.match(checkClientCertificate(client.certPem, encrypted, NOW).errors.join(), /client key: the private key is encrypted/);
      const broken = encodePem("PRIVATE KEY", randomBytes(48));
      const check = checkClientCertificate("nothing", broken, NOW);
      assert.deepEqual(check.errors, ["client certificate: no certificate found in the client certificate file (expected -----BEGIN CERTIFICATE-----)", "client key: the private key does not parse"]);
    });
  });

  describe("choosing the anchor", () => {
    it("matches an issuer by name and signature, not by name alone", async () => {
      const impostor = await createCa({ commonName: "Certs Test Root", notBefore: days(-1) }); // same subject, other key
      assert.equal(x(impostor).subject, x(root).subject);
      assert.equal(issuedBy(x(intermediate), x(root)), true);
      assert.equal(issuedBy(x(intermediate), x(impostor)), false);
      assert.equal(findIssuerIn(x(intermediate), [x(impostor)], NOW), null);
      assert.equal(findIssuerIn(x(intermediate), [x(impostor), x(root), x(leaf)], NOW)?.fingerprint256, x(root).fingerprint256);
    });

    it("measures how far a chain links up", () => {
      assert.equal(linkedLength([]), 0);
      assert.equal(linkedLength([x(leaf), x(intermediate), x(root)]), 3);
      assert.equal(linkedLength([x(leaf), x(root), x(intermediate)]), 1);
      assert.equal(isSelfSigned(x(root)), true);
      assert.equal(isSelfSigned(x(ecLeaf)), true);
      assert.equal(isSelfSigned(x(leaf)), false);
    });

    it("takes the root the server sent", () => {
      let storeRead = false;
      const choice = chooseTrustAnchor([x(leaf), x(intermediate), x(root)], { now: NOW, trustStore: () => ((storeRead = true), []) });
      assert.ok(choice.ok);
      assert.equal(choice.source, "sent");
      assert.equal(choice.index, 2);
      assert.equal(choice.anchor.fingerprint256, x(root).fingerprint256);
      assert.equal(storeRead, false, "the trust store is not read when the root was sent");
    });

    it("finds the missing root in the trust store, or explains", async () => {
      const other = await createCa({ commonName: "Unrelated Root", notBefore: days(-1) });
      const chain = [x(leaf), x(intermediate)];
      const found = chooseTrustAnchor(chain, { now: NOW, trustStore: () => [x(other), x(root)] });
      assert.ok(found.ok && found.source === "trust-store" && found.index === 1);
      assert.equal(found.anchor.fingerprint256, x(root).fingerprint256);
      assert.match(found.notes.join(), /did not send its root/);
      const missing = chooseTrustAnchor(chain, { now: NOW, trustStore: () => [x(other)] });
      assert.ok(!missing.ok && missing.reason === "no-root");
      assert.match(missing.message, /no certificate in the trust store \(1 certificate\) issued "CN=Certs Test Intermediate.*--pick N/);
    });

    it("prefers the store's self-signed root over a cross-signed copy the server sends", async () => {
      const oldRoot = await createCa({ commonName: "Old Cross Root", notBefore: days(-1) });
      const crossSigned = await x509.X509CertificateGenerator.create({
        serialNumber: "01",
        subject: root.cert.subject,
        issuer: oldRoot.cert.subject,
        notBefore: days(-1),
        notAfter: days(100),
        signingAlgorithm: oldRoot.keys.privateKey.algorithm,
        publicKey: root.keys.publicKey,
        signingKey: oldRoot.keys.privateKey,
        extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
      });
      const chain = [x(leaf), x(intermediate), new X509Certificate(new Uint8Array(crossSigned.rawData))];
      assert.equal(linkedLength(chain), 3);
      const choice = chooseTrustAnchor(chain, { now: NOW, trustStore: () => [x(root)] });
      assert.ok(choice.ok && choice.source === "trust-store");
      assert.equal(choice.index, 1, "the store vouches for the intermediate");
      assert.equal(choice.anchor.fingerprint256, x(root).fingerprint256);
    });

    it("asks for --pick before pinning a self-signed leaf, and honours --pick", () => {
      const refused = chooseTrustAnchor([x(ecLeaf)], { now: NOW });
      assert.ok(!refused.ok && refused.reason === "self-signed-leaf");
      assert.match(refused.message, /--pick 0/);
      const picked = chooseTrustAnchor([x(ecLeaf)], { now: NOW, pick: 0 });
      assert.ok(picked.ok && picked.source === "picked");
    });

    it("refuses a pick that does not exist or is outside the chain", () => {
      const outOfRange = chooseTrustAnchor([x(leaf), x(intermediate)], { now: NOW, pick: 2 });
      assert.ok(!outOfRange.ok && outOfRange.reason === "bad-pick");
      assert.match(outOfRange.message, /no certificate 2: the server sent 2 \(0\.\.1\)/);
      const unlinked = chooseTrustAnchor([x(leaf), x(root), x(intermediate)], { now: NOW, pick: 2 });
      assert.ok(!unlinked.ok && unlinked.reason === "bad-pick");
      assert.match(unlinked.notes.join(), /out of order/);
      assert.ok(!chooseTrustAnchor([], { now: NOW }).ok);
    });
  });
});

/** [month, day, time, year] of a date in UTC, the pieces of OpenSSL's format. */
function rearrange(date: Date): [string, number, string, number] {
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const pad = (n: number): string => String(n).padStart(2, "0");
  return [months[date.getUTCMonth()], date.getUTCDate(), `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`, date.getUTCFullYear()];
}
