/*
 * tls_wolfssl.h - the wolfSSL backend: Espruino's TLS sockets run on wolfSSL
 * instead of its built-in mbedTLS client, with the project's policy.
 *
 * A board links Espruino with -Wl,--wrap=SYMBOL for each symbol in
 * TLS_WOLFSSL_WRAPPED_SYMBOLS. Espruino's socket layer
 * (libs/network/socketserver.c) calls netCreateSocket, netSend, netRecv and
 * netCloseSocket for every socket; the wrappers in tls_wolfssl.c keep
 * non-TLS sockets on Espruino's network driver exactly as network.c does,
 * and run TLS sockets on wolfSSL, non-blocking, over the same driver. Nothing
 * of network.c's own TLS code runs, and what JavaScript sees is what the
 * mbedTLS policy (../tls) gives it: the same options (`ca`, `cert`, `key` as
 * DER), the same events, the same exceptions and error codes, in mbedTLS's
 * words (see tls_wolfssl_errors.h).
 *
 * Like the mbedTLS policy it builds in two places: inside Espruino, where
 * tls_wolfssl_espruino.c provides the functions below marked "embedding",
 * and in the harness (../test), which provides its own.
 */
#ifndef TLS_WOLFSSL_H
#define TLS_WOLFSSL_H

#include <stddef.h>
#include <stdint.h>

#include "tls_policy.h"

/* The symbols the wolfSSL boards must wrap, space separated (keep in sync
 * with the __wrap_ functions in tls_wolfssl.c and ../tls/tls_target.c and
 * the lists in ../boards). */
#define TLS_WOLFSSL_WRAPPED_SYMBOLS \
  "networkGetHostByName netCreateSocket netCloseSocket netRecv netSend"

struct JsNetwork;
struct WOLFSSL;

/* --- the wrappers (Espruino's prototypes, libs/network/network.h) --------- */

int __wrap_netCreateSocket(struct JsNetwork *net, int socketType, uint32_t host, unsigned short port, void *options);
void __wrap_netCloseSocket(struct JsNetwork *net, int socketType, int sckt);
int __wrap_netRecv(struct JsNetwork *net, int socketType, int sckt, void *buf, size_t len);
int __wrap_netSend(struct JsNetwork *net, int socketType, int sckt, const void *buf, size_t len);

/* --- embedding: Espruino's network driver (JsNetwork's function pointers) -- */

/* net->createsocket: a connected (or connecting) TCP socket, or < 0. */
int tls_net_create(struct JsNetwork *net, int socketType, uint32_t host, unsigned short port, void *options);
/* net->closesocket. */
void tls_net_close(struct JsNetwork *net, int sckt);
/* net->send: bytes taken, 0 when the driver cannot take any now, < 0 closed. */
int tls_net_send(struct JsNetwork *net, int socketType, int sckt, const void *buf, size_t len);
/* net->recv: bytes read, 0 when none are waiting, < 0 closed. */
int tls_net_recv(struct JsNetwork *net, int socketType, int sckt, void *buf, size_t len);

/* --- embedding: the connect() options ------------------------------------- */

/* Returned by tls_option_with when the option is not there. */
#define TLS_OPTION_ABSENT 1

/* Given the bytes of one option; returns 0, or a negative error. */
typedef int (*tls_option_use)(void *ctx, const unsigned char *data, size_t len);

/* Runs `use` on the bytes of option `name` (`ca`, `cert` or `key`, read the
 * way Espruino reads them) and returns its result, or TLS_OPTION_ABSENT. The
 * bytes are valid only during the call (Espruino may copy them to the stack). */
int tls_option_with(void *options, const char *name, tls_option_use use, void *ctx);

/* --- what a socket negotiated (for the harness and for debugging) --------- */

typedef struct {
  struct WOLFSSL *ssl;      /* the socket's wolfSSL session */
  int handshake_done;
  int error;                /* the failure as Espruino reports it (mbedTLS code), 0 none */
  int library_error;        /* wolfSSL's own error code behind it, 0 none */
  uint32_t verify_flags;    /* mbedTLS-style reasons of a failed verification */
  int verify_required;      /* a CA was given, so the server had to prove itself */
  const char *sni;          /* the host name sent, NULL for none */
} tls_wolfssl_status;

/* 1 and the status of TLS socket `sckt`, 0 when it is not one. */
int tls_wolfssl_status_of(int sckt, tls_wolfssl_status *out);

#endif /* TLS_WOLFSSL_H */
