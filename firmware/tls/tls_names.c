/*
 * tls_names.c - IPv4 literals and the iPAddress names of a certificate, read
 * from its DER. See tls_names.h.
 */
#include "tls_names.h"

#include <string.h>

int tls_parse_ipv4(const char *text, unsigned char out[4])
{
  unsigned char ip[4];
  int part;
  if (text == NULL) return 0;
  for (part = 0; part < 4; part++) {
    unsigned int value = 0;
    int digits = 0;
    while (*text >= '0' && *text <= '9') {
      value = value * 10u + (unsigned int)(*text - '0');
      if (value > 255u) return 0;
      text++;
      digits++;
    }
    if (digits == 0 || digits > 3) return 0;
    ip[part] = (unsigned char)value;
    if (part < 3) {
      if (*text != '.') return 0;
      text++;
    }
  }
  if (*text != '\0') return 0;
  memcpy(out, ip, sizeof ip);
  return 1;
}

/* --- a bounded DER reader: just what subjectAltName needs ----------------- */

typedef struct {
  const unsigned char *p;
  const unsigned char *end;
} der_cursor;

/* Reads one TLV whose (single-byte) tag is `tag`, or any tag when `tag` < 0.
 * Returns the tag and sets value/len, or -1 if the bytes are not that. */
static int der_read(der_cursor *c, int tag, const unsigned char **value, size_t *len)
{
  int got;
  size_t n;
  if (c->p >= c->end) return -1;
  got = *c->p;
  if ((got & 0x1f) == 0x1f) return -1; /* multi-byte tags do not occur here */
  if (tag >= 0 && got != tag) return -1;
  c->p++;
  if (c->p >= c->end) return -1;
  n = *c->p++;
  if (n & 0x80) {
    size_t bytes = n & 0x7f;
    if (bytes == 0 || bytes > 4) return -1;
    n = 0;
    while (bytes-- > 0) {
      if (c->p >= c->end) return -1;
      n = (n << 8) | *c->p++;
    }
  }
  if (n > (size_t)(c->end - c->p)) return -1;
  *value = c->p;
  *len = n;
  c->p += n;
  return got;
}

#define DER_BOOLEAN 0x01
#define DER_OCTET_STRING 0x04
#define DER_OID 0x06
#define DER_SEQUENCE 0x30
#define DER_EXTENSIONS_TAG 0xa3  /* [3] EXPLICIT around Extensions */
#define DER_SAN_IP_ADDRESS 0x87  /* GeneralName iPAddress [7] IMPLICIT OCTET STRING */

static const unsigned char OID_SUBJECT_ALT_NAME[] = { 0x55, 0x1d, 0x11 }; /* 2.5.29.17 */

/* GeneralNames ::= SEQUENCE OF GeneralName */
static int general_names_have_ip(const unsigned char *der, size_t len,
                                 const unsigned char *ip, size_t ip_len)
{
  der_cursor outer = { der, der + len };
  der_cursor names;
  const unsigned char *value;
  size_t n;
  if (der_read(&outer, DER_SEQUENCE, &value, &n) < 0 || outer.p != outer.end) return -1;
  names.p = value;
  names.end = value + n;
  while (names.p < names.end) {
    int tag = der_read(&names, -1, &value, &n);
    if (tag < 0) return -1;
    if (tag == DER_SAN_IP_ADDRESS && n == ip_len && memcmp(value, ip, ip_len) == 0) return 1;
  }
  return 0;
}

int tls_extensions_have_ip(const unsigned char *ext, size_t len,
                                  const unsigned char *ip, size_t ip_len)
{
  der_cursor c;
  der_cursor list;
  const unsigned char *value;
  size_t n;
  int found = 0;
  if (ip == NULL || ip_len == 0) return -1;
  if (ext == NULL || len == 0) return 0; /* no extensions, so no names */
  c.p = ext;
  c.end = ext + len;
  if (*c.p == DER_EXTENSIONS_TAG) {
    if (der_read(&c, DER_EXTENSIONS_TAG, &value, &n) < 0) return -1;
    c.p = value;
    c.end = value + n;
  }
  if (der_read(&c, DER_SEQUENCE, &value, &n) < 0) return -1;
  list.p = value;
  list.end = value + n;
  /* Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING } */
  while (list.p < list.end) {
    der_cursor ext_item;
    const unsigned char *oid;
    size_t oid_len;
    if (der_read(&list, DER_SEQUENCE, &value, &n) < 0) return -1;
    ext_item.p = value;
    ext_item.end = value + n;
    if (der_read(&ext_item, DER_OID, &oid, &oid_len) < 0) return -1;
    if (ext_item.p < ext_item.end && *ext_item.p == DER_BOOLEAN) {
      if (der_read(&ext_item, DER_BOOLEAN, &value, &n) < 0) return -1;
    }
    if (der_read(&ext_item, DER_OCTET_STRING, &value, &n) < 0 || ext_item.p != ext_item.end) return -1;
    if (oid_len == sizeof OID_SUBJECT_ALT_NAME &&
        memcmp(oid, OID_SUBJECT_ALT_NAME, sizeof OID_SUBJECT_ALT_NAME) == 0) {
      int r = general_names_have_ip(value, n, ip, ip_len);
      if (r < 0) return -1;
      if (r > 0) found = 1;
    }
  }
  return found;
}

/* Certificate ::= SEQUENCE { tbsCertificate TBSCertificate, ... }
 * TBSCertificate ::= SEQUENCE { version [0], serialNumber, signature, issuer,
 *   validity, subject, subjectPublicKeyInfo, issuerUniqueID [1],
 *   subjectUniqueID [2], extensions [3] }: every field but the last few is
 * skipped whatever it holds, so the walk is the same for every version. */
int tls_certificate_extensions(const unsigned char *der, size_t len,
                               const unsigned char **ext, size_t *ext_len)
{
  der_cursor c;
  der_cursor tbs;
  const unsigned char *value;
  size_t n;
  if (der == NULL || ext == NULL || ext_len == NULL) return -1;
  c.p = der;
  c.end = der + len;
  if (der_read(&c, DER_SEQUENCE, &value, &n) < 0) return -1;
  c.p = value;
  c.end = value + n;
  if (der_read(&c, DER_SEQUENCE, &value, &n) < 0) return -1;
  tbs.p = value;
  tbs.end = value + n;
  while (tbs.p < tbs.end) {
    const unsigned char *start = tbs.p;
    int tag = der_read(&tbs, -1, &value, &n);
    if (tag < 0) return -1;
    if (tag == DER_EXTENSIONS_TAG) {
      *ext = start;
      *ext_len = (size_t)(tbs.p - start);
      return 1;
    }
  }
  return 0;
}
