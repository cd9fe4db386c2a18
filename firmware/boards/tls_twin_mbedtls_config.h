/*
 * tls_twin_mbedtls_config.h - mbedTLS configuration for the LINUX_TLS_TWIN
 * board: Espruino's bundled mbedTLS (2.1.1, libs/crypto/mbedtls) set up for
 * the project's TLS policy instead of Espruino's own config.h.
 *
 * LINUX_TLS_TWIN.py selects it with -DMBEDTLS_CONFIG_FILE. It keeps Espruino's
 * platform glue (memory from the variable store, Espruino's snprintf) and the
 * crypto library's needs, and for TLS offers what firmware/tls allows:
 * TLS 1.2 only, ECDHE-ECDSA and ECDHE-RSA key exchange with AES-GCM, the
 * curves P-256 and P-384 (2.1.1 cannot use X25519 in TLS), SNI, and
 * certificate dates. RSA and DHE key exchange, older protocol versions and
 * renegotiation are compiled out.
 */
#ifndef TLS_TWIN_MBEDTLS_CONFIG_H
#define TLS_TWIN_MBEDTLS_CONFIG_H

/* --- platform: as in Espruino's own configuration ------------------------- */

#include "jsvar.h" /* espruino_snprintf */

/* mbedTLS's heap is Espruino's variable store, so process.memory() shows it,
 * with the C heap as a fallback and a NULL-safe free: tls_twin_alloc.c says
 * why. */
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
#include "tls_twin_alloc.h"
#define MBEDTLS_PLATFORM_CALLOC_MACRO(n, size) tls_twin_calloc((n), (size))
#define MBEDTLS_PLATFORM_FREE_MACRO(p) tls_twin_free(p)
#define MBEDTLS_PLATFORM_SNPRINTF_MACRO espruino_snprintf

/* Smaller code: AES tables as constants, the compact SHA-256. */
#define MBEDTLS_AES_ROM_TABLES
#define MBEDTLS_SHA256_SMALLER

/* --- what Espruino's crypto library uses, by board library ---------------- */

#ifndef USE_SHA1_JS
#define MBEDTLS_SHA1_C
#endif
#ifdef USE_SHA256
#define MBEDTLS_SHA256_C
#endif
#ifdef USE_SHA512
#define MBEDTLS_SHA512_C
#endif

#ifdef USE_AES /* crypto.AES and PBKDF2; the build sets USE_AES with TLS */
#define MBEDTLS_AES_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_CIPHER_MODE_CBC
#define MBEDTLS_CIPHER_MODE_CFB
#define MBEDTLS_CIPHER_MODE_CTR
#define MBEDTLS_MD_C
#define MBEDTLS_OID_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_PKCS5_C
#endif

#ifdef USE_AES_CCM
#define MBEDTLS_AES_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_CCM_C
#endif

/* --- TLS, as the policy needs it ------------------------------------------ */

#ifdef USE_TLS

#if !defined(USE_SHA256) || !defined(USE_SHA512)
#error "LINUX_TLS_TWIN needs the SHA256 and SHA512 libraries (TLS 1.2 PRF, SHA-384 suites)"
#endif

/* TLS 1.2 client only; no renegotiation, no session tickets. */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_PROTO_TLS1_2
/* RFC 7627: binds the session keys to the whole handshake. */
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
/* Send the host name (Espruino's stock config leaves it out, so no SNI). */
#define MBEDTLS_SSL_SERVER_NAME_INDICATION

/* Forward secrecy only: ECDHE, with ECDSA or RSA certificates. */
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
/* ECDH only in 2.1.1 (no TLS group id); the policy filters it out at run time. */
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C /* ECDSA signatures */
#define MBEDTLS_RSA_C        /* RSA certificates */
#define MBEDTLS_PKCS1_V15

/* AEAD records: AES-GCM (2.1.1 has no ChaCha20-Poly1305). */
#define MBEDTLS_AES_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_GCM_C
#define MBEDTLS_MD_C
#define MBEDTLS_CTR_DRBG_C

/* Certificates: parse, check key usage, check dates against the clock. */
#define MBEDTLS_OID_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_CHECK_KEY_USAGE
#define MBEDTLS_X509_CHECK_EXTENDED_KEY_USAGE
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE

#endif /* USE_TLS */

#include "mbedtls/check_config.h"

#endif /* TLS_TWIN_MBEDTLS_CONFIG_H */
