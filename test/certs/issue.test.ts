import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { createCa, issueLeaf, selfSignedLeaf } from "../../scripts/certs/issue.ts";

describe("pki", () => {
  it("issues a server certificate that chains to its CA and carries its names", async () => {
    const ca = await createCa({ commonName: "Test CA" });
    const leaf = await issueLeaf(ca, "server", { commonName: "localhost", names: ["localhost", "127.0.0.1"] });
    const caCert = new X509Certificate(ca.certPem);
    const leafCert = new X509Certificate(leaf.certPem);
    assert.equal(caCert.ca, true);
    assert.equal(leafCert.ca, false);
    assert.ok(leafCert.checkIssued(caCert));
    assert.ok(leafCert.verify(caCert.publicKey));
    assert.equal(leafCert.checkHost("localhost"), "localhost");
    assert.equal(leafCert.checkIP("127.0.0.1"), "127.0.0.1");
    assert.match(leaf.keyPem, /^-----BEGIN PRIVATE KEY-----\n/);
  });

  it("honours a validity window in the past", async () => {
    const notBefore = new Date("2020-01-01T00:00:00Z");
    const notAfter = new Date("2021-01-01T00:00:00Z");
    const leaf = await selfSignedLeaf({ commonName: "old", notBefore, notAfter, key: "ec-p256" });
    const cert = new X509Certificate(leaf.certPem);
    assert.equal(new Date(cert.validTo).getTime(), notAfter.getTime());
    assert.equal(cert.publicKey.asymmetricKeyType, "ec");
  });
});
