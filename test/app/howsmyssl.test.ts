import assert from "node:assert/strict";
import fc from "fast-check";
import { parseHowsmyssl } from "../../app/howsmyssl.ts";
import { howsmysslJson } from "../support/espruino-stub.ts";

describe("howsmyssl", () => {
  it("turns an answer into the report", () => {
    const report = parseHowsmyssl(
      howsmysslJson({
        insecure_cipher_suites: { TLS_RSA_WITH_RC4_128_SHA: ["uses RC4, which has insecure biases in its output"] },
        post_quantum_key_agreement: true,
      }),
    );
    assert.deepEqual(report, {
      tls_version: "TLS 1.2",
      rating: "Improvable",
      suites_offered: 2,
      insecure_cipher_suites: { TLS_RSA_WITH_RC4_128_SHA: ["uses RC4, which has insecure biases in its output"] },
      given_named_groups: ["x25519", "secp256r1", "secp384r1"],
      ephemeral_keys_supported: true,
      session_ticket_supported: false,
      tls_compression_supported: false,
      post_quantum_key_agreement: true,
    });
  });

  it("says why a body is not an answer", () => {
    assert.equal(parseHowsmyssl("<html>nope</html>"), "not JSON");
    assert.equal(parseHowsmyssl(""), "not JSON");
    assert.equal(parseHowsmyssl("null"), "not a howsmyssl answer");
    assert.equal(parseHowsmyssl('{"rating":"Bad"}'), "not a howsmyssl answer");
    assert.equal(parseHowsmyssl('{"tls_version":1.2,"rating":"Bad"}'), "not a howsmyssl answer");
  });

  it("takes only true as true and tolerates missing or odd fields", () => {
    const report = parseHowsmyssl('{"tls_version":"TLS 1.3","rating":"Probably Okay","ephemeral_keys_supported":"yes","given_cipher_suites":7,"insecure_cipher_suites":"none"}');
    assert.ok(typeof report === "object");
    assert.equal(report.ephemeral_keys_supported, false);
    assert.equal(report.suites_offered, 0);
    assert.deepEqual(report.insecure_cipher_suites, {});
    assert.deepEqual(report.given_named_groups, []);
  });

  it("never throws on arbitrary JSON or text (property)", () => {
    fc.assert(fc.property(fc.oneof(fc.json(), fc.string()), (text) => {
      const result = parseHowsmyssl(text);
      return typeof result === "string" || typeof result.tls_version === "string";
    }));
  });
});
