import assert from "node:assert/strict";
import { X509Certificate, createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import type { Issued } from "../../scripts/certs/issue.ts";
import { CertificateError, describeCertificate, isSelfSigned, parseCertificate, parseOpensslTime } from "../../scripts/certs/certificate.ts";
import { encodePem } from "../../scripts/certs/pem.ts";
import { DAY, NOW, days, testChain, x509Of } from "./test-chain.ts";

describe("certs/certificate", () => {
  let root: Issued, leaf: Issued, ecLeaf: Issued;

  before(async () => {
    ({ root, leaf, ecLeaf } = await testChain());
  });

  describe("describeCertificate", () => {
    it("describes a generated RSA CA", () => {
      const info = describeCertificate(root.certPem, days(10));
      const cert = x509Of(root);
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
      const issued = describeCertificate(x509Of(leaf), NOW);
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

    it("calls a certificate self-signed when its own key verifies it, not when another issued it", () => {
      assert.equal(isSelfSigned(x509Of(root)), true);
      assert.equal(isSelfSigned(x509Of(ecLeaf)), true);
      assert.equal(isSelfSigned(x509Of(leaf)), false);
    });
  });
});

/** [month, day, time, year] of a date in UTC, the pieces of OpenSSL's format. */
function rearrange(date: Date): [string, number, string, number] {
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const pad = (n: number): string => String(n).padStart(2, "0");
  return [months[date.getUTCMonth()], date.getUTCDate(), `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`, date.getUTCFullYear()];
}
