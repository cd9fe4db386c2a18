/*
 * xtensa_mbedtls_config.h - an mbedTLS 2.28 configuration for compiling the
 * mbedTLS policy for a 32-bit Xtensa target (the firmware tests'
 * xtensa-lx106-elf-gcc build). It stands in for ESP-IDF 4.4's configuration
 * with ../sdkconfig.tls merged: a TLS 1.2 client with ECDHE, AEAD suites,
 * the three curves and dates. Debian's own config.h cannot be used there:
 * it turns on pthread threading, which a bare Xtensa toolchain has no header
 * for. Defining TLS_XTENSA_NO_TIME_DATE leaves certificate dates out, as
 * stock ESP32 builds do, so the policy's own date check compiles too.
 */
#ifndef XTENSA_MBEDTLS_CONFIG_H
#define XTENSA_MBEDTLS_CONFIG_H

#define MBEDTLS_HAVE_TIME
#ifndef TLS_XTENSA_NO_TIME_DATE
#define MBEDTLS_HAVE_TIME_DATE
#endif

#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_RENEGOTIATION
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED

#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15

#define MBEDTLS_AES_C
#define MBEDTLS_GCM_C
#define MBEDTLS_CHACHA20_C
#define MBEDTLS_POLY1305_C
#define MBEDTLS_CHACHAPOLY_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_MD_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA512_C
#define MBEDTLS_CTR_DRBG_C

#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_OID_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C

#include "mbedtls/check_config.h"

#endif /* XTENSA_MBEDTLS_CONFIG_H */
