/*
 * harness_mbedtls.c - harness_session.h for Espruino's own mbedTLS client
 * (espruino_like.c), with or without the mbedTLS policy.
 */
#include <string.h>

#include "espruino_like.h"
#include "harness_session.h"

const char *harness_backend(void)
{
  return "mbedtls";
}

void harness_session_start(void)
{
}

void harness_session_read(int sckt, harness_session *out)
{
  mbedtls_ssl_context *ssl = el_ssl(sckt);
  int hs = el_handshake_result(sckt);
  memset(out, 0, sizeof *out);
  if (ssl == NULL) return;
  out->present = 1;
  out->handshake_done = el_handshake_done(sckt);
  if (hs != 0 && hs != MBEDTLS_ERR_SSL_WANT_READ && hs != MBEDTLS_ERR_SSL_WANT_WRITE) {
    out->handshake_error = hs;
    out->library_error = hs;
  }
  out->verify_required = ssl->conf != NULL && ssl->conf->authmode == MBEDTLS_SSL_VERIFY_REQUIRED;
  out->verify_flags = mbedtls_ssl_get_verify_result(ssl);
  out->sni = ssl->hostname;
  if (out->handshake_done) {
    out->suite = mbedtls_ssl_get_ciphersuite(ssl);
    out->version = mbedtls_ssl_get_version(ssl);
  }
}

long harness_heap_peak(void)
{
  return -1; /* Debian's mbedTLS has no MBEDTLS_PLATFORM_MEMORY to count with */
}
