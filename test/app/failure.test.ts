import assert from "node:assert/strict";
import { classifyConnection, ConnectionEvidence, failure } from "../../app/failure.ts";

const none: ConnectionEvidence = { thrown: null, socketError: null, uncaught: null };

function classify(evidence: Partial<ConnectionEvidence>) {
  return classifyConnection({ ...none, ...evidence });
}

describe("failure", () => {
  it("gives every code a default hint", () => {
    for (const code of ["NO_TLS", "WIFI", "DNS", "REFUSED", "TIMEOUT", "TLS_HANDSHAKE", "CERT_VERIFY", "HTTP_STATUS", "BAD_RESPONSE", "TOO_LARGE"] as const) {
      assert.ok(failure(code, "x").hint.length > 10, code);
    }
    assert.equal(failure("CONFIG", "x", "do this").hint, "do this");
  });

  describe("classifies what Espruino 2v29 reports", () => {
    // Messages as measured on the Linux build (docs/espruino-behaviour.md).
    const cases: Array<[string, Partial<ConnectionEvidence>, string, RegExp?]> = [
      ["DNS failure thrown by connect", { thrown: "Unable to locate host" }, "DNS"],
      ["refusal thrown by connect", { thrown: "Unable to create socket" }, "REFUSED"],
      ["an unparseable CA", { thrown: "HTTPS init failed! mbedtls_x509_crt_parse of 'ca': Invalid format" }, "CONFIG", /parse/],
      ["an unparseable key", { thrown: "HTTPS init failed! mbedtls_pk_parse_key: Invalid format" }, "CONFIG"],
      ["no memory for the TLS context", { thrown: "Not enough memory to allocate SSL socket" }, "TLS_HANDSHAKE", /memory/i],
      [
        "a fatal alert (no shared cipher, or a client certificate required)",
        { socketError: { code: -8, message: "unsent data" }, uncaught: "mbedtls_ssl_handshake returned -0x7780" },
        "TLS_HANDSHAKE",
        /ECDHE.*client certificate/,
      ],
      ["a server that is not TLS", { uncaught: "mbedtls_ssl_handshake returned -0x7200" }, "TLS_HANDSHAKE", /not speak TLS/],
      ["a protocol version refusal", { uncaught: "mbedtls_ssl_handshake returned -0x6e00" }, "TLS_HANDSHAKE", /TLS 1\.2/],
      ["verification failed without a reason", { uncaught: "mbedtls_ssl_handshake returned -0x2700" }, "CERT_VERIFY", /fetch-ca/],
      [
        "an expired certificate",
        { uncaught: "mbedtls_x509_crt_verify:   ! The certificate validity has expired\n" },
        "CERT_VERIFY",
        /Renew/,
      ],
      [
        "a certificate not valid yet",
        { uncaught: "mbedtls_x509_crt_verify:   ! The certificate validity starts in the future\n" },
        "CERT_VERIFY",
        /clock/,
      ],
      [
        "a hostname mismatch",
        { uncaught: "mbedtls_x509_crt_verify:   ! The certificate Common Name (CN) does not match with the expected CN\n" },
        "CERT_VERIFY",
        /host name/,
      ],
      [
        "an unknown CA",
        { uncaught: "mbedtls_x509_crt_verify:   ! The certificate is not correctly signed by the trusted CA\n" },
        "CERT_VERIFY",
        /fetch-ca/,
      ],
      [
        "this project's firmware: several reasons and the handshake code",
        { uncaught: "mbedtls_x509_crt_verify: The certificate validity has expired; The certificate Common Name (CN) does not match with the expected CN (mbedtls_ssl_handshake returned -0x2700)" },
        "CERT_VERIFY",
        /Renew/,
      ],
      [
        "this project's firmware: an unknown CA",
        { uncaught: "mbedtls_x509_crt_verify: The certificate is not correctly signed by the trusted CA (mbedtls_ssl_handshake returned -0x2700)" },
        "CERT_VERIFY",
        /fetch-ca/,
      ],
      ["a socket timeout", { socketError: { code: -3, message: "timeout" } }, "TIMEOUT"],
      ["an ESP32 reset before any byte", { socketError: { code: -9, message: "connection reset" } }, "REFUSED"],
      ["no route", { socketError: { code: -4, message: "no route" } }, "REFUSED"],
      ["only 'unsent data' and no reason", { socketError: { code: -8, message: "unsent data" } }, "TLS_HANDSHAKE", /unsent data/],
      ["a close with no evidence at all", {}, "TLS_HANDSHAKE", /closed before any response/],
    ];
    for (const [name, evidence, code, hint] of cases) {
      it(name, () => {
        const result = classify(evidence);
        assert.equal(result.error, code);
        if (hint) assert.match(result.detail + " " + result.hint, hint);
      });
    }
  });

  it("puts the message on one line in the detail", () => {
    const result = classify({ uncaught: "mbedtls_x509_crt_verify:\n  ! The certificate validity has expired\n  ! Other\n" });
    assert.equal(result.detail, "mbedtls_x509_crt_verify: ! The certificate validity has expired ! Other");
  });

  it("prefers the synchronous throw, then the uncaught error, then the socket error", () => {
    assert.equal(classify({ thrown: "Unable to locate host", uncaught: "returned -0x7780" }).error, "DNS");
    assert.equal(classify({ uncaught: "returned -0x2700", socketError: { code: -9, message: "connection reset" } }).error, "CERT_VERIFY");
  });
});
