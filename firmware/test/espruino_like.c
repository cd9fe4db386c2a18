/*
 * espruino_like.c - see espruino_like.h. Plain POSIX sockets plus mbedTLS,
 * written for the harness; it reproduces the behaviour of Espruino's network
 * layer that matters to the TLS backends, not its code.
 */
#include "espruino_like.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/debug.h"
#include "mbedtls/pk.h"
#include "mbedtls/x509_crt.h"

#define MAX_SOCKETS 4
#define POLL_MS 20 /* how long one idle-loop receive waits, like a short select() */
#define CHUNK_SIZE 536 /* net->chunkSize of Espruino's Linux and ESP32 drivers */

static char exception_text[1024];
static int have_exception = 0;

/* --- jsExceptionHere --------------------------------------------------------- */

void el_exception(const char *fmt, ...)
{
  va_list ap;
  if (have_exception) return; /* Espruino keeps the first exception */
  va_start(ap, fmt);
  vsnprintf(exception_text, sizeof exception_text, fmt, ap);
  va_end(ap);
  have_exception = 1;
}

const char *el_exception_message(void)
{
  return have_exception ? exception_text : NULL;
}

/* Espruino's text for an mbedTLS error code: a few have words, the rest -0x... */
static void exception_for(const char *what, int code)
{
  if (code == MBEDTLS_ERR_SSL_ALLOC_FAILED || code == MBEDTLS_ERR_X509_ALLOC_FAILED ||
      code == MBEDTLS_ERR_PK_ALLOC_FAILED) {
    el_exception("%sNot enough memory", what);
  } else if (code == MBEDTLS_ERR_X509_INVALID_FORMAT || code == MBEDTLS_ERR_PK_KEY_INVALID_FORMAT) {
    el_exception("%sInvalid format", what);
  } else {
    el_exception("%s-0x%x", what, (unsigned int)-code);
  }
}

/* --- the driver (network_linux.c) ------------------------------------------ */

static struct JsNetwork network;
static size_t io_piece; /* 0: whole buffers */

static size_t piece_of(size_t len)
{
  return io_piece > 0 && len > io_piece ? io_piece : len;
}

static void driver_gethostbyname(struct JsNetwork *net, char *hostName, uint32_t *out_ip_addr)
{
  struct addrinfo hints, *found = NULL;
  (void)net;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(hostName, NULL, &hints, &found) == 0 && found != NULL) {
    memcpy(out_ip_addr, &((struct sockaddr_in *)(void *)found->ai_addr)->sin_addr.s_addr, 4);
  }
  if (found != NULL) freeaddrinfo(found);
}

static int driver_createsocket(struct JsNetwork *net, int socketType, uint32_t host, unsigned short port, void *options)
{
  struct sockaddr_in sin;
  int fd;
  (void)net;
  (void)socketType;
  (void)options;
  fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  memset(&sin, 0, sizeof sin);
  sin.sin_family = AF_INET;
  sin.sin_port = htons(port);
  memcpy(&sin.sin_addr.s_addr, &host, 4);
  if (connect(fd, (struct sockaddr *)&sin, sizeof sin) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

static void driver_closesocket(struct JsNetwork *net, int sckt)
{
  (void)net;
  close(sckt);
}

static int driver_recv(struct JsNetwork *net, int socketType, int sckt, void *buf, size_t len)
{
  struct pollfd p;
  ssize_t n;
  (void)net;
  (void)socketType;
  p.fd = sckt;
  p.events = POLLIN;
  p.revents = 0;
  if (poll(&p, 1, POLL_MS) == 0) return 0;
  n = recv(sckt, buf, piece_of(len), MSG_DONTWAIT);
  if (n == 0) return -1; /* peer closed the TCP connection */
  if (n < 0) return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;
  return (int)n;
}

static int driver_send(struct JsNetwork *net, int socketType, int sckt, const void *buf, size_t len)
{
  ssize_t n;
  (void)net;
  (void)socketType;
  n = send(sckt, buf, piece_of(len), MSG_NOSIGNAL | MSG_DONTWAIT);
  if (n < 0) return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;
  return (int)n;
}

struct JsNetwork *el_network(size_t piece)
{
  io_piece = piece;
  network.createsocket = driver_createsocket;
  network.closesocket = driver_closesocket;
  network.gethostbyname = driver_gethostbyname;
  network.recv = driver_recv;
  network.send = driver_send;
  network.chunkSize = CHUNK_SIZE;
  return &network;
}

/* --- options ------------------------------------------------------------------ */

unsigned char *el_option_bytes(const el_options *options, const char *name, size_t *len, int *error)
{
  const char *path = NULL;
  FILE *f;
  unsigned char *data = NULL;
  long size;
  *error = 0;
  if (options != NULL) {
    if (strcmp(name, "ca") == 0) path = options->ca_file;
    if (strcmp(name, "cert") == 0) path = options->cert_file;
    if (strcmp(name, "key") == 0) path = options->key_file;
  }
  if (path == NULL) return NULL;
  f = fopen(path, "rb");
  if (f != NULL && fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
    data = malloc((size_t)size + 1);
    if (data != NULL && fread(data, 1, (size_t)size, f) == (size_t)size) {
      data[size] = 0;
      *len = (size_t)size;
    } else {
      free(data);
      data = NULL;
    }
  }
  if (f != NULL) fclose(f);
  if (data == NULL) *error = 1;
  return data;
}

/* --- network.c's TLS: per-socket mbedTLS state -------------------------------- */

typedef struct {
  int sckt; /* -1: unused */
  int connecting;
  int handshake_result;
  int handshake_done;
  mbedtls_ctr_drbg_context ctr_drbg;
  mbedtls_pk_context pkey;
  mbedtls_x509_crt owncert;
  mbedtls_x509_crt cacert;
  mbedtls_ssl_context ssl;
  mbedtls_ssl_config conf;
} el_tls;

static el_tls tls_data[MAX_SOCKETS];
static int tls_ready_table = 0;

static el_tls *tls_of(int sckt)
{
  int i;
  if (!tls_ready_table) {
    for (i = 0; i < MAX_SOCKETS; i++) tls_data[i].sckt = -1;
    tls_ready_table = 1;
  }
  for (i = 0; i < MAX_SOCKETS; i++) {
    if (tls_data[i].sckt == sckt) return &tls_data[i];
  }
  return NULL;
}

void networkGetHostByName(struct JsNetwork *net, char *hostName, uint32_t *out_ip_addr)
{
  struct in_addr addr;
  *out_ip_addr = 0;
  /* Espruino answers "localhost" and dotted quads itself, then asks the driver. */
  if (strcmp(hostName, "localhost") == 0) {
    inet_pton(AF_INET, "127.0.0.1", &addr);
    memcpy(out_ip_addr, &addr.s_addr, 4);
    return;
  }
  if (inet_pton(AF_INET, hostName, &addr) == 1) {
    memcpy(out_ip_addr, &addr.s_addr, 4);
    return;
  }
  net->gethostbyname(net, hostName, out_ip_addr);
}

/* network.c's ssl_send/ssl_recv: the driver through networkGetCurrent();
 * nothing moved means WANT_WRITE/WANT_READ, a closed socket is -1. */
static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
  int r = network.send(&network, EL_ST_TLS, *(int *)ctx, buf, len);
  return r == 0 ? MBEDTLS_ERR_SSL_WANT_WRITE : r;
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
  int r = network.recv(&network, EL_ST_TLS, *(int *)ctx, buf, len);
  return r == 0 ? MBEDTLS_ERR_SSL_WANT_READ : r;
}

static int entropy(void *data, unsigned char *output, size_t len)
{
  FILE *f = fopen("/dev/urandom", "rb");
  size_t got;
  (void)data;
  if (f == NULL) return -1;
  got = fread(output, 1, len, f);
  fclose(f);
  return got == len ? 0 : -1;
}

#if defined(MBEDTLS_DEBUG_C)
static void debug_print(void *ctx, int level, const char *file, int line, const char *str)
{
  (void)ctx;
  (void)level;
  fprintf(stderr, "mbedtls %s:%d: %s", file, line, str);
}
#endif

static int load(const el_options *options, const char *name, const char *what,
                int (*parse)(el_tls *, const unsigned char *, size_t), el_tls *s)
{
  size_t len = 0;
  int error, ret;
  unsigned char *data = el_option_bytes(options, name, &len, &error);
  if (data == NULL) {
    if (error) el_exception("HTTPS init failed! cannot read the %s file", name);
    return !error; /* option absent: fine */
  }
  ret = parse(s, data, len + 1); /* PEM needs the NUL counted */
  free(data);
  if (ret != 0) {
    exception_for(what, ret);
    return 0;
  }
  return 1;
}

static int parse_ca(el_tls *s, const unsigned char *d, size_t n) { return mbedtls_x509_crt_parse(&s->cacert, d, n); }
static int parse_cert(el_tls *s, const unsigned char *d, size_t n) { return mbedtls_x509_crt_parse(&s->owncert, d, n); }
static int parse_key(el_tls *s, const unsigned char *d, size_t n) { return mbedtls_pk_parse_key(&s->pkey, d, n, NULL, 0); }

static void tls_free(el_tls *s)
{
  mbedtls_ssl_free(&s->ssl);
  mbedtls_ssl_config_free(&s->conf);
  mbedtls_ctr_drbg_free(&s->ctr_drbg);
  mbedtls_x509_crt_free(&s->owncert);
  mbedtls_x509_crt_free(&s->cacert);
  mbedtls_pk_free(&s->pkey);
  s->sckt = -1;
}

/* Espruino's ssl_newSocketData, call for call. */
static int tls_new(el_tls *s, const el_options *options)
{
  static const char pers[] = "ssl_client1";
  int ret;
  s->connecting = 1;
  mbedtls_ssl_init(&s->ssl);
  mbedtls_ssl_config_init(&s->conf);
  mbedtls_pk_init(&s->pkey);
  mbedtls_x509_crt_init(&s->owncert);
  mbedtls_x509_crt_init(&s->cacert);
  mbedtls_ctr_drbg_init(&s->ctr_drbg);
  if ((ret = mbedtls_ctr_drbg_seed(&s->ctr_drbg, entropy, NULL, (const unsigned char *)pers, strlen(pers))) != 0) {
    exception_for("mbedtls_ctr_drbg_seed: ", ret);
    return 0;
  }
  if (!load(options, "ca", "HTTPS init failed! mbedtls_x509_crt_parse of 'ca': ", parse_ca, s) ||
      !load(options, "cert", "HTTPS init failed! mbedtls_x509_crt_parse of 'cert': ", parse_cert, s) ||
      !load(options, "key", "HTTPS init failed! mbedtls_pk_parse_key: ", parse_key, s)) {
    return 0;
  }
  if ((ret = mbedtls_ssl_config_defaults(&s->conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                         MBEDTLS_SSL_PRESET_DEFAULT)) != 0) {
    exception_for("mbedtls_ssl_config_defaults returned: ", ret);
    return 0;
  }
  if (mbedtls_pk_get_type(&s->pkey) != MBEDTLS_PK_NONE) {
    if ((ret = mbedtls_ssl_conf_own_cert(&s->conf, &s->owncert, &s->pkey)) != 0) {
      exception_for("mbedtls_ssl_conf_own_cert: ", ret);
      return 0;
    }
  }
  mbedtls_ssl_conf_authmode(&s->conf, MBEDTLS_SSL_VERIFY_NONE); /* stock: never verifies */
  mbedtls_ssl_conf_ca_chain(&s->conf, &s->cacert, NULL);       /* even when empty */
  mbedtls_ssl_conf_rng(&s->conf, mbedtls_ctr_drbg_random, &s->ctr_drbg);
#if defined(MBEDTLS_DEBUG_C)
  if (getenv("HARNESS_DEBUG") != NULL) { /* e.g. HARNESS_DEBUG=3: mbedTLS's trace on stderr */
    mbedtls_debug_set_threshold(atoi(getenv("HARNESS_DEBUG")));
    mbedtls_ssl_conf_dbg(&s->conf, debug_print, NULL);
  }
#endif
  if ((ret = mbedtls_ssl_setup(&s->ssl, &s->conf)) != 0) {
    exception_for("mbedtls_ssl_setup: ", ret);
    return 0;
  }
  if ((ret = mbedtls_ssl_set_hostname(&s->ssl, "mbed TLS Server 1")) != 0) { /* stock's fixed name */
    exception_for("HTTPS init failed! mbedtls_ssl_set_hostname: ", ret);
    return 0;
  }
  mbedtls_ssl_set_bio(&s->ssl, &s->sckt, bio_send, bio_recv, NULL);
  return 1;
}

/* --- network.c's socket functions -------------------------------------------- */

int netCreateSocket(struct JsNetwork *net, int socketType, uint32_t host, unsigned short port, void *options)
{
  el_tls *s;
  int sckt = net->createsocket(net, socketType, host, port, options);
  if (sckt < 0 || (socketType & EL_ST_TLS) == 0) return sckt;
  s = tls_of(-1);
  if (s == NULL) {
    el_exception("Not enough memory to allocate SSL socket");
    return -1;
  }
  memset(s, 0, sizeof *s);
  s->sckt = sckt;
  if (!tls_new(s, (const el_options *)options)) {
    tls_free(s);
    return -1; /* as network.c: the TCP socket stays open */
  }
  return sckt;
}

/* Espruino's ssl_getSocketData: steps the handshake while connecting. */
static el_tls *tls_ready(int sckt)
{
  el_tls *s = tls_of(sckt);
  int ret;
  if (s == NULL) return NULL;
  if (!s->connecting) return s;
  ret = mbedtls_ssl_handshake(&s->ssl);
  s->handshake_result = ret;
  if (ret != 0) {
    if (ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
      exception_for("mbedtls_ssl_handshake returned ", ret);
      return NULL;
    }
    return s; /* still connecting */
  }
  {
    uint32_t flags = mbedtls_ssl_get_verify_result(&s->ssl);
    if (flags != 0) {
      char info[512];
      mbedtls_x509_crt_verify_info(info, sizeof info, "  ! ", flags);
      el_exception("mbedtls_x509_crt_verify: %s", info);
      return NULL;
    }
  }
  s->connecting = 0;
  s->handshake_done = 1;
  return s;
}

int netRecv(struct JsNetwork *net, int socketType, int sckt, void *buf, size_t len)
{
  el_tls *s;
  int ret;
  if ((socketType & EL_ST_TLS) == 0) return net->recv(net, socketType, sckt, buf, len);
  s = tls_ready(sckt);
  if (s == NULL) return -1;
  if (s->connecting) return 0;
  ret = mbedtls_ssl_read(&s->ssl, buf, len);
  if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) return 0;
  return ret;
}

int netSend(struct JsNetwork *net, int socketType, int sckt, const void *buf, size_t len)
{
  el_tls *s;
  int ret;
  if ((socketType & EL_ST_TLS) == 0) return net->send(net, socketType, sckt, buf, len);
  s = tls_ready(sckt);
  if (s == NULL) return -1;
  if (s->connecting) return 0;
  ret = mbedtls_ssl_write(&s->ssl, buf, len);
  if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) return 0;
  return ret;
}

void netCloseSocket(struct JsNetwork *net, int socketType, int sckt)
{
  el_tls *s = (socketType & EL_ST_TLS) != 0 ? tls_of(sckt) : NULL;
  if (s != NULL) tls_free(s);
  net->closesocket(net, sckt);
}

/* --- for the report ---------------------------------------------------------------- */

mbedtls_ssl_context *el_ssl(int sckt)
{
  el_tls *s = sckt >= 0 ? tls_of(sckt) : NULL;
  return s != NULL ? &s->ssl : NULL;
}

int el_handshake_result(int sckt)
{
  el_tls *s = sckt >= 0 ? tls_of(sckt) : NULL;
  return s != NULL ? s->handshake_result : 0;
}

int el_handshake_done(int sckt)
{
  el_tls *s = sckt >= 0 ? tls_of(sckt) : NULL;
  return s != NULL && s->handshake_done;
}
