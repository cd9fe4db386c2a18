/*
 * tls_wolfssl_errors.h - wolfSSL's errors in the words JavaScript already
 * knows.
 *
 * Espruino's TLS has always reported mbedTLS's error codes, and the app
 * (app/failure.ts) classifies failures by them: -0x2700 a certificate that
 * failed verification, with mbedTLS's reason texts; -0x7780 a fatal alert
 * from the server; -0x7200 a server that does not speak TLS; "Not enough
 * memory". The wolfSSL backend translates wolfSSL's errors into the same
 * codes and texts, so a script sees the same failure on either firmware.
 */
#ifndef TLS_WOLFSSL_ERRORS_H
#define TLS_WOLFSSL_ERRORS_H

#include <stddef.h>
#include <stdint.h>

/* mbedTLS's codes, as Espruino passes them to JavaScript. */
#define TLS_ERR_SSL_FATAL_ALERT_MESSAGE (-0x7780)
#define TLS_ERR_SSL_INVALID_RECORD (-0x7200)
#define TLS_ERR_SSL_INVALID_MAC (-0x7180)
#define TLS_ERR_SSL_BAD_HS_SERVER_HELLO (-0x7980)
#define TLS_ERR_SSL_BAD_HS_CERTIFICATE (-0x7A00)
#define TLS_ERR_SSL_BAD_HS_SERVER_KEY_EXCHANGE (-0x7B00)
#define TLS_ERR_SSL_BAD_HS_PROTOCOL_VERSION (-0x6E80)
#define TLS_ERR_SSL_INTERNAL_ERROR (-0x6C00)
#define TLS_ERR_SSL_ALLOC_FAILED (-0x7F00)
#define TLS_ERR_X509_INVALID_FORMAT (-0x2180)

typedef struct {
  /* What Espruino reports: an mbedTLS code, or TLS_POLICY_SOCKET_CLOSED
   * (-1) when the connection was closed under the handshake. */
  int code;
  /* With TLS_ERR_CERT_VERIFY_FAILED: the reasons (tls_reasons.h flags). */
  uint32_t flags;
  /* Whether the translation is approximate (no mbedTLS counterpart): the
   * message then also names wolfSSL's code. */
  int unmapped;
} tls_wolfssl_failure;

/*
 * The failure behind wolfSSL's error `error` (wolfSSL_get_error()).
 * `ip_mismatch`: the policy's own check refused the certificate's addresses
 * (wolfSSL then reports a generic verify error).
 */
tls_wolfssl_failure tls_wolfssl_translate(int error, int ip_mismatch);

/*
 * The text of the exception JavaScript gets for a failed handshake, as
 * Espruino words it: "mbedtls_ssl_handshake returned -0x7780", or the
 * verification message of tls_reasons.h. An unmapped error also names
 * wolfSSL's code: "... returned -0x6c00 (wolfSSL error -308)".
 */
void tls_wolfssl_describe(char *out, size_t size, const tls_wolfssl_failure *failure, int error);

/* Espruino's words for an mbedTLS code (jswrap_crypto_error_to_jsvar):
 * "Not enough memory", "Invalid format", or "-0x7780". */
void tls_error_words(char *out, size_t size, int code);

#endif /* TLS_WOLFSSL_ERRORS_H */
