import "reflect-metadata"; // @peculiar/x509 (used below for a cross-signed certificate) needs it first
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { type Issued, createCa } from "../../scripts/certs/issue.ts";
import { chooseTrustAnchor, findIssuerIn, linkedLength } from "../../scripts/certs/anchor-choice.ts";
import { issuedBy } from "../../scripts/certs/certificate.ts";
import { NOW, days, testChain, x509Of } from "./test-chain.ts";

describe("certs/anchor-choice", () => {
  let root: Issued, intermediate: Issued, leaf: Issued, ecLeaf: Issued;

  before(async () => {
    ({ root, intermediate, leaf, ecLeaf } = await testChain());
  });

  describe("choosing the anchor", () => {
    it("matches an issuer by name and signature, not by name alone", async () => {
      const impostor = await createCa({ commonName: "Certs Test Root", notBefore: days(-1) }); // same subject, other key
      assert.equal(x509Of(impostor).subject, x509Of(root).subject);
      assert.equal(issuedBy(x509Of(intermediate), x509Of(root)), true);
      assert.equal(issuedBy(x509Of(intermediate), x509Of(impostor)), false);
      assert.equal(findIssuerIn(x509Of(intermediate), [x509Of(impostor)], NOW), null);
      assert.equal(findIssuerIn(x509Of(intermediate), [x509Of(impostor), x509Of(root), x509Of(leaf)], NOW)?.fingerprint256, x509Of(root).fingerprint256);
    });

    it("measures how far a chain links up", () => {
      assert.equal(linkedLength([]), 0);
      assert.equal(linkedLength([x509Of(leaf), x509Of(intermediate), x509Of(root)]), 3);
      assert.equal(linkedLength([x509Of(leaf), x509Of(root), x509Of(intermediate)]), 1);
    });

    it("takes the root the server sent", () => {
      let storeRead = false;
      const choice = chooseTrustAnchor([x509Of(leaf), x509Of(intermediate), x509Of(root)], { now: NOW, trustStore: () => ((storeRead = true), []) });
      assert.ok(choice.ok);
      assert.equal(choice.source, "sent");
      assert.equal(choice.index, 2);
      assert.equal(choice.anchor.fingerprint256, x509Of(root).fingerprint256);
      assert.equal(storeRead, false, "the trust store is not read when the root was sent");
    });

    it("finds the missing root in the trust store, or explains", async () => {
      const other = await createCa({ commonName: "Unrelated Root", notBefore: days(-1) });
      const chain = [x509Of(leaf), x509Of(intermediate)];
      const found = chooseTrustAnchor(chain, { now: NOW, trustStore: () => [x509Of(other), x509Of(root)] });
      assert.ok(found.ok && found.source === "trust-store" && found.index === 1);
      assert.equal(found.anchor.fingerprint256, x509Of(root).fingerprint256);
      assert.match(found.notes.join(), /did not send its root/);
      const missing = chooseTrustAnchor(chain, { now: NOW, trustStore: () => [x509Of(other)] });
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
      const chain = [x509Of(leaf), x509Of(intermediate), new X509Certificate(new Uint8Array(crossSigned.rawData))];
      assert.equal(linkedLength(chain), 3);
      const choice = chooseTrustAnchor(chain, { now: NOW, trustStore: () => [x509Of(root)] });
      assert.ok(choice.ok && choice.source === "trust-store");
      assert.equal(choice.index, 1, "the store vouches for the intermediate");
      assert.equal(choice.anchor.fingerprint256, x509Of(root).fingerprint256);
    });

    it("asks for --pick before pinning a self-signed leaf, and honours --pick", () => {
      const refused = chooseTrustAnchor([x509Of(ecLeaf)], { now: NOW });
      assert.ok(!refused.ok && refused.reason === "self-signed-leaf");
      assert.match(refused.message, /--pick 0/);
      const picked = chooseTrustAnchor([x509Of(ecLeaf)], { now: NOW, pick: 0 });
      assert.ok(picked.ok && picked.source === "picked");
    });

    it("refuses a pick that does not exist or is outside the chain", () => {
      const outOfRange = chooseTrustAnchor([x509Of(leaf), x509Of(intermediate)], { now: NOW, pick: 2 });
      assert.ok(!outOfRange.ok && outOfRange.reason === "bad-pick");
      assert.match(outOfRange.message, /no certificate 2: the server sent 2 \(0\.\.1\)/);
      const unlinked = chooseTrustAnchor([x509Of(leaf), x509Of(root), x509Of(intermediate)], { now: NOW, pick: 2 });
      assert.ok(!unlinked.ok && unlinked.reason === "bad-pick");
      assert.match(unlinked.notes.join(), /out of order/);
      assert.ok(!chooseTrustAnchor([], { now: NOW }).ok);
    });
  });
});
