import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import fs from "node:fs";
import { decoyOf } from "../../app/decoy.ts";
import { createCa, issueLeaf } from "../../scripts/certs/issue.ts";

function der(pem: string): string {
  return new X509Certificate(pem).raw.toString("latin1");
}

function decoyCertificate(pem: string): X509Certificate {
  return new X509Certificate(Buffer.from(decoyOf(der(pem)), "latin1"));
}

describe("decoy", () => {
  it("changes one bit of the subject of the shipped ISRG Root X1 and nothing else", () => {
    const pem = fs.readFileSync(new URL("../../certs/isrg-root-x1.pem", import.meta.url), "utf8");
    const original = der(pem);
    const decoy = decoyOf(original);
    assert.equal(decoy.length, original.length);
    const differing = [...original].filter((c, i) => c !== decoy[i]).length;
    assert.equal(differing, 1);
    const cert = decoyCertificate(pem);
    assert.equal(cert.subject, new X509Certificate(pem).subject.replace("ISRG Root X1", "ISRG Root X0"));
    assert.equal(cert.issuer, new X509Certificate(pem).issuer, "only the subject changes");
  });

  for (const key of ["rsa2048", "ec-p256"] as const) {
    it(`makes a ${key} CA that its own leaves no longer chain to`, async () => {
      const ca = await createCa({ commonName: "Decoy Test CA " + key, key });
      const leaf = await issueLeaf(ca, "server", { commonName: "localhost", names: ["localhost"], key });
      const decoy = decoyCertificate(ca.certPem);
      const leafCert = new X509Certificate(leaf.certPem);
      assert.ok(leafCert.checkIssued(new X509Certificate(ca.certPem)));
      assert.equal(leafCert.checkIssued(decoy), false);
      assert.notEqual(decoy.subject, new X509Certificate(ca.certPem).subject);
    });
  }
});
