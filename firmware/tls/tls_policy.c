/*
 * tls_policy.c - link-time wrappers that make Espruino's TLS client verify
 * the server, send the real SNI name, offer only modern suites and treat
 * close_notify as a normal close. See tls_policy.h and ../README.md.
 *
 * How Espruino drives mbedTLS (upstream libs/network, read for facts only):
 *   socketserver.c clientRequestConnect()
 *     networkGetHostByName(net, host, &ip)        <- we note the host name
 *     netCreateSocket(net, type, ip, port, opts)  <- we mark "creating"
 *       ssl_newSocketData(): config_defaults, conf_authmode(NONE),
 *         conf_ca_chain(cacert, possibly empty), ssl_setup,
 *         mbedtls_ssl_set_hostname("mbed TLS Server 1")  <- policy applied here
 *   idle loop: netSend/netRecv -> ssl_getSocketData -> mbedtls_ssl_handshake
 *     (a failure there raises "mbedtls_ssl_handshake returned ...")
 *   netRecv -> mbedtls_ssl_read; a negative result ends the socket, and only
 *     -1 (SOCKET_ERR_CLOSED) counts as a clean close   <- close_notify mapped
 *   ssl_freeSocketData: mbedtls_ssl_free, mbedtls_ssl_config_free  <- slot freed
 * All of these calls cross object files, so --wrap reaches them.
 *
 * Not wrapped on purpose: mbedtls_ssl_setup, mbedtls_ssl_read, mbedtls_ssl_free
 * and mbedtls_ssl_write. ESP-IDF's CONFIG_MBEDTLS_DYNAMIC_BUFFER (on in
 * Espruino's IDF4 sdkconfig) already wraps those; a second __wrap_ of the same
 * symbol would not link.
 */
#include "tls_policy.h"
#include "tls_names.h"
#include "tls_policy_cert.h"
#include "tls_reasons.h"
#include "tls_target.h"

#include <string.h>
#include <time.h>

#include "mbedtls/ecp.h"
#include "mbedtls/ssl.h"
#include "mbedtls/ssl_ciphersuites.h"
#include "mbedtls/x509_crt.h"

#if !defined(MBEDTLS_SSL_CLI_C) || !defined(MBEDTLS_X509_CRT_PARSE_C)
#error "the TLS policy needs an mbedTLS with MBEDTLS_SSL_CLI_C and MBEDTLS_X509_CRT_PARSE_C"
#endif

/* tls_reasons.c words mbedTLS's verify flags with its own table: same values. */
typedef char tls_reasons_use_mbedtls_flags[(TLS_BADCERT_EXPIRED == MBEDTLS_X509_BADCERT_EXPIRED &&
                                            TLS_BADCERT_CN_MISMATCH == MBEDTLS_X509_BADCERT_CN_MISMATCH &&
                                            TLS_BADCERT_NOT_TRUSTED == MBEDTLS_X509_BADCERT_NOT_TRUSTED &&
                                            TLS_BADCERT_FUTURE == MBEDTLS_X509_BADCERT_FUTURE &&
                                            TLS_ERR_CERT_VERIFY_FAILED == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED)
                                               ? 1
                                               : -1];

#if !(defined(MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED) || defined(MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED)) || \
    !(defined(MBEDTLS_GCM_C) || defined(MBEDTLS_CHACHAPOLY_C))
#error "the TLS policy offers only ECDHE with AES-GCM or ChaCha20-Poly1305: enable them in the mbedTLS config"
#endif

/* ---------------------------------------------------------------------------
 * The wrapped functions. Espruino's prototypes (libs/network/network.h) take a
 * `SocketType` enum, passed as an int, and a `JsVar *`, passed here as void *;
 * this file never includes Espruino headers so the same code builds in the
 * harness.
 */
struct JsNetwork;

int __real_netCreateSocket(struct JsNetwork *net, int socketType, uint32_t host, unsigned short port, void *options);
int __real_netRecv(struct JsNetwork *net, int socketType, int sckt, void *buf, size_t len);
int __real_mbedtls_ssl_set_hostname(mbedtls_ssl_context *ssl, const char *hostname);
int __real_mbedtls_ssl_handshake(mbedtls_ssl_context *ssl);
void __real_mbedtls_ssl_config_free(mbedtls_ssl_config *conf);

int __wrap_netCreateSocket(struct JsNetwork *net, int socketType, uint32_t host, unsigned short port, void *options);
int __wrap_netRecv(struct JsNetwork *net, int socketType, int sckt, void *buf, size_t len);
int __wrap_mbedtls_ssl_set_hostname(mbedtls_ssl_context *ssl, const char *hostname);
int __wrap_mbedtls_ssl_handshake(mbedtls_ssl_context *ssl);
void __wrap_mbedtls_ssl_config_free(mbedtls_ssl_config *conf);

/* --------------------------------------------------------------------------- */

/* Suites offered: ECDHE (forward secrecy) with an AEAD cipher, TLS 1.2 only.
 * mbedTLS skips any the build lacks; the #ifs keep older headers compiling. */
static const int policy_suites[] = {
#if defined(MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED)
#if defined(MBEDTLS_GCM_C)
  MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
#if defined(MBEDTLS_SHA512_C)
  MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
#endif
#endif
#if defined(MBEDTLS_CHACHAPOLY_C)
  MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
#endif
#endif
#if defined(MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED)
#if defined(MBEDTLS_GCM_C)
  MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
#if defined(MBEDTLS_SHA512_C)
  MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
#endif
#endif
#if defined(MBEDTLS_CHACHAPOLY_C)
  MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
#endif
#endif
  0
};

#if defined(MBEDTLS_ECP_C)
/* Groups offered, best first, among those the build can use in TLS. The list
 * is filtered at run time: mbedTLS 2.1.1 (Espruino's bundled copy) knows
 * Curve25519 only for ECDH and would dereference NULL writing it into the
 * ClientHello. */
static const mbedtls_ecp_group_id wanted_curves[] = {
#if defined(MBEDTLS_ECP_DP_CURVE25519_ENABLED)
  MBEDTLS_ECP_DP_CURVE25519,
#endif
#if defined(MBEDTLS_ECP_DP_SECP256R1_ENABLED)
  MBEDTLS_ECP_DP_SECP256R1,
#endif
#if defined(MBEDTLS_ECP_DP_SECP384R1_ENABLED)
  MBEDTLS_ECP_DP_SECP384R1,
#endif
  MBEDTLS_ECP_DP_NONE
};

static mbedtls_ecp_group_id policy_curves[sizeof wanted_curves / sizeof wanted_curves[0]];

static const mbedtls_ecp_group_id *allowed_curves(void)
{
  static int ready = 0;
  if (!ready) {
    size_t i, n = 0;
    for (i = 0; wanted_curves[i] != MBEDTLS_ECP_DP_NONE; i++) {
      if (mbedtls_ecp_curve_info_from_grp_id(wanted_curves[i]) != NULL) policy_curves[n++] = wanted_curves[i];
    }
    policy_curves[n] = MBEDTLS_ECP_DP_NONE;
    ready = 1;
  }
  return policy_curves;
}
#endif

/* --- per-connection state --------------------------------------------------- */

typedef int (*verify_fn)(void *, mbedtls_x509_crt *, int, uint32_t *);

typedef struct {
  mbedtls_ssl_context *ssl;  /* NULL: slot free */
  mbedtls_ssl_config *conf;  /* Espruino gives every socket its own config */
  verify_fn next_verify;     /* a verify callback that was already set */
  void *next_verify_ctx;
  unsigned char ip[4];       /* the address, when the host was an IP literal */
  int check_ip;
  int handshake_error;       /* first fatal handshake error, repeated after */
} policy_conn;

static policy_conn conns[TLS_POLICY_MAX_CONNECTIONS];

static policy_conn *conn_find(const mbedtls_ssl_context *ssl)
{
  size_t i;
  if (ssl == NULL) return NULL;
  for (i = 0; i < TLS_POLICY_MAX_CONNECTIONS; i++) {
    if (conns[i].ssl == ssl) return &conns[i];
  }
  return NULL;
}

static policy_conn *conn_claim(mbedtls_ssl_context *ssl, mbedtls_ssl_config *conf)
{
  policy_conn *c = conn_find(ssl);
  size_t i;
  for (i = 0; c == NULL && i < TLS_POLICY_MAX_CONNECTIONS; i++) {
    if (conns[i].ssl == NULL) c = &conns[i];
  }
  if (c == NULL) return NULL;
  memset(c, 0, sizeof *c);
  c->ssl = ssl;
  c->conf = conf;
  return c;
}

/* --- the socket being created ----------------------------------------------- */

int __wrap_netCreateSocket(struct JsNetwork *net, int socketType, uint32_t host, unsigned short port, void *options)
{
  int r;
  tls_target_begin(host);
  r = __real_netCreateSocket(net, socketType, host, port, options);
  tls_target_end();
  return r;
}

/* --- verification ----------------------------------------------------------- */

static int ca_configured(const mbedtls_ssl_config *conf)
{
  /* Espruino always passes its CA chain, empty (never parsed) when no `ca`
   * option was given; a parsed certificate has its DER in raw. */
  const mbedtls_x509_crt *ca;
  for (ca = conf->ca_chain; ca != NULL; ca = ca->next) {
    if (ca->raw.p != NULL && ca->raw.len > 0) return 1;
  }
  return 0;
}

static int policy_verify(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
  const policy_conn *c = (const policy_conn *)ctx;
  int ret = 0;
  if (c->next_verify != NULL) ret = c->next_verify(c->next_verify_ctx, crt, depth, flags);
#if !defined(MBEDTLS_HAVE_TIME_DATE)
  {
    /* Without MBEDTLS_HAVE_TIME_DATE mbedTLS ignores validity dates (stock
     * ESP32_IDF4 sdkconfig); check them here so an expired certificate fails
     * even if sdkconfig.tls was not merged. The app sets the clock first. */
    time_t now = time(NULL);
    struct tm utc;
    if (gmtime_r(&now, &utc) != NULL) *flags |= tls_policy_validity_flags(crt, &utc);
  }
#endif
  if (depth == 0 && c->check_ip &&
      tls_extensions_have_ip(crt->v3_ext.p, crt->v3_ext.len, c->ip, sizeof c->ip) != 1) {
    /* mbedTLS reports every name mismatch with this flag; its text reads
     * "The certificate Common Name (CN) does not match with the expected CN". */
    *flags |= MBEDTLS_X509_BADCERT_CN_MISMATCH;
  }
  return ret;
}

static void apply_policy(policy_conn *c, mbedtls_ssl_config *conf)
{
  mbedtls_ssl_conf_min_version(conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
  mbedtls_ssl_conf_ciphersuites(conf, policy_suites);
#if defined(MBEDTLS_ECP_C)
  mbedtls_ssl_conf_curves(conf, allowed_curves());
#endif
#if defined(MBEDTLS_SSL_RENEGOTIATION)
  mbedtls_ssl_conf_renegotiation(conf, MBEDTLS_SSL_RENEGOTIATION_DISABLED);
#endif
  /* With a CA the server must prove itself; without one the connection stays
   * unverified, as stock Espruino, because there is nothing to verify against
   * (the app reports cert_verified false). */
  if (ca_configured(conf)) mbedtls_ssl_conf_authmode(conf, MBEDTLS_SSL_VERIFY_REQUIRED);
  if (conf->f_vrfy != policy_verify) {
    c->next_verify = conf->f_vrfy;
    c->next_verify_ctx = conf->p_vrfy;
  }
  mbedtls_ssl_conf_verify(conf, policy_verify, c);
}

/* Espruino sets the bogus name "mbed TLS Server 1" here, right after
 * mbedtls_ssl_setup and before the first handshake step: the last moment the
 * configuration can change, so the whole policy is applied here. */
int __wrap_mbedtls_ssl_set_hostname(mbedtls_ssl_context *ssl, const char *hostname)
{
  mbedtls_ssl_config *conf;
  policy_conn *c;
  tls_target target;

  if (!tls_target_creating() || ssl == NULL || ssl->conf == NULL || ssl->conf->endpoint != MBEDTLS_SSL_IS_CLIENT) {
    return __real_mbedtls_ssl_set_hostname(ssl, hostname); /* not a socket Espruino is opening */
  }
  conf = (mbedtls_ssl_config *)ssl->conf; /* the socket's own config; const only in the API */
  c = conn_claim(ssl, conf);
  if (c == NULL) return MBEDTLS_ERR_SSL_ALLOC_FAILED; /* fail rather than run without the policy */

  tls_target_get(&target);
  if (target.name != NULL) {
    int ret = __real_mbedtls_ssl_set_hostname(ssl, target.name); /* sent as SNI and matched by mbedTLS */
    if (ret != 0) {
      memset(c, 0, sizeof *c);
      return ret;
    }
  } else {
    /* No SNI; the address must be among the certificate's iPAddress names,
     * which policy_verify checks. */
    c->check_ip = 1;
    memcpy(c->ip, target.ip, sizeof c->ip);
  }
  apply_policy(c, conf);
  return 0;
}

int __wrap_mbedtls_ssl_handshake(mbedtls_ssl_context *ssl)
{
  policy_conn *c = conn_find(ssl);
  int ret;
  /* Espruino steps the handshake from both netSend and netRecv; after a
   * failure, answer with the same error instead of talking to the peer again. */
  if (c != NULL && c->handshake_error != 0) return c->handshake_error;
  ret = __real_mbedtls_ssl_handshake(ssl);
  if (c == NULL || ret == 0 || ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) return ret;
  c->handshake_error = ret;
  if (ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
    /* Espruino would only say "mbedtls_ssl_handshake returned -0x2700". Raise
     * first, with mbedTLS's reasons: the first exception is the one JS sees. */
    char message[TLS_POLICY_MESSAGE_SIZE];
    tls_describe_verify_failure(message, sizeof message, mbedtls_ssl_get_verify_result(ssl), ret);
    tls_policy_raise(message);
  }
  return ret;
}

int __wrap_netRecv(struct JsNetwork *net, int socketType, int sckt, void *buf, size_t len)
{
  int r = __real_netRecv(net, socketType, sckt, buf, len);
  /* The peer's close_notify is how TLS ends normally; Espruino would report
   * it as error -0x7880. */
  if ((socketType & TLS_POLICY_SOCKET_TYPE_TLS) != 0 && r == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) {
    return TLS_POLICY_SOCKET_CLOSED;
  }
  return r;
}

void __wrap_mbedtls_ssl_config_free(mbedtls_ssl_config *conf)
{
  size_t i;
  for (i = 0; i < TLS_POLICY_MAX_CONNECTIONS; i++) {
    if (conns[i].ssl != NULL && conns[i].conf == conf) memset(&conns[i], 0, sizeof conns[i]);
  }
  __real_mbedtls_ssl_config_free(conf);
}
