import assert from "node:assert/strict";
import { createPrivateKey, randomBytes } from "node:crypto";
import { type Issued, createCa, issueLeaf } from "../../scripts/certs/issue.ts";
import { checkClientCertificate, checkTrustAnchor } from "../../scripts/certs/checks.ts";
import { encodePem, pemToBase64 } from "../../scripts/certs/pem.ts";
import { DAY, NOW, days, testChain } from "./test-chain.ts";

describe("certs/checks", () => {
  let root: Issued, intermediate: Issued, leaf: Issued, ecLeaf: Issued, client: Issued;

  before(async () => {
    ({ root, intermediate, leaf, ecLeaf, client } = await testChain());
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
});
