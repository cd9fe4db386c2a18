/*
 * tls_wolfssl_errors.c - wolfSSL's error codes mapped to mbedTLS's.
 * See tls_wolfssl_errors.h.
 */
#include "tls_wolfssl_errors.h"

#include <stdio.h>

#ifndef WOLFSSL_USER_SETTINGS
#include <wolfssl/options.h>
#endif
#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/error-ssl.h>
#include <wolfssl/wolfcrypt/error-crypt.h>

#include "tls_policy.h"
#include "tls_reasons.h"

static tls_wolfssl_failure verify_failed(uint32_t flags)
{
  tls_wolfssl_failure f;
  f.code = TLS_ERR_CERT_VERIFY_FAILED;
  f.flags = flags;
  f.unmapped = 0;
  return f;
}

static tls_wolfssl_failure failed(int code, int unmapped)
{
  tls_wolfssl_failure f;
  f.code = code;
  f.flags = 0;
  f.unmapped = unmapped;
  return f;
}

tls_wolfssl_failure tls_wolfssl_translate(int error, int ip_mismatch)
{
  switch (error) {
  /* The server's certificate. */
  case ASN_AFTER_DATE_E: return verify_failed(TLS_BADCERT_EXPIRED);
  case ASN_BEFORE_DATE_E: return verify_failed(TLS_BADCERT_FUTURE);
  case DOMAIN_NAME_MISMATCH:
  case IPADDR_MISMATCH: return verify_failed(TLS_BADCERT_CN_MISMATCH);
  case VERIFY_CERT_ERROR: return verify_failed(ip_mismatch ? TLS_BADCERT_CN_MISMATCH : TLS_BADCERT_OTHER);
  case ASN_NO_SIGNER_E:
  case ASN_SIG_CONFIRM_E:
  case ASN_SELF_SIGNED_E:
  case ASN_PATHLEN_INV_E:
  case ASN_PATHLEN_SIZE_E:
  case MAX_CHAIN_ERROR: return verify_failed(TLS_BADCERT_NOT_TRUSTED);
  case ASN_SIG_HASH_E: return verify_failed(TLS_BADCERT_BAD_MD);
  case ASN_SIG_KEY_E:
  case ASN_SIG_OID_E: return verify_failed(TLS_BADCERT_BAD_PK);
  case KEYUSE_SIGNATURE_E:
  case KEYUSE_ENCIPHER_E: return verify_failed(TLS_BADCERT_KEY_USAGE);
  case EXTKEYUSE_AUTH_E: return verify_failed(TLS_BADCERT_EXT_KEY_USAGE);
  case ASN_PARSE_E:
  case ASN_CRIT_EXT_E:
  case NO_PEER_CERT: return failed(TLS_ERR_SSL_BAD_HS_CERTIFICATE, 0);
  /* The handshake. */
  case FATAL_ERROR: return failed(TLS_ERR_SSL_FATAL_ALERT_MESSAGE, 0); /* the server sent a fatal alert */
  case VERSION_ERROR:
  case UNKNOWN_RECORD_TYPE:
  case LENGTH_ERROR: return failed(TLS_ERR_SSL_INVALID_RECORD, 0); /* not a TLS record */
  case VERIFY_MAC_ERROR:
  case DECRYPT_ERROR: return failed(TLS_ERR_SSL_INVALID_MAC, 0);
  case MATCH_SUITE_ERROR: return failed(TLS_ERR_SSL_BAD_HS_SERVER_HELLO, 0);
  case BAD_KEY_SHARE_DATA:
  case ECC_PEERKEY_ERROR:
  case ECC_CURVE_ERROR: return failed(TLS_ERR_SSL_BAD_HS_SERVER_KEY_EXCHANGE, 0);
  case MEMORY_E:
  case MEMORY_ERROR: return failed(TLS_ERR_SSL_ALLOC_FAILED, 0);
  /* The connection went away: Espruino's driver returned -1, which mbedTLS
   * passes on as the handshake's result. */
  case SOCKET_PEER_CLOSED_E:
  case SOCKET_ERROR_E: return failed(TLS_POLICY_SOCKET_CLOSED, 0);
  default: return failed(TLS_ERR_SSL_INTERNAL_ERROR, 1);
  }
}

void tls_error_words(char *out, size_t size, int code)
{
  if (out == NULL || size == 0) return;
  if (code == TLS_ERR_SSL_ALLOC_FAILED) {
    snprintf(out, size, "Not enough memory");
  } else if (code == TLS_ERR_X509_INVALID_FORMAT) {
    snprintf(out, size, "Invalid format");
  } else {
    snprintf(out, size, "-0x%x", code < 0 ? (unsigned int)-code : (unsigned int)code);
  }
}

void tls_wolfssl_describe(char *out, size_t size, const tls_wolfssl_failure *failure, int error)
{
  char words[32];
  if (out == NULL || size == 0) return;
  if (failure->code == TLS_ERR_CERT_VERIFY_FAILED) {
    tls_describe_verify_failure(out, size, failure->flags, failure->code);
    return;
  }
  tls_error_words(words, sizeof words, failure->code);
  if (failure->unmapped) {
    snprintf(out, size, "mbedtls_ssl_handshake returned %s (wolfSSL error %d)", words, error);
  } else {
    snprintf(out, size, "mbedtls_ssl_handshake returned %s", words);
  }
}
