/*
 * helpers_cli.c - runs the pure helpers of ../tls (tls_names.c, tls_reasons.c and
 * the mbedTLS policy's tls_policy_cert.c) on input lines, one JSON answer
 * line per input line, so the tests can feed them many generated cases in
 * one process.
 *
 *   ipv4 TEXT                 -> {"ipv4":true,"ip":"a.b.c.d"} | {"ipv4":false}
 *   san-ip EXT_HEX IP_HEX     -> {"result":1|0|-1}   (tls_extensions_have_ip)
 *   cert-san-ip PEM_FILE IP   -> {"result":1|0|-1}   (on the parsed certificate's v3_ext)
 *   cert-ip DER_HEX IP_HEX    -> {"result":1|0|-1}   (tls_certificate_extensions, then
 *                                                      tls_extensions_have_ip: the wolfSSL path)
 *   cert-file-ip PEM_FILE IP  -> {"result":1|0|-1}   (the same on a real certificate's DER)
 *   validity PEM_FILE UNIX_S  -> {"flags":N}         (tls_policy_validity_flags at that time)
 *   describe FLAGS ERROR      -> {"message":"..."}   (tls_describe_verify_failure)
 * Malformed lines get {"error":"..."}.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mbedtls/x509_crt.h"
#include "tls_names.h"
#include "tls_policy.h"
#include "tls_policy_cert.h"
#include "tls_reasons.h"

#define MAX_LINE 65536

/* The policy's reporting hook; this driver never triggers it. */
void tls_policy_raise(const char *message)
{
  (void)message;
}

static void json_text(const char *s)
{
  putchar('"');
  for (; *s != '\0'; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch == '"' || ch == '\\') printf("\\%c", ch);
    else if (ch < 0x20 || ch >= 0x7f) printf("\\u%04x", ch);
    else putchar(ch);
  }
  putchar('"');
}

static int hex_value(char c)
{
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Decodes hex into a fresh buffer of exactly the decoded size ("-" = empty). */
static unsigned char *from_hex(const char *hex, size_t *len)
{
  size_t n = strcmp(hex, "-") == 0 ? 0 : strlen(hex), i;
  unsigned char *out;
  if (n % 2 != 0) return NULL;
  out = malloc(n / 2 + 1);
  if (out == NULL) return NULL;
  for (i = 0; i < n / 2; i++) {
    int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      free(out);
      return NULL;
    }
    out[i] = (unsigned char)(hi * 16 + lo);
  }
  *len = n / 2;
  return out;
}

static void answer_error(const char *why)
{
  printf("{\"error\":");
  json_text(why);
  printf("}\n");
}

static int load_cert(mbedtls_x509_crt *crt, const char *path)
{
  mbedtls_x509_crt_init(crt);
  if (mbedtls_x509_crt_parse_file(crt, path) != 0) {
    mbedtls_x509_crt_free(crt);
    answer_error("cannot parse certificate");
    return 0;
  }
  return 1;
}

/* What the wolfSSL backend's verify callback does with the leaf's DER. */
static int certificate_has_ip(const unsigned char *der, size_t len, const unsigned char *ip, size_t ip_len)
{
  const unsigned char *ext;
  size_t ext_len;
  int found = tls_certificate_extensions(der, len, &ext, &ext_len);
  return found == 1 ? tls_extensions_have_ip(ext, ext_len, ip, ip_len) : found;
}

/* An iPAddress reader: DER in, the address, 1 found / 0 not / -1 malformed. */
typedef int (*ip_reader)(const unsigned char *der, size_t len, const unsigned char *ip, size_t ip_len);

/* `read` on DER and an address given in hex. */
static void answer_hex(ip_reader read, const char *der_hex, const char *ip_hex)
{
  size_t der_len = 0, ip_len = 0;
  unsigned char *der = from_hex(der_hex, &der_len), *ip = from_hex(ip_hex, &ip_len);
  if (der == NULL || ip == NULL) answer_error("bad hex");
  else printf("{\"result\":%d}\n", read(der_len > 0 ? der : NULL, der_len, ip, ip_len));
  free(der);
  free(ip);
}

/* The reader on a real certificate: its v3_ext as mbedTLS keeps it (the
 * mbedTLS policy's way), or its whole DER (the wolfSSL backend's). */
static void answer_certificate(int whole, const char *path, const char *address)
{
  mbedtls_x509_crt crt;
  unsigned char ip[16];
  size_t ip_len = inet_pton(AF_INET, address, ip) == 1 ? 4 : inet_pton(AF_INET6, address, ip) == 1 ? 16 : 0;
  if (ip_len == 0) {
    answer_error("bad address");
  } else if (load_cert(&crt, path)) {
    int found = whole ? certificate_has_ip(crt.raw.p, crt.raw.len, ip, ip_len)
                      : tls_extensions_have_ip(crt.v3_ext.p, crt.v3_ext.len, ip, ip_len);
    printf("{\"result\":%d}\n", found);
    mbedtls_x509_crt_free(&crt);
  }
}

static void run(char *line)
{
  char *cmd = strtok(line, " \n");
  char *a = strtok(NULL, " \n");
  char *b = strtok(NULL, " \n");
  if (cmd == NULL) {
    answer_error("empty line");
  } else if (strcmp(cmd, "ipv4") == 0) {
    unsigned char ip[4];
    if (tls_parse_ipv4(a != NULL ? a : "", ip)) printf("{\"ipv4\":true,\"ip\":\"%u.%u.%u.%u\"}\n", ip[0], ip[1], ip[2], ip[3]);
    else printf("{\"ipv4\":false}\n");
  } else if (strcmp(cmd, "san-ip") == 0 && a != NULL && b != NULL) {
    answer_hex(tls_extensions_have_ip, a, b);
  } else if (strcmp(cmd, "cert-san-ip") == 0 && a != NULL && b != NULL) {
    answer_certificate(0, a, b);
  } else if (strcmp(cmd, "cert-ip") == 0 && a != NULL && b != NULL) {
    answer_hex(certificate_has_ip, a, b);
  } else if (strcmp(cmd, "cert-file-ip") == 0 && a != NULL && b != NULL) {
    answer_certificate(1, a, b);
  } else if (strcmp(cmd, "validity") == 0 && a != NULL && b != NULL) {
    mbedtls_x509_crt crt;
    time_t at = (time_t)strtoll(b, NULL, 10);
    struct tm utc;
    if (gmtime_r(&at, &utc) == NULL) answer_error("bad time");
    else if (load_cert(&crt, a)) {
      printf("{\"flags\":%u}\n", (unsigned int)tls_policy_validity_flags(&crt, &utc));
      mbedtls_x509_crt_free(&crt);
    }
  } else if (strcmp(cmd, "describe") == 0 && a != NULL && b != NULL) {
    char message[TLS_POLICY_MESSAGE_SIZE];
    tls_describe_verify_failure(message, sizeof message, (uint32_t)strtoul(a, NULL, 0), (int)strtol(b, NULL, 0));
    printf("{\"message\":");
    json_text(message);
    printf("}\n");
  } else {
    answer_error("unknown command");
  }
}

int main(void)
{
  static char line[MAX_LINE];
  while (fgets(line, sizeof line, stdin) != NULL) {
    run(line);
    fflush(stdout);
  }
  return 0;
}
