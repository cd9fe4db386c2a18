/*
 * tls_twin_alloc.c - where the TLS library gets its memory on the Linux
 * twins (LINUX_TLS_TWIN: mbedTLS through tls_twin_mbedtls_config.h;
 * LINUX_WOLFSSL_TWIN: wolfSSL through ../wolfssl/user_settings.h).
 *
 * As with Espruino's own configuration, an allocation is a flat string in
 * Espruino's variable store, so process.memory() counts the library's memory.
 * Three things differ from Espruino's jsvMalloc/jsvFree:
 *
 *  - Espruino's Linux store is a list of 4096-variable blocks that grows only
 *    when single variables run out, never for a flat string. A 16 KB record
 *    buffer needs about 620 adjacent free variables inside one block, which a
 *    fragmented store may not have; jsvMalloc then fails an assert (Linux
 *    builds keep asserts) and the process exits. Seen on the twin when the
 *    app ran from the telnet console: its second connection (the
 *    verification probe) could not get its receive buffer, now and then.
 *    Such an allocation comes from the C heap instead, which is where all of
 *    the library's memory comes from on the ESP32 (ESP-IDF's heap); it is not
 *    in process.memory(), so each one is reported on stderr.
 *  - The libraries free pointers that may be NULL, as free() allows; jsvFree
 *    crashes on NULL. With ECDH enabled, mbedTLS 2.1.1 frees the client's
 *    never-allocated handshake->curves at the end of every handshake.
 *  - The peak is measured: from the first allocation of a connection to the
 *    moment the last one is freed, the most variables in use at once. It is
 *    reported on stderr when the library's memory is all freed again (the
 *    twin tests read it): a figure JavaScript cannot sample, since the
 *    library allocates and frees within one step of its handshake.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsinteractive.h" /* jsiFreeMoreMemory */
#include "jsvar.h"
#include "tls_twin_alloc.h"

/* The C-heap allocations still live, so that tls_twin_free knows them from
 * flat strings. In a fragmented store there can be hundreds (bignums during a
 * handshake), so the list grows as needed. */
static struct heap_block {
  void *p;
  size_t size;
} *heap_blocks;
static size_t heap_count, heap_capacity;

/* Allocations of the library still live, and the most variables in use while
 * there were any. */
static size_t live;
static unsigned int peak_usage;

static void note_usage(void)
{
  unsigned int usage = jsvGetMemoryUsage();
  if (usage > peak_usage) peak_usage = usage;
}

static void *heap_calloc(size_t n, size_t size)
{
  void *p;
  if (heap_count == heap_capacity) {
    size_t capacity = heap_capacity ? 2 * heap_capacity : 64;
    struct heap_block *grown = realloc(heap_blocks, capacity * sizeof *grown);
    if (grown == NULL) return NULL;
    heap_blocks = grown;
    heap_capacity = capacity;
  }
  p = calloc(n ? n : 1, size ? size : 1);
  if (p != NULL) {
    heap_blocks[heap_count].p = p;
    heap_blocks[heap_count].size = n * size;
    heap_count++;
  }
  return p;
}

/* The C-heap block `p`, or NULL when `p` is a flat string. */
static struct heap_block *heap_block_of(void *p)
{
  size_t i;
  for (i = heap_count; i-- > 0;) { /* newest first: the libraries free in roughly reverse order */
    if (heap_blocks[i].p == p) return &heap_blocks[i];
  }
  return NULL;
}

void *tls_twin_calloc(size_t n, size_t size)
{
  JsVar *flat;
  void *p;
  if (size != 0 && n > SIZE_MAX / size) return NULL;
  if (live == 0) peak_usage = jsvGetMemoryUsage();
  if (n * size == 0 || n * size > UINT32_MAX) {
    p = heap_calloc(n, size);
  } else {
    /* Zeroed, and left locked until tls_twin_free (as jsvMalloc does); it runs
     * the garbage collector once itself before giving up. */
    flat = jsvNewFlatStringOfLength((unsigned int)(n * size));
    if (flat == NULL) {
      /* As jsvMalloc does: drop the console's command history, collect, retry. */
      while (jsiFreeMoreMemory()) {
      }
      jsvGarbageCollect();
      flat = jsvNewFlatStringOfLength((unsigned int)(n * size));
    }
    if (flat != NULL) {
      p = jsvGetFlatStringPointer(flat);
    } else {
      /* process.memory() will not count this block: say so on stderr, where
       * the twin tests look (Espruino's console stays the app's). */
      fprintf(stderr, "tls_twin_alloc: %lu bytes from the C heap (no room among Espruino's variables)\n", (unsigned long)(n * size));
      p = heap_calloc(n, size);
    }
  }
  if (p != NULL) {
    live++;
    note_usage();
  }
  return p;
}

void *tls_twin_malloc(size_t size)
{
  return tls_twin_calloc(1, size);
}

void tls_twin_free(void *p)
{
  struct heap_block *block;
  if (p == NULL) return;
  block = heap_block_of(p);
  if (block != NULL) {
    *block = heap_blocks[--heap_count];
    free(p);
  } else {
    jsvFree(p);
  }
  if (live > 0 && --live == 0) {
    fprintf(stderr, "tls_twin_alloc: peak %u blocks in use while the TLS library held memory\n", peak_usage);
  }
}

void *tls_twin_realloc(void *p, size_t size)
{
  struct heap_block *block;
  size_t old;
  void *grown;
  if (p == NULL) return tls_twin_malloc(size);
  if (size == 0) {
    tls_twin_free(p);
    return NULL;
  }
  block = heap_block_of(p);
  old = block != NULL ? block->size : jsvGetStringLength(jsvGetFlatStringFromPointer(p));
  grown = tls_twin_malloc(size);
  if (grown == NULL) return NULL;
  memcpy(grown, p, old < size ? old : size);
  tls_twin_free(p);
  return grown;
}
