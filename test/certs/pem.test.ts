import assert from "node:assert/strict";
import { X509Certificate, createPrivateKey } from "node:crypto";
import fc from "fast-check";
import type { Issued } from "../../scripts/certs/issue.ts";
import { PemError, base64ToPem, encodePem, parsePem, pemKind, pemToBase64, privateKeyFormat, splitCertificates } from "../../scripts/certs/pem.ts";
import { testChain, x509Of } from "./test-chain.ts";

describe("certs/pem", () => {
  let root: Issued, intermediate: Issued, leaf: Issued, ecLeaf: Issued;

  before(async () => {
    ({ root, intermediate, leaf, ecLeaf } = await testChain());
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
        assert.equal(x509Of(root).fingerprint256, new X509Certificate(certs[0]).fingerprint256);
        assert.equal(x509Of(intermediate).fingerprint256, new X509Certificate(certs[1]).fingerprint256);
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
});
