/*
 * tls_target.c - notes the host name Espruino looks up for the socket it is
 * about to create. See tls_target.h.
 */
#include "tls_target.h"

#include <string.h>

#include "tls_names.h"

static struct {
  int creating;                 /* inside netCreateSocket */
  unsigned char socket_ip[4];   /* the address being connected to */
  int have_lookup;
  unsigned char lookup_ip[4];
  char name[TLS_POLICY_MAX_HOSTNAME];
} target;

void __wrap_networkGetHostByName(struct JsNetwork *net, char *hostName, uint32_t *out_ip_addr)
{
  size_t n;
  __real_networkGetHostByName(net, hostName, out_ip_addr);
  target.have_lookup = 0;
  if (hostName == NULL || out_ip_addr == NULL || *out_ip_addr == 0) return;
  n = strlen(hostName);
  if (n == 0 || n >= sizeof target.name) return;
  memcpy(target.name, hostName, n + 1);
  memcpy(target.lookup_ip, out_ip_addr, sizeof target.lookup_ip);
  target.have_lookup = 1;
}

void tls_target_begin(uint32_t host)
{
  target.creating = 1;
  memcpy(target.socket_ip, &host, sizeof target.socket_ip); /* Espruino keeps addresses in network order */
}

void tls_target_end(void)
{
  target.creating = 0;
  target.have_lookup = 0;
}

int tls_target_creating(void)
{
  return target.creating;
}

void tls_target_get(tls_target *out)
{
  const char *name = NULL;
  if (target.have_lookup && memcmp(target.lookup_ip, target.socket_ip, sizeof target.socket_ip) == 0) name = target.name;
  if (name != NULL && !tls_parse_ipv4(name, out->ip)) {
    out->name = name;
    memset(out->ip, 0, sizeof out->ip);
  } else {
    /* An IP literal (or no host): no SNI (RFC 6066), the address is checked
     * against the certificate's iPAddress names instead. */
    out->name = NULL;
    if (name == NULL) memcpy(out->ip, target.socket_ip, sizeof out->ip);
  }
}
