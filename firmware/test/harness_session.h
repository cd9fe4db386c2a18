/*
 * harness_session.h - what the TLS library behind a harness socket
 * negotiated, for harness.c's report. One implementation per backend:
 * harness_mbedtls.c (Espruino's own mbedTLS client, with or without the
 * mbedTLS policy) and harness_wolfssl.c (the wolfSSL backend).
 */
#ifndef HARNESS_SESSION_H
#define HARNESS_SESSION_H

#include <stdint.h>

typedef struct {
  int present;          /* the socket has a TLS session */
  int handshake_done;
  int handshake_error;  /* as Espruino reports it (an mbedTLS code), 0 none */
  int library_error;    /* the library's own code behind it, 0 none */
  int verify_required;  /* the server had to prove itself */
  uint32_t verify_flags;
  const char *sni;      /* the host name given to the library, NULL none */
  const char *suite;
  const char *version;
  const char *group;    /* the key exchange group, NULL when unknown */
} harness_session;

/* "mbedtls" or "wolfssl". */
const char *harness_backend(void);
/* Called once before the connection is made. */
void harness_session_start(void);
/* The session of socket `sckt` (everything 0/NULL when there is none). */
void harness_session_read(int sckt, harness_session *out);
/* Most bytes the library held at once, or -1 when not measured. */
long harness_heap_peak(void);

#endif /* HARNESS_SESSION_H */
