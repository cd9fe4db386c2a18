/*
 * espruino_like.c - see espruino_like.h. Plain POSIX sockets plus mbedTLS,
 * written for the harness; it reproduces the behaviour of Espruino's network
 * layer that matters to the TLS policy, not its code.
 */
#include "espruino_like.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
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

typedef struct {
  int fd; /* -1: unused */
  int tls;
  int connecting;
  int handshake_result;
  int handshake_done;
  mbedtls_ctr_drbg_context ctr_drbg;
  mbedtls_pk_context pkey;
  mbedtls_x509_crt owncert;
  mbedtls_x509_crt cacert;
  mbedtls_ssl_context ssl;
  mbedtls_ssl_config conf;
} el_socket;

static el_socket sockets[MAX_SOCKETS];
static int sockets_ready = 0;
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
  } else {
    el_exception("%s-0x%x", what, (unsigned int)-code);
  }
}

/* --- sockets ---------------------------------------------------------------- */

static void sockets_init(void)
{
  int i;
  if (sockets_ready) return;
  for (i = 0; i < MAX_SOCKETS; i++) sockets[i].fd = -1;
  sockets_ready = 1;
}

static el_socket *socket_at(int sckt)
{
  sockets_init();
  if (sckt < 0 || sckt >= MAX_SOCKETS || sockets[sckt].fd < 0) return NULL;
  return &sockets[sckt];
}

void networkGetHostByName(struct JsNetwork *net, char *hostName, uint32_t *out_ip_addr)
{
  struct in_addr addr;
  struct addrinfo hints, *found = NULL;
  (void)net;
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
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(hostName, NULL, &hints, &found) == 0 && found != NULL) {
    memcpy(out_ip_addr, &((struct sockaddr_in *)(void *)found->ai_addr)->sin_addr.s_addr, 4);
  }
  if (found != NULL) freeaddrinfo(found);
}

/* The driver's send/recv as mbedTLS sees them through Espruino's BIO glue:
 * nothing moved means WANT_WRITE/WANT_READ, a closed socket is -1. */
static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
  int fd = *(int *)ctx;
  ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
  if (n < 0) return (errno == EAGAIN || errno == EWOULDBLOCK) ? MBEDTLS_ERR_SSL_WANT_WRITE : -1;
  if (n == 0) return MBEDTLS_ERR_SSL_WANT_WRITE;
  return (int)n;
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
  int fd = *(int *)ctx;
  struct pollfd p;
  ssize_t n;
  p.fd = fd;
  p.events = POLLIN;
  p.revents = 0;
  if (poll(&p, 1, POLL_MS) == 0) return MBEDTLS_ERR_SSL_WANT_READ;
  n = recv(fd, buf, len, 0);
  if (n == 0) return -1; /* peer closed the TCP connection */
  if (n < 0) return (errno == EAGAIN || errno == EWOULDBLOCK) ? MBEDTLS_ERR_SSL_WANT_READ : -1;
  return (int)n;
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

/* Reads a whole file, NUL-terminated (mbedTLS wants the NUL counted for PEM). */
static unsigned char *read_file(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  unsigned char *data = NULL;
  long size;
  if (f == NULL) return NULL;
  if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
    data = malloc((size_t)size + 1);
    if (data != NULL && fread(data, 1, (size_t)size, f) == (size_t)size) {
      data[size] = 0;
      *len = (size_t)size + 1;
    } else {
      free(data);
      data = NULL;
    }
  }
  fclose(f);
  return data;
}

static int load(const char *path, const char *what, int (*parse)(el_socket *, const unsigned char *, size_t), el_socket *s)
{
  size_t len = 0;
  unsigned char *data;
  int ret;
  if (path == NULL) return 1; /* option absent: fine */
  data = read_file(path, &len);
  if (data == NULL) {
    el_exception("HTTPS init failed! cannot read %s file %s", what, path);
    return 0;
  }
  ret = parse(s, data, len);
  free(data);
  if (ret != 0) {
    char prefix[64];
    snprintf(prefix, sizeof prefix, "HTTPS init failed! parse of '%s': ", what);
    exception_for(prefix, ret);
    return 0;
  }
  return 1;
}

static int parse_ca(el_socket *s, const unsigned char *d, size_t n) { return mbedtls_x509_crt_parse(&s->cacert, d, n); }
static int parse_cert(el_socket *s, const unsigned char *d, size_t n) { return mbedtls_x509_crt_parse(&s->owncert, d, n); }
static int parse_key(el_socket *s, const unsigned char *d, size_t n) { return mbedtls_pk_parse_key(&s->pkey, d, n, NULL, 0); }

static void tls_free(el_socket *s)
{
  mbedtls_ssl_free(&s->ssl);
  mbedtls_ssl_config_free(&s->conf);
  mbedtls_ctr_drbg_free(&s->ctr_drbg);
  mbedtls_x509_crt_free(&s->owncert);
  mbedtls_x509_crt_free(&s->cacert);
  mbedtls_pk_free(&s->pkey);
}

/* Espruino's ssl_newSocketData, call for call. */
static int tls_new(el_socket *s, const el_options *options)
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
  if (options != NULL &&
      (!load(options->ca_file, "ca", parse_ca, s) || !load(options->cert_file, "cert", parse_cert, s) ||
       !load(options->key_file, "key", parse_key, s))) {
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
  mbedtls_ssl_set_bio(&s->ssl, &s->fd, bio_send, bio_recv, NULL);
  return 1;
}

int netCreateSocket(struct JsNetwork *net, int socketType, uint32_t host, unsigned short port, void *options)
{
  struct sockaddr_in sin;
  int i, fd;
  (void)net;
  sockets_init();
  for (i = 0; i < MAX_SOCKETS && sockets[i].fd >= 0; i++) {
  }
  if (i == MAX_SOCKETS) return -1;
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
  memset(&sockets[i], 0, sizeof sockets[i]);
  sockets[i].fd = fd;
  sockets[i].tls = (socketType & EL_ST_TLS) != 0;
  if (sockets[i].tls && !tls_new(&sockets[i], (const el_options *)options)) {
    tls_free(&sockets[i]);
    close(fd);
    sockets[i].fd = -1;
    return -1;
  }
  return i;
}

/* Espruino's ssl_getSocketData: steps the handshake while connecting. */
static el_socket *tls_ready(int sckt)
{
  el_socket *s = socket_at(sckt);
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
  el_socket *s;
  int ret;
  (void)net;
  (void)socketType;
  s = tls_ready(sckt);
  if (s == NULL) return -1;
  if (s->connecting) return 0;
  ret = mbedtls_ssl_read(&s->ssl, buf, len);
  if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) return 0;
  return ret;
}

int netSend(struct JsNetwork *net, int socketType, int sckt, const void *buf, size_t len)
{
  el_socket *s;
  int ret;
  (void)net;
  (void)socketType;
  s = tls_ready(sckt);
  if (s == NULL) return -1;
  if (s->connecting) return 0;
  ret = mbedtls_ssl_write(&s->ssl, buf, len);
  if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) return 0;
  return ret;
}

void netCloseSocket(struct JsNetwork *net, int socketType, int sckt)
{
  el_socket *s = socket_at(sckt);
  (void)net;
  (void)socketType;
  if (s == NULL) return;
  if (s->tls) tls_free(s);
  close(s->fd);
  s->fd = -1;
}

mbedtls_ssl_context *el_ssl(int sckt)
{
  el_socket *s = socket_at(sckt);
  return s != NULL && s->tls ? &s->ssl : NULL;
}

int el_handshake_result(int sckt)
{
  el_socket *s = socket_at(sckt);
  return s != NULL ? s->handshake_result : 0;
}

int el_handshake_done(int sckt)
{
  el_socket *s = socket_at(sckt);
  return s != NULL && s->handshake_done;
}
