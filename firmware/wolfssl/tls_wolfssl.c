/*
 * tls_wolfssl.c - Espruino's TLS sockets on wolfSSL, with the project's
 * policy. See tls_wolfssl.h and ../README.md.
 *
 * How Espruino drives a TLS socket (upstream libs/network, read for facts):
 *   socketserver.c clientRequestConnect()
 *     networkGetHostByName(net, host, &ip)          <- ../tls/tls_target.c
 *     netCreateSocket(net, ST_TLS, ip, port, opts)  <- socket + wolfSSL session
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
#include "tls_wolfssl.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#ifndef WOLFSSL_USER_SETTINGS
#include <wolfssl/options.h>
#endif
#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/ssl.h>
#include <wolfssl/error-ssl.h>
#include <wolfssl/wolfcrypt/error-crypt.h>

#include "tls_names.h"
#include "tls_policy.h"
#include "tls_reasons.h"
#include "tls_target.h"
#include "tls_wolfssl_errors.h"
#include "tls_wolfssl_groups.h"

#if !defined(WOLFSSL_TLS13) || !defined(HAVE_SNI) || !defined(HAVE_SUPPORTED_CURVES) || !defined(HAVE_ECC) || \
    !defined(HAVE_AESGCM) || defined(NO_WOLFSSL_CLIENT)
#error "the wolfSSL backend needs a wolfSSL client with TLS 1.3, SNI, supported groups, ECC and AES-GCM"
#endif

/* --- the policy --------------------------------------------------------------- */

/* AEAD suites only: TLS 1.3's three, then ECDHE (forward secrecy) with AES-GCM
 * or ChaCha20-Poly1305 for TLS 1.2. wolfSSL skips the ones it was built without. */
static const char policy_suites[] =
  "TLS13-AES128-GCM-SHA256:TLS13-CHACHA20-POLY1305-SHA256:TLS13-AES256-GCM-SHA384:"
  "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
  "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
  "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

/* Groups, best first; wolfSSL sends a TLS 1.3 key share for the first. */
static int policy_groups[] = {
#if TLS_WOLFSSL_HYBRID
  WOLFSSL_X25519MLKEM768,
#endif
#if defined(HAVE_CURVE25519)
  WOLFSSL_ECC_X25519,
#endif
  WOLFSSL_ECC_SECP256R1,
};

/* --- per-connection state -------------------------------------------------------- */

typedef enum { CONN_FREE = 0, CONN_HANDSHAKE, CONN_OPEN, CONN_FAILED } conn_state;

typedef struct {
  conn_state state;
  int sckt;
  WOLFSSL_CTX *ctx;          /* one per socket: its own CA, certificate and key */
  WOLFSSL *ssl;
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

static tls_conn conns[TLS_POLICY_MAX_CONNECTIONS];

static tls_conn *conn_of(int sckt)
{
  size_t i;
  for (i = 0; i < TLS_POLICY_MAX_CONNECTIONS; i++) {
    if (conns[i].state != CONN_FREE && conns[i].sckt == sckt) return &conns[i];
  }
  return NULL;
}

static tls_conn *conn_claim(int sckt)
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

static void conn_release(tls_conn *c)
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
static int io_recv(WOLFSSL *ssl, char *buf, int size, void *ctx)
{
  tls_conn *c = (tls_conn *)ctx;
  (void)ssl;
  if (c->net == NULL || size <= 0) return WOLFSSL_CBIO_ERR_WANT_READ;
  return io_result(c, tls_net_recv(c->net, TLS_POLICY_SOCKET_TYPE_TLS, c->sckt, buf, (size_t)size), WOLFSSL_CBIO_ERR_WANT_READ);
}

static int io_send(WOLFSSL *ssl, char *buf, int size, void *ctx)
{
  tls_conn *c = (tls_conn *)ctx;
  (void)ssl;
  if (c->net == NULL || size <= 0) return WOLFSSL_CBIO_ERR_WANT_WRITE;
  return io_result(c, tls_net_send(c->net, TLS_POLICY_SOCKET_TYPE_TLS, c->sckt, buf, (size_t)size), WOLFSSL_CBIO_ERR_WANT_WRITE);
}

/* --- verification ----------------------------------------------------------- */

/* wolfSSL checks the chain, the dates and a DNS name itself. For an IP-literal
 * host the policy wants the address among the leaf's iPAddress names, which
 * it reads here (WOLFSSL_ALWAYS_VERIFY_CB: called for a good leaf too). */
static int verify_callback(int preverify, WOLFSSL_X509_STORE_CTX *store)
{
  tls_conn *c = (tls_conn *)store->userCtx;
  const unsigned char *ext;
  size_t ext_len;
  if (!preverify) return 0;
  if (c == NULL || !c->check_ip || store->error_depth != 0) return 1;
  if (store->certs != NULL && store->totalCerts > 0 &&
      tls_certificate_extensions(store->certs[0].buffer, store->certs[0].length, &ext, &ext_len) == 1 &&
      tls_extensions_have_ip(ext, ext_len, c->ip, sizeof c->ip) == 1) {
    return 1;
  }
  c->ip_mismatch = 1;
  return 0;
}

/* --- opening ------------------------------------------------------------------ */

/* Espruino's messages for a socket it could not set up (network.c). */
static void raise_setup(const char *what, int code, int library_error)
{
  char words[32];
  char message[TLS_POLICY_MESSAGE_SIZE];
  tls_error_words(words, sizeof words, code);
  if (code == TLS_ERR_SSL_INTERNAL_ERROR && library_error != 0) {
    snprintf(message, sizeof message, "%s%s (wolfSSL error %d)", what, words, library_error);
  } else {
    snprintf(message, sizeof message, "%s%s", what, words);
  }
  tls_policy_raise(message);
}

/* An option that is there but empty: network.c then reports -1. */
#define OPTION_EMPTY (-0x10001)

/* tls_option_use's convention: 0 loaded, else the (negative) error. */
static int loaded(int ret)
{
  return ret == WOLFSSL_SUCCESS ? 0 : ret < 0 ? ret : TLS_ERR_SSL_INTERNAL_ERROR;
}

static int load_ca(void *ctx, const unsigned char *der, size_t len)
{
  if (len == 0) return OPTION_EMPTY;
  return loaded(wolfSSL_CTX_load_verify_buffer((WOLFSSL_CTX *)ctx, der, (long)len, WOLFSSL_FILETYPE_ASN1));
}

static int load_cert(void *ctx, const unsigned char *der, size_t len)
{
  if (len == 0) return OPTION_EMPTY;
  return loaded(wolfSSL_CTX_use_certificate_buffer((WOLFSSL_CTX *)ctx, der, (long)len, WOLFSSL_FILETYPE_ASN1));
}

static int load_key(void *ctx, const unsigned char *der, size_t len)
{
  if (len == 0) return OPTION_EMPTY;
  return loaded(wolfSSL_CTX_use_PrivateKey_buffer((WOLFSSL_CTX *)ctx, der, (long)len, WOLFSSL_FILETYPE_ASN1));
}

/* Loads option `name` into the context; 1 loaded or absent, 0 failed (raised). */
static int load_option(tls_conn *c, void *options, const char *name, tls_option_use use, const char *what)
{
  int ret = tls_option_with(options, name, use, c->ctx);
  if (ret == TLS_OPTION_ABSENT) return 1;
  if (ret == 0) {
    if (strcmp(name, "ca") == 0) c->verify_required = 1;
    return 1;
  }
  /* Espruino's words: an empty option is -1, anything unreadable "Invalid format". */
  raise_setup(what, ret == MEMORY_E ? TLS_ERR_SSL_ALLOC_FAILED : ret == OPTION_EMPTY ? -1 : TLS_ERR_X509_INVALID_FORMAT, 0);
  return 0;
}

/* The session's policy: versions, suites, groups, name, verification. */
static int apply_policy(tls_conn *c)
{
  tls_target target;
  int ret;
  if ((ret = wolfSSL_CTX_SetMinVersion(c->ctx, WOLFSSL_TLSV1_2)) != WOLFSSL_SUCCESS) return ret;
  if ((ret = wolfSSL_CTX_set_cipher_list(c->ctx, policy_suites)) != WOLFSSL_SUCCESS) return ret;
  wolfSSL_CTX_SetIORecv(c->ctx, io_recv);
  wolfSSL_CTX_SetIOSend(c->ctx, io_send);
  /* With a CA the server must prove itself; without one the connection stays
   * unverified, as stock Espruino, because there is nothing to verify against
   * (the app reports cert_verified false). wolfSSL's client default would
   * verify against no CA at all. */
  wolfSSL_CTX_set_verify(c->ctx, c->verify_required ? WOLFSSL_VERIFY_PEER : WOLFSSL_VERIFY_NONE,
                         c->verify_required ? verify_callback : NULL);

  c->ssl = wolfSSL_new(c->ctx);
  if (c->ssl == NULL) return MEMORY_E;
  wolfSSL_SetIOReadCtx(c->ssl, c);
  wolfSSL_SetIOWriteCtx(c->ssl, c);
  wolfSSL_SetCertCbCtx(c->ssl, c);
  if ((ret = wolfSSL_set_groups(c->ssl, policy_groups, (int)(sizeof policy_groups / sizeof policy_groups[0]))) !=
      WOLFSSL_SUCCESS) {
    return ret;
  }

  tls_target_get(&target);
  if (target.name != NULL) {
    size_t n = strlen(target.name);
    memcpy(c->sni, target.name, n + 1);
    ret = wolfSSL_UseSNI(c->ssl, WOLFSSL_SNI_HOST_NAME, target.name, (unsigned short)n);
    if (ret != WOLFSSL_SUCCESS) return ret;
    if (c->verify_required && (ret = wolfSSL_check_domain_name(c->ssl, target.name)) != WOLFSSL_SUCCESS) return ret;
  } else {
    c->check_ip = 1;
    memcpy(c->ip, target.ip, sizeof c->ip);
  }
  return WOLFSSL_SUCCESS;
}

/* Sets up socket `sckt` for TLS, in network.c's order: CA, certificate, key,
 * then the session. 1 ready; 0 failed, with the exception raised. */
static int conn_open(int sckt, void *options)
{
  static int initialised = 0;
  tls_conn *c;
  int ret;
  if (!initialised) {
    if (wolfSSL_Init() != WOLFSSL_SUCCESS) {
      raise_setup("mbedtls_ssl_setup: ", TLS_ERR_SSL_INTERNAL_ERROR, 0);
      return 0;
    }
    initialised = 1;
  }
  c = conn_claim(sckt);
  if (c == NULL) {
    tls_policy_raise("Not enough memory to allocate SSL socket");
    return 0;
  }
  c->ctx = wolfSSL_CTX_new(wolfSSLv23_client_method());
  if (c->ctx == NULL) {
    raise_setup("mbedtls_ssl_config_defaults returned: ", TLS_ERR_SSL_ALLOC_FAILED, 0);
    conn_release(c);
    return 0;
  }
  if (!load_option(c, options, "ca", load_ca, "HTTPS init failed! mbedtls_x509_crt_parse of 'ca': ") ||
      !load_option(c, options, "cert", load_cert, "HTTPS init failed! mbedtls_x509_crt_parse of 'cert': ") ||
      !load_option(c, options, "key", load_key, "HTTPS init failed! mbedtls_pk_parse_key: ")) {
    conn_release(c);
    return 0;
  }
  ret = apply_policy(c);
  if (ret != WOLFSSL_SUCCESS) {
    raise_setup("mbedtls_ssl_setup: ", ret == MEMORY_E ? TLS_ERR_SSL_ALLOC_FAILED : TLS_ERR_SSL_INTERNAL_ERROR, ret);
    conn_release(c);
    return 0;
  }
  return 1;
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
  if (sckt >= 0 && (socketType & TLS_POLICY_SOCKET_TYPE_TLS) != 0 && !conn_open(sckt, options)) {
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
    conn_release(c);
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
