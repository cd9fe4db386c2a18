/*
 * tls_reasons.h - the message JavaScript gets when the server's certificate
 * fails verification, the same whichever TLS library the firmware uses.
 *
 * The reasons are flags with mbedTLS's values (MBEDTLS_X509_BADCERT_* in
 * mbedtls/x509.h) and mbedTLS's own texts: Espruino's TLS has always spoken
 * in mbedTLS's terms, and the app (app/failure.ts) and any script that reads
 * these messages key on them. Pure; no library needed.
 */
#ifndef TLS_REASONS_H
#define TLS_REASONS_H

#include <stddef.h>
#include <stdint.h>

#define TLS_BADCERT_EXPIRED 0x01u
#define TLS_BADCERT_CN_MISMATCH 0x04u
#define TLS_BADCERT_NOT_TRUSTED 0x08u
#define TLS_BADCERT_OTHER 0x0100u
#define TLS_BADCERT_FUTURE 0x0200u
#define TLS_BADCERT_KEY_USAGE 0x0800u
#define TLS_BADCERT_EXT_KEY_USAGE 0x1000u
#define TLS_BADCERT_BAD_MD 0x4000u
#define TLS_BADCERT_BAD_PK 0x8000u
#define TLS_BADCERT_BAD_KEY 0x010000u

/* mbedTLS's MBEDTLS_ERR_X509_CERT_VERIFY_FAILED: the handshake's result then. */
#define TLS_ERR_CERT_VERIFY_FAILED (-0x2700)

/*
 * The message for a failed verification:
 *   "mbedtls_x509_crt_verify: <reason>[; <reason>...] (mbedtls_ssl_handshake returned -0x2700)"
 * with mbedTLS's reason texts in mbedTLS's order, or just
 *   "mbedtls_ssl_handshake returned -0x2700"
 * when `flags` is 0. Always NUL-terminates `out` (size > 0).
 */
void tls_describe_verify_failure(char *out, size_t size, uint32_t flags, int handshake_error);

#endif /* TLS_REASONS_H */
