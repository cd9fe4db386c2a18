/*
 * tls_target.h - the host a TLS socket is opened for, as both backends need
 * it for SNI and the certificate's name check.
 *
 * Espruino never hands the host name to the code that sets up TLS: its
 * socket layer (libs/network/socketserver.c clientRequestConnect) looks the
 * name up with networkGetHostByName, then creates the socket with only the
 * address, all in one synchronous call chain. tls_target.c wraps
 * networkGetHostByName to note the name, and each backend's netCreateSocket
 * wrapper brackets the creation with tls_target_begin/tls_target_end; the
 * name is trusted only for the socket whose address came from that lookup.
 */
#ifndef TLS_TARGET_H
#define TLS_TARGET_H

#include <stdint.h>

#include "tls_policy.h"

struct JsNetwork;

/* Wrapped in every board (-Wl,--wrap=networkGetHostByName). */
void __real_networkGetHostByName(struct JsNetwork *net, char *hostName, uint32_t *out_ip_addr);
void __wrap_networkGetHostByName(struct JsNetwork *net, char *hostName, uint32_t *out_ip_addr);

typedef struct {
  /* The host name to send as SNI and match against DNS names; NULL when the
   * host was an IPv4 literal (or there was none: Espruino then connects to
   * 127.0.0.1). */
  const char *name;
  /* Otherwise the address, to match against the certificate's iPAddress
   * names (network order, as Espruino keeps it). */
  unsigned char ip[4];
} tls_target;

/* netCreateSocket starts creating a socket to `host` (network order). */
void tls_target_begin(uint32_t host);
/* netCreateSocket has returned: the noted name is used up. */
void tls_target_end(void);
/* Whether a socket is being created right now. */
int tls_target_creating(void);
/* What the socket being created connects to; `name` stays valid until the
 * next tls_target_begin. */
void tls_target_get(tls_target *out);

#endif /* TLS_TARGET_H */
