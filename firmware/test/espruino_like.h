/*
 * espruino_like.h - a stand-in for Espruino's network layer in the harness.
 *
 * Two layers, as in Espruino:
 *  - a network driver behind a JsNetwork of function pointers (Espruino's
 *    libs/network/linux/network_linux.c: a blocking connect, then sends and
 *    receives that never wait long; 0 means "nothing now", -1 "closed");
 *  - network.c's socket functions on top: netCreateSocket, netSend, netRecv,
 *    netCloseSocket, which for a TLS socket drive mbedTLS 2.x exactly the way
 *    Espruino's libs/network/network.c does (same calls, same order, same
 *    arguments: authmode NONE, a CA chain that may be empty, the fixed host
 *    name "mbed TLS Server 1"), with its return conventions.
 * They live in their own object file so that harness.c's calls to them, and
 * their calls to mbedTLS, cross object files just as Espruino's do and get
 * wrapped by -Wl,--wrap exactly like in the firmware.
 */
#ifndef ESPRUINO_LIKE_H
#define ESPRUINO_LIKE_H

#include <stddef.h>
#include <stdint.h>

#include "mbedtls/ssl.h"

#define EL_ST_NORMAL 0
#define EL_ST_TLS 4           /* SocketType ST_TLS */
#define EL_SOCKET_CLOSED (-1) /* SOCKET_ERR_CLOSED */
#define EL_UNSENT_DATA (-8)   /* SOCKET_ERR_UNSENT_DATA */

/* Espruino's JsNetwork, reduced to the driver calls a client socket uses. */
struct JsNetwork {
  int (*createsocket)(struct JsNetwork *net, int socketType, uint32_t host, unsigned short port, void *options);
  void (*closesocket)(struct JsNetwork *net, int sckt);
  void (*gethostbyname)(struct JsNetwork *net, char *hostName, uint32_t *out_ip_addr);
  int (*recv)(struct JsNetwork *net, int socketType, int sckt, void *buf, size_t len);
  int (*send)(struct JsNetwork *net, int socketType, int sckt, const void *buf, size_t len);
  int chunkSize; /* how much the socket layer asks netRecv for */
};

/* The driver. `piece` > 0 cuts every send and receive to at most that many
 * bytes (a slow link, or a peer that splits everything); 0 does not. */
struct JsNetwork *el_network(size_t piece);

/* What Espruino's tls.connect() options carry, as files. */
typedef struct {
  const char *ca_file;   /* NULL: no `ca` option */
  const char *cert_file; /* NULL: no `cert` option */
  const char *key_file;  /* NULL: no `key` option */
} el_options;

/* The bytes of one option (`ca`, `cert` or `key`), read whole, plus a NUL as
 * mbedTLS wants for PEM; the caller frees them. NULL when absent; `error` is
 * set when the file cannot be read. */
unsigned char *el_option_bytes(const el_options *options, const char *name, size_t *len, int *error);

/* Espruino's names and shapes (libs/network/network.h). */
void networkGetHostByName(struct JsNetwork *net, char *hostName, uint32_t *out_ip_addr);
int netCreateSocket(struct JsNetwork *net, int socketType, uint32_t host, unsigned short port, void *options);
int netRecv(struct JsNetwork *net, int socketType, int sckt, void *buf, size_t len);
int netSend(struct JsNetwork *net, int socketType, int sckt, const void *buf, size_t len);
void netCloseSocket(struct JsNetwork *net, int socketType, int sckt);

/* jsExceptionHere: the first exception is kept, later ones are dropped. */
void el_exception(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *el_exception_message(void); /* NULL when none */

/* For the report of network.c's own (mbedTLS) TLS: the socket's context
 * (NULL if none), the last result of mbedtls_ssl_handshake, and whether the
 * handshake finished. */
mbedtls_ssl_context *el_ssl(int sckt);
int el_handshake_result(int sckt);
int el_handshake_done(int sckt);

#endif /* ESPRUINO_LIKE_H */
