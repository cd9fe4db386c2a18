/*
 * tls_wolfssl.c - Espruino's TLS sockets on wolfSSL, with the project's
 * policy: the socket side (the table of connections, wolfSSL's I/O over
 * Espruino's network driver, the handshake steps, reads and writes, the
 * wrappers and the status report). A connection's session is set up with
 * the policy in tls_wolfssl_setup.c; what the two share is in
 * tls_wolfssl_conn.h. See tls_wolfssl.h and ../README.md.
 *
 * How Espruino drives a TLS socket (upstream libs/network, read for facts):
 *   socketserver.c clientRequestConnect()
 *     networkGetHostByName(net, host, &ip)          <- ../tls/tls_target.c
 *     netCreateSocket(net, ST_TLS, ip, port, opts)  <- socket + wolfSSL session
 *                                                      (set up in tls_wolfssl_setup.c)
 *   idle loop, for each socket:
 *     netSend(...) while data is queued             <- handshake step, then write
 *     netRecv(..., chunkSize)                       <- handshake step, then read
 *       0: nothing yet; > 0: data; -1: clean close (`end`, `close(false)`);
 *       other < 0: an `error` event with that code, then `end`, `close(true)`
 *   _socketConnectionKill: netCloseSocket           <- close_notify, free
 * network.c's own versions of these four functions would run mbedTLS for a
 * TLS socket; the wrappers below never call them: a TLS socket runs here on
 * wolfSSL, every other socket goes straight to the network driver, which is
 * all network.c does for it. Nothing then refers to network.c's TLS code,
 * so a linker that drops unused sections (ESP-IDF's) leaves it out.
 *
 * The handshake is stepped from netSend and netRecv, as network.c steps
 * mbedTLS's: wolfSSL is non-blocking (its I/O callbacks answer "want read" or
 * "want write" when the driver has nothing), so a step never waits.
 */
#include "tls_wolfssl_conn.h"

#include <limits.h>
#include <string.h>

#ifndef WOLFSSL_USER_SETTINGS
#include <wolfssl/options.h>
#endif
#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/ssl.h>
#include <wolfssl/error-ssl.h>

#include "tls_policy.h"
#include "tls_target.h"
#include "tls_wolfssl_errors.h"

/* --- the connections ------------------------------------------------------------- */

static tls_conn conns[TLS_POLICY_MAX_CONNECTIONS];

static tls_conn *conn_of(int sckt)
{
  size_t i;
  for (i = 0; i < TLS_POLICY_MAX_CONNECTIONS; i++) {
    if (conns[i].state != CONN_FREE && conns[i].sckt == sckt) return &conns[i];
  }
  return NULL;
}

tls_conn *tls_conn_claim(int sckt)
{
  size_t i;
  for (i = 0; i < TLS_POLICY_MAX_CONNECTIONS; i++) {
    if (conns[i].state == CONN_FREE) {
      memset(&conns[i], 0, sizeof conns[i]);
      conns[i].state = CONN_HANDSHAKE;
      conns[i].sckt = sckt;
      return &conns[i];
    }
  }
  return NULL;
}

void tls_conn_release(tls_conn *c)
{
  if (c->ssl != NULL) wolfSSL_free(c->ssl);
  if (c->ctx != NULL) wolfSSL_CTX_free(c->ctx);
  memset(c, 0, sizeof *c);
}

/* --- I/O over Espruino's network driver --------------------------------------- */

/* The driver's answer as wolfSSL wants it: bytes moved, "nothing now" (want
 * read or write), or the connection gone. */
static int io_result(tls_conn *c, int r, int nothing_now)
{
  if (r > 0) return r;
  if (r == 0) return nothing_now;
  c->transport_closed = 1;
  return WOLFSSL_CBIO_ERR_CONN_CLOSE;
}

/* As network.c's ssl_recv/ssl_send: the driver is called with ST_TLS alone. */
int tls_conn_io_recv(WOLFSSL *ssl, char *buf, int size, void *ctx)
{
  tls_conn *c = (tls_conn *)ctx;
  (void)ssl;
  if (c->net == NULL || size <= 0) return WOLFSSL_CBIO_ERR_WANT_READ;
  return io_result(c, tls_net_recv(c->net, TLS_POLICY_SOCKET_TYPE_TLS, c->sckt, buf, (size_t)size), WOLFSSL_CBIO_ERR_WANT_READ);
}

int tls_conn_io_send(WOLFSSL *ssl, char *buf, int size, void *ctx)
{
  tls_conn *c = (tls_conn *)ctx;
  (void)ssl;
  if (c->net == NULL || size <= 0) return WOLFSSL_CBIO_ERR_WANT_WRITE;
  return io_result(c, tls_net_send(c->net, TLS_POLICY_SOCKET_TYPE_TLS, c->sckt, buf, (size_t)size), WOLFSSL_CBIO_ERR_WANT_WRITE);
}

/* --- the handshake ------------------------------------------------------------ */

/* The first failure is raised (the first exception is the one JavaScript
 * sees) and then repeated: Espruino steps from both netSend and netRecv. */
static void conn_fail(tls_conn *c, int error)
{
  char message[TLS_POLICY_MESSAGE_SIZE];
  tls_wolfssl_failure failure = tls_wolfssl_translate(error, c->ip_mismatch);
  c->state = CONN_FAILED;
  c->error = failure.code;
  c->library_error = error;
  c->verify_flags = failure.flags;
  tls_wolfssl_describe(message, sizeof message, &failure, error);
  tls_policy_raise(message);
}

/* 1 open, 0 still handshaking, -1 failed. */
static int conn_step(tls_conn *c)
{
  int ret, error;
  if (c->state == CONN_OPEN) return 1;
  if (c->state == CONN_FAILED) return -1;
  ret = wolfSSL_connect(c->ssl);
  if (ret == WOLFSSL_SUCCESS) {
    c->state = CONN_OPEN;
    return 1;
  }
  error = wolfSSL_get_error(c->ssl, ret);
  if (error == WOLFSSL_ERROR_WANT_READ || error == WOLFSSL_ERROR_WANT_WRITE) return 0;
  conn_fail(c, c->transport_closed && error != FATAL_ERROR ? SOCKET_PEER_CLOSED_E : error);
  return -1;
}

/* What a failed read or write of an open session returns to Espruino. */
static int io_failure(tls_conn *c, int error)
{
  tls_wolfssl_failure failure;
  /* The peer's close_notify ends TLS normally; a TCP close without it looks
   * the same to Espruino (as with its mbedTLS client). */
  if (error == WOLFSSL_ERROR_ZERO_RETURN || c->transport_closed) return TLS_POLICY_SOCKET_CLOSED;
  if (!c->received) {
    /* In TLS 1.3 the client finishes first: a server that refuses the
     * client's certificate says so only after that, before any data. Such a
     * refusal is reported as the handshake's, as with TLS 1.2. */
    conn_fail(c, error);
    return TLS_POLICY_SOCKET_CLOSED;
  }
  failure = tls_wolfssl_translate(error, 0);
  c->library_error = error;
  return failure.code;
}

/* --- the wrappers -------------------------------------------------------------- */

int __wrap_netCreateSocket(struct JsNetwork *net, int socketType, uint32_t host, unsigned short port, void *options)
{
  int sckt;
  tls_target_begin(host);
  sckt = tls_net_create(net, socketType, host, port, options);
  if (sckt >= 0 && (socketType & TLS_POLICY_SOCKET_TYPE_TLS) != 0 && !tls_conn_open(sckt, options)) {
    /* network.c leaves this TCP socket open (nobody can close it); close it. */
    tls_net_close(net, sckt);
    sckt = -1;
  }
  tls_target_end();
  return sckt;
}

void __wrap_netCloseSocket(struct JsNetwork *net, int socketType, int sckt)
{
  tls_conn *c = (socketType & TLS_POLICY_SOCKET_TYPE_TLS) != 0 ? conn_of(sckt) : NULL;
  if (c != NULL) {
    if (c->state == CONN_OPEN && !c->transport_closed) {
      /* Say goodbye properly (close_notify), one try, without waiting. */
      c->net = net;
      wolfSSL_shutdown(c->ssl);
    }
    tls_conn_release(c);
  }
  tls_net_close(net, sckt);
}

/* One read (into `in`) or write (from `out`) of Espruino's on a TLS socket,
 * stepping the handshake first, as network.c's netRecv and netSend do. */
static int conn_transfer(tls_conn *c, struct JsNetwork *net, void *in, const void *out, size_t len)
{
  int step, r = 0;
  int n = len > INT_MAX ? INT_MAX : (int)len;
  c->net = net;
  step = conn_step(c);
  if (step < 0) {
    r = TLS_POLICY_SOCKET_CLOSED; /* as network.c: the exception says why */
  } else if (step > 0 && n > 0) {
    r = in != NULL ? wolfSSL_read(c->ssl, in, n) : wolfSSL_write(c->ssl, out, n);
    if (r > 0 && in != NULL) c->received = 1;
    if (r <= 0) {
      int error = wolfSSL_get_error(c->ssl, r);
      r = error == WOLFSSL_ERROR_WANT_READ || error == WOLFSSL_ERROR_WANT_WRITE ? 0 : io_failure(c, error);
    }
  }
  c->net = NULL;
  return r;
}

int __wrap_netRecv(struct JsNetwork *net, int socketType, int sckt, void *buf, size_t len)
{
  tls_conn *c;
  if ((socketType & TLS_POLICY_SOCKET_TYPE_TLS) == 0) return tls_net_recv(net, socketType, sckt, buf, len);
  c = conn_of(sckt);
  return c != NULL ? conn_transfer(c, net, buf, NULL, len) : TLS_POLICY_SOCKET_CLOSED;
}

int __wrap_netSend(struct JsNetwork *net, int socketType, int sckt, const void *buf, size_t len)
{
  tls_conn *c;
  if ((socketType & TLS_POLICY_SOCKET_TYPE_TLS) == 0) return tls_net_send(net, socketType, sckt, buf, len);
  c = conn_of(sckt);
  return c != NULL ? conn_transfer(c, net, NULL, buf, len) : TLS_POLICY_SOCKET_CLOSED;
}

/* --- status ----------------------------------------------------------------------- */

int tls_wolfssl_status_of(int sckt, tls_wolfssl_status *out)
{
  const tls_conn *c = conn_of(sckt);
  if (c == NULL || out == NULL) return 0;
  out->ssl = c->ssl;
  out->handshake_done = c->state == CONN_OPEN;
  out->error = c->state == CONN_FAILED ? c->error : 0;
  out->library_error = c->library_error;
  out->verify_flags = c->verify_flags;
  out->verify_required = c->verify_required;
  out->sni = c->sni[0] != '\0' ? c->sni : NULL;
  return 1;
}
