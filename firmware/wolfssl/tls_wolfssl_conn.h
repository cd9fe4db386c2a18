/*
 * tls_wolfssl_conn.h - private to the wolfSSL backend: one TLS connection,
 * and what the backend's two halves give each other.
 *
 *   tls_wolfssl_setup.c  sets a connection up: the policy's suites and
 *                        groups, the socket's CA, certificate and key, the
 *                        verify callback, the host name;
 *   tls_wolfssl.c        the socket side: the table of connections, wolfSSL's
 *                        I/O over Espruino's network driver, the handshake
 *                        steps, reads and writes, the wrappers Espruino calls
 *                        and the status report.
 *
 * Nothing outside firmware/wolfssl includes it; what the rest of the firmware
 * and the harness see is tls_wolfssl.h.
 */
#ifndef TLS_WOLFSSL_CONN_H
#define TLS_WOLFSSL_CONN_H

#include <stdint.h>

#include "tls_policy.h"
#include "tls_wolfssl.h"

struct WOLFSSL_CTX;

typedef enum { CONN_FREE = 0, CONN_HANDSHAKE, CONN_OPEN, CONN_FAILED } tls_conn_state;

typedef struct {
  tls_conn_state state;
  int sckt;
  struct WOLFSSL_CTX *ctx;   /* one per socket: its own CA, certificate and key */
  struct WOLFSSL *ssl;
  struct JsNetwork *net;     /* Espruino's network, only during a call from it */
  int transport_closed;      /* the driver said the TCP connection is gone */
  int received;              /* application data has arrived */
  int verify_required;
  int check_ip;              /* an IP-literal host: match iPAddress names */
  unsigned char ip[4];
  int ip_mismatch;           /* the verify callback refused the addresses */
  int error;                 /* the failure as reported, repeated afterwards */
  int library_error;
  uint32_t verify_flags;
  char sni[TLS_POLICY_MAX_HOSTNAME];
} tls_conn;

/* --- tls_wolfssl.c ------------------------------------------------------------ */

/* A free slot of the table for socket `sckt`, zeroed, in CONN_HANDSHAKE; NULL
 * when all TLS_POLICY_MAX_CONNECTIONS are taken. */
tls_conn *tls_conn_claim(int sckt);
/* Frees the connection's wolfSSL session and context and its slot. */
void tls_conn_release(tls_conn *c);

/* wolfSSL's I/O callbacks (CallbackIORecv, CallbackIOSend) over Espruino's
 * network driver; `ctx` is the tls_conn. Non-blocking: "want read" or "want
 * write" when the driver has nothing, so a handshake step never waits. */
int tls_conn_io_recv(struct WOLFSSL *ssl, char *buf, int size, void *ctx);
int tls_conn_io_send(struct WOLFSSL *ssl, char *buf, int size, void *ctx);

/* --- tls_wolfssl_setup.c ------------------------------------------------------ */

/* Sets up socket `sckt` for TLS, in network.c's order: CA, certificate, key
 * (from Espruino's connect() options), then the session with the policy.
 * 1 ready; 0 failed, with the exception raised and no slot taken. */
int tls_conn_open(int sckt, void *options);

#endif /* TLS_WOLFSSL_CONN_H */
