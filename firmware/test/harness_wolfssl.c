/*
 * harness_wolfssl.c - harness_session.h for the wolfSSL backend
 * (../wolfssl/tls_wolfssl.c): its status, and wolfSSL's heap counted
 * through wolfSSL_SetAllocators.
 */
#include <stdlib.h>
#include <string.h>

#ifndef WOLFSSL_USER_SETTINGS
#include <wolfssl/options.h>
#endif
#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/ssl.h>
#include <wolfssl/wolfcrypt/memory.h>

#include "harness_session.h"
#include "tls_wolfssl.h"

const char *harness_backend(void)
{
  return "wolfssl";
}

/* --- counting allocator: each block carries its size in front -------------- */

#define HEADER 16 /* keeps the caller's block 16-byte aligned */

static long heap_now, heap_peak = -1;

static void *counted(unsigned char *block, size_t size)
{
  if (block == NULL) return NULL;
  memcpy(block, &size, sizeof size);
  heap_now += (long)size;
  if (heap_now > heap_peak) heap_peak = heap_now;
  return block + HEADER;
}

static size_t size_of(void *p)
{
  size_t size;
  memcpy(&size, (unsigned char *)p - HEADER, sizeof size);
  return size;
}

static void *count_malloc(size_t size)
{
  return counted(malloc(size + HEADER), size);
}

static void count_free(void *p)
{
  if (p == NULL) return;
  heap_now -= (long)size_of(p);
  free((unsigned char *)p - HEADER);
}

static void *count_realloc(void *p, size_t size)
{
  void *grown;
  if (p == NULL) return count_malloc(size);
  grown = count_malloc(size);
  if (grown == NULL) return NULL;
  memcpy(grown, p, size_of(p) < size ? size_of(p) : size);
  count_free(p);
  return grown;
}

void harness_session_start(void)
{
  if (wolfSSL_SetAllocators(count_malloc, count_free, count_realloc) == 0) heap_peak = 0; /* 0: set */
}

long harness_heap_peak(void)
{
  return heap_peak;
}

/* --- the session ------------------------------------------------------------- */

void harness_session_read(int sckt, harness_session *out)
{
  tls_wolfssl_status status;
  memset(out, 0, sizeof *out);
  if (!tls_wolfssl_status_of(sckt, &status)) return;
  out->present = 1;
  out->handshake_done = status.handshake_done;
  out->handshake_error = status.error;
  out->library_error = status.library_error;
  out->verify_required = status.verify_required;
  out->verify_flags = status.verify_flags;
  out->sni = status.sni;
  if (status.handshake_done && status.ssl != NULL) {
    out->suite = wolfSSL_get_cipher_name(status.ssl);
    out->version = wolfSSL_get_version(status.ssl);
    out->group = wolfSSL_get_curve_name(status.ssl);
  }
}
