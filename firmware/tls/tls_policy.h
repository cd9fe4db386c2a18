/*
 * tls_policy.h - the project's TLS client policy for Espruino: what both
 * backends share, and the mbedTLS backend's list of wrapped symbols.
 *
 * Espruino's TLS client (libs/network/network.c upstream) never verifies the
 * server, sends a fixed bogus SNI name and reports a peer's close_notify as an
 * error. The policy changes that without touching Espruino's source: a board
 * file links Espruino with -Wl,--wrap=SYMBOL for each symbol its backend
 * lists, so Espruino's calls land in the backend's __wrap_ functions.
 *
 * Two backends, one per board:
 *   - mbedTLS (tls_policy.c, this folder): wraps a few of Espruino's calls
 *     into mbedTLS and adjusts them (TLS_POLICY_WRAPPED_SYMBOLS);
 *   - wolfSSL (../wolfssl): takes over Espruino's TLS sockets and runs them
 *     on wolfSSL (TLS_WOLFSSL_WRAPPED_SYMBOLS in ../wolfssl/tls_wolfssl.h).
 * Both use tls_target.c (the host name), tls_names.c (IP literals and
 * iPAddress names) and tls_reasons.c (the verification message).
 *
 * The same files build in two places:
 *   - inside Espruino (board files in ../boards), with tls_policy_espruino.c
 *     turning a failure into a JavaScript InternalError;
 *   - in the standalone harness (../test), which provides its own
 *     tls_policy_raise() and Espruino-like socket functions.
 */
#ifndef TLS_POLICY_H
#define TLS_POLICY_H

#include <stddef.h>
#include <stdint.h>

/* The symbols the mbedTLS boards must wrap, space separated (keep in sync
 * with the __wrap_ functions in tls_policy.c and tls_target.c and the lists
 * in ../boards). */
#define TLS_POLICY_WRAPPED_SYMBOLS \
  "networkGetHostByName netCreateSocket netRecv " \
  "mbedtls_ssl_set_hostname mbedtls_ssl_handshake mbedtls_ssl_config_free"

/* Espruino's socket layer (libs/network/socketserver.c) treats this receive
 * result as an orderly close: `end` and `close(false)`, no `error` event.
 * It is SOCKET_ERR_CLOSED in libs/network/socketerrors.h. */
#define TLS_POLICY_SOCKET_CLOSED (-1)

/* The ST_TLS bit of Espruino's SocketType (libs/network/network.h). */
#define TLS_POLICY_SOCKET_TYPE_TLS 4

/* Espruino copies the host name into a char[128] before looking it up. */
#define TLS_POLICY_MAX_HOSTNAME 128

/* TLS connections that can be open at once. Each one costs tens of KB of heap
 * for mbedTLS, so an ESP32 never gets near this; when the table is full a new
 * connection fails instead of running without the policy. */
#ifndef TLS_POLICY_MAX_CONNECTIONS
#define TLS_POLICY_MAX_CONNECTIONS 4
#endif

/* Length of the message handed to tls_policy_raise(), including the NUL. */
#define TLS_POLICY_MESSAGE_SIZE 512

/*
 * Report a failure to the application. Provided by the embedding, never by a
 * backend: in Espruino it raises an InternalError (tls_policy_espruino.c), in
 * the harness it records the text. A failed verification reads
 *   "mbedtls_x509_crt_verify: The certificate validity has expired
 *    (mbedtls_ssl_handshake returned -0x2700)"
 * (tls_reasons.h); the wolfSSL backend also reports its other handshake and
 * set-up failures here, in the words Espruino uses for them. Espruino keeps
 * the first exception, so this is what JavaScript sees.
 */
void tls_policy_raise(const char *message);

#endif /* TLS_POLICY_H */
