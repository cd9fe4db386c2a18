/*
 * espruino_like.h - a stand-in for Espruino's network layer in the harness.
 *
 * espruino_like.c drives mbedTLS 2.x the way Espruino's libs/network/network.c
 * does (same calls, same order, same arguments: authmode NONE, a CA chain
 * that may be empty, the fixed host name "mbed TLS Server 1"), and keeps
 * Espruino's return conventions (0 busy, -1 closed, other negatives errors).
 * It lives in its own object file so that harness.c's calls to it, and its
 * calls to mbedTLS, cross object files just as Espruino's do and get wrapped
 * by -Wl,--wrap exactly like in the firmware.
 */
#ifndef ESPRUINO_LIKE_H
#define ESPRUINO_LIKE_H

#include <stddef.h>
#include <stdint.h>

#include "mbedtls/ssl.h"

struct JsNetwork; /* never dereferenced; Espruino passes its driver here */

#define EL_ST_NORMAL 0
#define EL_ST_TLS 4          /* SocketType ST_TLS */
#define EL_SOCKET_CLOSED (-1) /* SOCKET_ERR_CLOSED */
#define EL_UNSENT_DATA (-8)  /* SOCKET_ERR_UNSENT_DATA */

/* What Espruino's tls.connect() options carry, as files. */
typedef struct {
  const char *ca_file;   /* NULL: no `ca` option */
  const char *cert_file; /* NULL: no `cert` option */
  const char *key_file;  /* NULL: no `key` option */
} el_options;

/* Espruino's names and shapes (libs/network/network.h). */
void networkGetHostByName(struct JsNetwork *net, char *hostName, uint32_t *out_ip_addr);
int netCreateSocket(struct JsNetwork *net, int socketType, uint32_t host, unsigned short port, void *options);
int netRecv(struct JsNetwork *net, int socketType, int sckt, void *buf, size_t len);
int netSend(struct JsNetwork *net, int socketType, int sckt, const void *buf, size_t len);
void netCloseSocket(struct JsNetwork *net, int socketType, int sckt);

/* jsExceptionHere: the first exception is kept, later ones are dropped. */
void el_exception(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *el_exception_message(void); /* NULL when none */

/* For the report: the socket's TLS context (NULL if none), the last result of
 * mbedtls_ssl_handshake, and whether the handshake finished. */
mbedtls_ssl_context *el_ssl(int sckt);
int el_handshake_result(int sckt);
int el_handshake_done(int sckt);

#endif /* ESPRUINO_LIKE_H */
