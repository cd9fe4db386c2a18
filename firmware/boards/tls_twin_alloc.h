/*
 * tls_twin_alloc.h - the TLS library's allocator on the Linux twins
 * (tls_twin_alloc.c): memory from Espruino's variable store, so that
 * process.memory() counts it. mbedTLS uses calloc/free
 * (tls_twin_mbedtls_config.h), wolfSSL malloc/realloc/free
 * (../wolfssl/user_settings.h with TLS_TWIN_ALLOC).
 */
#ifndef TLS_TWIN_ALLOC_H
#define TLS_TWIN_ALLOC_H

#include <stddef.h>

void *tls_twin_calloc(size_t n, size_t size);
void *tls_twin_malloc(size_t size);
void *tls_twin_realloc(void *p, size_t size);
void tls_twin_free(void *p);

#endif /* TLS_TWIN_ALLOC_H */
