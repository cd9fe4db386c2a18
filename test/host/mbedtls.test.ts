import assert from "node:assert/strict";
import {
  MBEDTLS,
  X509,
  handshakeMessage,
  mbedtlsCodeForNodeError,
  socketErrorString,
  verifyFlags,
  verifyInfo,
  verifyMessage,
} from "../../scripts/host/mbedtls.ts";

const now = new Date("2026-11-28T12:00:00Z");
const valid = { notBefore: new Date("2026-01-01T00:00:00Z"), notAfter: new Date("2027-01-01T00:00:00Z") };

describe("host mbedTLS reporting", () => {
  it("formats handshake failures like network.c", () => {
    assert.equal(handshakeMessage(MBEDTLS.FATAL_ALERT_MESSAGE), "mbedtls_ssl_handshake returned -0x7780");
    assert.equal(handshakeMessage(MBEDTLS.INVALID_RECORD), "mbedtls_ssl_handshake returned -0x7200");
    assert.equal(handshakeMessage(-0x3d00), "mbedtls_ssl_handshake returned Invalid format");
  });

  it("lists every verify reason in mbedTLS's order, one '  ! ' line each", () => {
    const flags = X509.BADCERT_FUTURE | X509.BADCERT_EXPIRED | X509.BADCERT_CN_MISMATCH;
    assert.equal(
      verifyInfo(flags),
      "  ! The certificate validity has expired\n" +
        "  ! The certificate Common Name (CN) does not match with the expected CN\n" +
        "  ! The certificate validity starts in the future\n",
    );
    assert.equal(verifyInfo(0x40000000), "  ! Unknown reason (this should not happen)\n");
    // The project's firmware puts the reasons on one line (firmware/tls/tls_policy_cert.c).
    assert.equal(
      verifyMessage(X509.BADCERT_NOT_TRUSTED | X509.BADCERT_EXPIRED),
      "mbedtls_x509_crt_verify: The certificate validity has expired; The certificate is not correctly signed by the trusted CA " +
        "(mbedtls_ssl_handshake returned -0x2700)",
    );
    assert.equal(verifyMessage(0), "mbedtls_ssl_handshake returned -0x2700");
  });

  it("reports all certificate problems at once, unlike Node", () => {
    assert.equal(verifyFlags({ now, validity: [valid], trusted: true, nameMatches: true }), 0);
    const expired = { notBefore: new Date("2020-01-01T00:00:00Z"), notAfter: new Date("2021-01-01T00:00:00Z") };
    assert.equal(
      verifyFlags({ now, validity: [expired, valid], trusted: false, nameMatches: false }),
      X509.BADCERT_EXPIRED | X509.BADCERT_NOT_TRUSTED | X509.BADCERT_CN_MISMATCH,
    );
    const future = { notBefore: new Date("2027-01-01T00:00:00Z"), notAfter: new Date("2028-01-01T00:00:00Z") };
    assert.equal(verifyFlags({ now, validity: [future], trusted: true, nameMatches: true }), X509.BADCERT_FUTURE);
    assert.equal(
      verifyFlags({ now, validity: [valid], trusted: true, nameMatches: true, nodeError: "INVALID_PURPOSE" }),
      X509.BADCERT_EXT_KEY_USAGE,
    );
    assert.equal(verifyFlags({ now, validity: [valid], trusted: true, nameMatches: true, nodeError: "SOMETHING_NEW" }), X509.BADCERT_NOT_TRUSTED);
  });

  it("maps Node's TLS errors to mbedTLS codes", () => {
    assert.equal(mbedtlsCodeForNodeError("ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE"), MBEDTLS.FATAL_ALERT_MESSAGE);
    assert.equal(mbedtlsCodeForNodeError("ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION"), MBEDTLS.FATAL_ALERT_MESSAGE);
    assert.equal(mbedtlsCodeForNodeError("ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED"), MBEDTLS.FATAL_ALERT_MESSAGE);
    assert.equal(mbedtlsCodeForNodeError("ERR_SSL_WRONG_VERSION_NUMBER"), MBEDTLS.INVALID_RECORD);
    assert.equal(mbedtlsCodeForNodeError("ERR_SSL_PACKET_LENGTH_TOO_LONG"), MBEDTLS.INVALID_RECORD);
    assert.equal(mbedtlsCodeForNodeError("ERR_SSL_UNSUPPORTED_PROTOCOL"), MBEDTLS.BAD_HS_PROTOCOL_VERSION);
    assert.equal(mbedtlsCodeForNodeError("ECONNRESET"), MBEDTLS.NET_CLOSED);
    assert.equal(
      mbedtlsCodeForNodeError(undefined, "Client network socket disconnected before secure TLS connection was established"),
      MBEDTLS.NET_CLOSED,
    );
    assert.equal(mbedtlsCodeForNodeError("ERR_SOMETHING_ELSE"), MBEDTLS.INTERNAL_ERROR);
  });

  it("names socket errors like socketerrors.c", () => {
    assert.equal(socketErrorString(-8), "unsent data");
    assert.equal(socketErrorString(-1), "connection closed");
    assert.equal(socketErrorString(-15), "no response");
    assert.equal(socketErrorString(MBEDTLS.PEER_CLOSE_NOTIFY), "unknown error");
  });
});
