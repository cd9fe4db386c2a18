/*
 * harness.c - one HTTPS GET through the Espruino-like TLS client, reported as
 * one JSON line on stdout.
 *
 *   harness --host H --port P [--ca FILE] [--cert FILE --key FILE]
 *           [--path /a/check] [--timeout-ms N] [--io-piece N]
 *
 * Built once per backend by the tests: with Espruino's own mbedTLS client
 * (espruino_like.c) linked with the mbedTLS policy and its board's -Wl,--wrap
 * flags, and without them (stock Espruino's behaviour); and with the wolfSSL
 * backend and its board's wraps. harness_session.h says what the backend
 * negotiated. The loop below mirrors what Espruino's socket layer does for a
 * require("tls").connect() socket (libs/network/socketserver.c): queued
 * request bytes go out with netSend once the handshake allows, netRecv feeds
 * `data` events, and a negative receive ends the socket with `end`/`close`,
 * preceded by an `error` event unless it was -1 (a clean close) - a clean
 * close with the request still unsent is reported as error -8.
 * --io-piece N makes the network driver move at most N bytes per send or
 * receive.
 *
 * Output fields: backend, ok, tcp, handshake ("ok"|"failed"|"none"),
 * handshake_error, library_error, exception (what JavaScript would see, or
 * null), verify_flags, cert_verified, sni (host name given to the library,
 * null for none), suite, version, group, events, close_error, clean_close,
 * bytes, data (latin1 text, capped), timed_out, heap_peak (bytes, null when
 * not measured).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "espruino_like.h"
#include "harness_session.h"
#include "tls_policy.h"

#define MAX_DATA (256 * 1024)
#define MAX_EVENTS 32

/* In the firmware tls_policy_espruino.c raises an InternalError; here the
 * text becomes the harness's exception, with the same first-one-wins rule. */
void tls_policy_raise(const char *message)
{
  el_exception("%s", message);
}

static void json_string(const char *s, size_t n)
{
  size_t i;
  putchar('"');
  for (i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (ch == '"' || ch == '\\') {
      printf("\\%c", ch);
    } else if (ch < 0x20 || ch >= 0x7f) {
      printf("\\u%04x", ch); /* bytes as latin1 code points, like Espruino strings */
    } else {
      putchar(ch);
    }
  }
  putchar('"');
}

static void json_cstring_or_null(const char *s)
{
  if (s == NULL) {
    printf("null");
  } else {
    json_string(s, strlen(s));
  }
}

static long long now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void usage(void)
{
  fprintf(stderr,
          "usage: harness --host H --port P [--ca FILE] [--cert FILE --key FILE] [--path PATH] [--timeout-ms N]"
          " [--io-piece N]\n");
  exit(2);
}

int main(int argc, char **argv)
{
  static const struct option longopts[] = {
    { "host", required_argument, NULL, 'h' }, { "port", required_argument, NULL, 'p' },
    { "ca", required_argument, NULL, 'a' },   { "cert", required_argument, NULL, 'c' },
    { "key", required_argument, NULL, 'k' },  { "path", required_argument, NULL, 'P' },
    { "timeout-ms", required_argument, NULL, 't' }, { "io-piece", required_argument, NULL, 'i' },
    { NULL, 0, NULL, 0 }
  };
  el_options options = { NULL, NULL, NULL };
  char host[128] = "";
  const char *path = "/";
  long port = 0, timeout_ms = 10000, io_piece = 0;
  char request[512];
  size_t request_len, request_sent = 0;
  static char data[MAX_DATA];
  size_t data_len = 0;
  long long bytes = 0;
  const char *events[MAX_EVENTS];
  char event_text[MAX_EVENTS][32];
  int n_events = 0;
  int sckt, opt, connected = 0, close_error = 0, closed = 0, timed_out = 0;
  uint32_t ip = 0;
  long long deadline;
  struct JsNetwork *net;
  harness_session session;

  while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
    switch (opt) {
    case 'h': snprintf(host, sizeof host, "%s", optarg); break;
    case 'p': port = strtol(optarg, NULL, 10); break;
    case 'a': options.ca_file = optarg; break;
    case 'c': options.cert_file = optarg; break;
    case 'k': options.key_file = optarg; break;
    case 'P': path = optarg; break;
    case 't': timeout_ms = strtol(optarg, NULL, 10); break;
    case 'i': io_piece = strtol(optarg, NULL, 10); break;
    default: usage();
    }
  }
  if (host[0] == '\0' || port <= 0 || port > 65535 || timeout_ms <= 0 || io_piece < 0) usage();
  request_len = (size_t)snprintf(request, sizeof request,
                                 "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: espruino-tls-check-harness\r\n"
                                 "Connection: close\r\n\r\n",
                                 path, host);
  if (request_len >= sizeof request) usage();

#define EVENT(...)                                                                     \
  do {                                                                                 \
    if (n_events < MAX_EVENTS) {                                                       \
      snprintf(event_text[n_events], sizeof event_text[n_events], __VA_ARGS__);        \
      events[n_events] = event_text[n_events];                                         \
      n_events++;                                                                      \
    }                                                                                  \
  } while (0)

  net = el_network((size_t)io_piece);
  harness_session_start();
  /* clientRequestConnect: look the name up, then create the socket. */
  networkGetHostByName(net, host, &ip);
  if (ip == 0) {
    el_exception("Unable to locate host");
    sckt = -1;
  } else {
    sckt = netCreateSocket(net, EL_ST_NORMAL | EL_ST_TLS, ip, (unsigned short)port, &options);
    if (sckt < 0) el_exception("Unable to create socket");
  }

  deadline = now_ms() + timeout_ms;
  while (sckt >= 0 && !closed) {
    char buf[1024];
    int num, error = 0, close_now = 0;
    if (now_ms() > deadline) {
      timed_out = 1;
      break;
    }
    if (request_sent < request_len) {
      size_t chunk = request_len - request_sent < (size_t)net->chunkSize ? request_len - request_sent : (size_t)net->chunkSize;
      num = netSend(net, EL_ST_TLS, sckt, request + request_sent, chunk);
      if (num < 0) {
        close_now = 1;
        error = num;
      } else {
        request_sent += (size_t)num;
      }
    }
    num = netRecv(net, EL_ST_TLS, sckt, buf, (size_t)net->chunkSize);
    if (num < 0) {
      close_now = 1;
      error = num;
    } else {
      if (!connected) {
        EVENT("connect");
        connected = 1;
      }
      if (num > 0) {
        size_t room = sizeof data - data_len;
        size_t take = (size_t)num < room ? (size_t)num : room;
        memcpy(data + data_len, buf, take);
        data_len += take;
        bytes += num;
        EVENT("data");
      }
    }
    if (close_now) {
      if (request_sent < request_len && error == EL_SOCKET_CLOSED) error = EL_UNSENT_DATA;
      if (error < 0 && error != EL_SOCKET_CLOSED) {
        EVENT("error:%d", error);
        close_error = error;
      }
      EVENT("end");
      EVENT("close:%s", close_error != 0 ? "true" : "false");
      closed = 1;
    }
  }

  harness_session_read(sckt, &session);
  {
    int done = session.handshake_done;
    const char *exception = el_exception_message();
    long heap_peak = harness_heap_peak();
    int i;
    printf("{\"backend\":\"%s\"", harness_backend());
    printf(",\"ok\":%s", done && !timed_out && closed && close_error == 0 && exception == NULL ? "true" : "false");
    printf(",\"tcp\":%s", sckt >= 0 ? "true" : "false");
    printf(",\"handshake\":\"%s\"", done ? "ok" : session.handshake_error != 0 || exception != NULL ? "failed" : "none");
    if (session.handshake_error != 0) {
      printf(",\"handshake_error\":%d,\"library_error\":%d", session.handshake_error, session.library_error);
    } else {
      printf(",\"handshake_error\":null,\"library_error\":null");
    }
    printf(",\"exception\":");
    json_cstring_or_null(exception);
    if (session.present) {
      printf(",\"verify_flags\":%u", (unsigned int)session.verify_flags);
    } else {
      printf(",\"verify_flags\":null");
    }
    printf(",\"cert_verified\":%s", done && session.verify_required && session.verify_flags == 0 ? "true" : "false");
    printf(",\"sni\":");
    json_cstring_or_null(session.sni);
    printf(",\"suite\":");
    json_cstring_or_null(session.suite);
    printf(",\"version\":");
    json_cstring_or_null(session.version);
    printf(",\"group\":");
    json_cstring_or_null(session.group);
    /* Merge repeated "data" events so the list stays readable. */
    printf(",\"events\":[");
    for (i = 0; i < n_events; i++) {
      if (i > 0 && strcmp(events[i], "data") == 0 && strcmp(events[i - 1], "data") == 0) continue;
      printf("%s", i > 0 ? "," : "");
      json_cstring_or_null(events[i]);
    }
    printf("]");
    if (close_error != 0) {
      printf(",\"close_error\":%d", close_error);
    } else {
      printf(",\"close_error\":null");
    }
    printf(",\"clean_close\":%s", closed && close_error == 0 ? "true" : "false");
    printf(",\"bytes\":%lld,\"data\":", bytes);
    json_string(data, data_len);
    printf(",\"timed_out\":%s", timed_out ? "true" : "false");
    if (heap_peak >= 0) {
      printf(",\"heap_peak\":%ld}\n", heap_peak);
    } else {
      printf(",\"heap_peak\":null}\n");
    }
  }
  if (sckt >= 0) netCloseSocket(net, EL_ST_TLS, sckt);
  return 0;
}
