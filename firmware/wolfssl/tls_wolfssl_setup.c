/*
 * tls_wolfssl_setup.c - a TLS socket's wolfSSL session, set up with the
 * project's policy: TLS 1.3 preferred and 1.2 the minimum, the AEAD suites,
 * the groups best first, the socket's CA, certificate and key from
 * Espruino's connect() options, and the host: its name for SNI (and checked
 * when a CA is given) or, for an IP literal, its address, which the verify
 * callback looks for in the certificate. What drives the session afterwards
 * is in tls_wolfssl.c; what the two share is in tls_wolfssl_conn.h. See
 * tls_wolfssl.h and ../README.md.
 */
#include "tls_wolfssl_conn.h"

#include <stdio.h>
#include <string.h>

#ifndef WOLFSSL_USER_SETTINGS
#include <wolfssl/options.h>
#endif
#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/ssl.h>
#include <wolfssl/wolfcrypt/error-crypt.h>

#include "tls_names.h"
#include "tls_policy.h"
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
  wolfSSL_CTX_SetIORecv(c->ctx, tls_conn_io_recv);
  wolfSSL_CTX_SetIOSend(c->ctx, tls_conn_io_send);
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

/* See tls_wolfssl_conn.h. */
int tls_conn_open(int sckt, void *options)
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
  c = tls_conn_claim(sckt);
  if (c == NULL) {
    tls_policy_raise("Not enough memory to allocate SSL socket");
    return 0;
  }
  c->ctx = wolfSSL_CTX_new(wolfSSLv23_client_method());
  if (c->ctx == NULL) {
    raise_setup("mbedtls_ssl_config_defaults returned: ", TLS_ERR_SSL_ALLOC_FAILED, 0);
    tls_conn_release(c);
    return 0;
  }
  if (!load_option(c, options, "ca", load_ca, "HTTPS init failed! mbedtls_x509_crt_parse of 'ca': ") ||
      !load_option(c, options, "cert", load_cert, "HTTPS init failed! mbedtls_x509_crt_parse of 'cert': ") ||
      !load_option(c, options, "key", load_key, "HTTPS init failed! mbedtls_pk_parse_key: ")) {
    tls_conn_release(c);
    return 0;
  }
  ret = apply_policy(c);
  if (ret != WOLFSSL_SUCCESS) {
    raise_setup("mbedtls_ssl_setup: ", ret == MEMORY_E ? TLS_ERR_SSL_ALLOC_FAILED : TLS_ERR_SSL_INTERNAL_ERROR, ret);
    tls_conn_release(c);
    return 0;
  }
  return 1;
}
