/*
 * tls_wolfssl_groups.h - which key exchange groups this wolfSSL can offer,
 * decided from its settings. Include after <wolfssl/wolfcrypt/settings.h>.
 *
 * TLS_WOLFSSL_HYBRID is 1 when wolfSSL has X25519MLKEM768 (5.8 and later,
 * built with ML-KEM-768 and X25519), 0 otherwise (Debian 12's 5.5.4).
 */
#ifndef TLS_WOLFSSL_GROUPS_H
#define TLS_WOLFSSL_GROUPS_H

#include <wolfssl/version.h>

#if LIBWOLFSSL_VERSION_HEX >= 0x05008000 && defined(WOLFSSL_HAVE_MLKEM) && !defined(WOLFSSL_NO_ML_KEM) && \
    !defined(WOLFSSL_NO_ML_KEM_768) && defined(HAVE_CURVE25519)
#define TLS_WOLFSSL_HYBRID 1
#else
#define TLS_WOLFSSL_HYBRID 0
#endif

#endif /* TLS_WOLFSSL_GROUPS_H */
