/*
 * tls_twin_alloc.c - where mbedTLS gets its memory on the LINUX_TLS_TWIN
 * board (tls_twin_mbedtls_config.h points mbedtls_calloc/mbedtls_free here).
 *
 * As with Espruino's own configuration, an allocation is a flat string in
 * Espruino's variable store, so process.memory() counts mbedTLS's memory.
 * Two things differ from Espruino's jsvMalloc/jsvFree:
 *
 *  - Espruino's Linux store is a list of 4096-variable blocks that grows only
 *    when single variables run out, never for a flat string. A 16 KB record
 *    buffer needs about 620 adjacent free variables inside one block, which a
 *    fragmented store may not have; jsvMalloc then fails an assert (Linux
 *    builds keep asserts) and the process exits. Seen on the twin when the
 *    app ran from the telnet console: its second connection (the
 *    verification probe) could not get its receive buffer, now and then.
 *    Such an allocation comes from the C heap instead, which is where all of
 *    mbedTLS's memory comes from on the ESP32 (ESP-IDF's heap); it is not in
 *    process.memory(), so each one is reported on stderr.
 *  - mbedTLS frees pointers that may be NULL, as free() allows; jsvFree
 *    crashes on NULL. With ECDH enabled, mbedTLS 2.1.1 frees the client's
 *    never-allocated handshake->curves at the end of every handshake.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "jsinteractive.h" /* jsiFreeMoreMemory */
#include "jsvar.h"
#include "tls_twin_mbedtls_config.h"

/* The C-heap allocations still live, so that tls_twin_free knows them from
 * flat strings. In a fragmented store there can be hundreds (bignums during a
 * handshake), so the list grows as needed. */
static void **heap_blocks;
static size_t heap_count, heap_capacity;

static void *heap_calloc(size_t n, size_t size)
{
  void *p;
  if (heap_count == heap_capacity) {
    size_t capacity = heap_capacity ? 2 * heap_capacity : 64;
    void **grown = realloc(heap_blocks, capacity * sizeof *grown);
    if (grown == NULL) return NULL;
    heap_blocks = grown;
    heap_capacity = capacity;
  }
  p = calloc(n ? n : 1, size ? size : 1);
  if (p != NULL) heap_blocks[heap_count++] = p;
  return p;
}

void *tls_twin_calloc(size_t n, size_t size)
{
  JsVar *flat;
  if (size != 0 && n > SIZE_MAX / size) return NULL;
  if (n * size == 0 || n * size > UINT32_MAX) return heap_calloc(n, size);
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
  if (flat != NULL) return jsvGetFlatStringPointer(flat);
  /* process.memory() will not count this block: say so on stderr, where the
   * twin tests look (Espruino's console stays the app's). */
  fprintf(stderr, "tls_twin_alloc: %lu bytes from the C heap (no room among Espruino's variables)\n", (unsigned long)(n * size));
  return heap_calloc(n, size);
}

void tls_twin_free(void *p)
{
  size_t i;
  if (p == NULL) return;
  for (i = heap_count; i-- > 0;) { /* newest first: mbedTLS frees in roughly reverse order */
    if (heap_blocks[i] == p) {
      heap_blocks[i] = heap_blocks[--heap_count];
      free(p);
      return;
    }
  }
  jsvFree(p);
}
