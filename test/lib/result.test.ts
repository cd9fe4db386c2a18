import assert from "node:assert/strict";
import { exitCodeFor, parseResultLine, ratingReasons, type ResultJson } from "../../scripts/lib/result.ts";

/** A RESULT with the fields every line has, and `fields`. */
const result = (fields: Partial<ResultJson>): ResultJson => ({ ok: true, url: "u", ms: 1, mem_peak: null, firmware: "2v29", ...fields });

describe("result", () => {
  it("finds the RESULT object in a line, even after a prompt", () => {
    assert.deepEqual(parseResultLine('RESULT {"ok":true,"url":"u"}'), { ok: true, url: "u" });
    assert.deepEqual(parseResultLine('>RESULT {"ok":false,"url":"u","error":"DNS"}')?.error, "DNS");
    assert.equal(parseResultLine("RESULT {broken"), null);
    assert.equal(parseResultLine("TLS: host:443"), null);
    assert.equal(parseResultLine('RESULT {"url":"no ok"}'), null);
  });

  it("maps results to exit codes", () => {
    const ok = result({ rating: "Improvable" });
    assert.equal(exitCodeFor(ok), 0);
    assert.equal(exitCodeFor(null), 2);
    assert.equal(exitCodeFor(result({ ok: false })), 2);
    assert.equal(exitCodeFor(ok, "improvable"), 3);
    assert.equal(exitCodeFor(ok, "bad"), 0);
    assert.equal(exitCodeFor({ ...ok, rating: "Bad" }, "bad"), 3);
    assert.equal(exitCodeFor({ ...ok, rating: "Probably Okay" }, "improvable"), 0);
    assert.equal(exitCodeFor({ ...ok, rating: "Something new" }, "bad"), 3, "an unknown rating is not taken as good");
  });

  it("exits 2 when publishing was asked for and failed, whatever the check and the rating say", () => {
    const published = { broker: "b:8883", topic: "t", published: true, cert_verified: true, ms: 5 };
    const refused = { broker: "b:8883", topic: "t", published: false, error: "TLS_HANDSHAKE", detail: "d", hint: "h", ms: 5 };
    assert.equal(exitCodeFor(result({ rating: "Probably Okay", report: published })), 0);
    assert.equal(exitCodeFor(result({ rating: "Bad", report: published }), "bad"), 3);
    assert.equal(exitCodeFor(result({ rating: "Probably Okay", report: refused })), 2);
    assert.equal(exitCodeFor(result({ rating: "Bad", report: refused }), "bad"), 2);
    assert.equal(exitCodeFor(result({ ok: false, report: published })), 2, "a failed check, published, is still a failed check");
  });

  it("explains a rating from the fields", () => {
    const reasons = ratingReasons(result({ tls_version: "TLS 1.2", ephemeral_keys_supported: true, post_quantum_key_agreement: false, insecure_cipher_suites: {} }));
    assert.equal(reasons.length, 2);
    assert.match(reasons[0], /TLS 1\.2/);
    assert.match(reasons[1], /post-quantum/);
    assert.deepEqual(ratingReasons(result({ tls_version: "TLS 1.3", post_quantum_key_agreement: true, ephemeral_keys_supported: true })), []);
  });
});
