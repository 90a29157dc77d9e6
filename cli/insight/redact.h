/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Addresses out of text that leaves the host (`doctor --bundle`): every
 * IPv4 and IPv6 address becomes a pseudonym (ipv4-1, ipv6-2, ...) that is
 * the same wherever the address appears, so a reader still sees which
 * subflow used which address. Loopback and unspecified addresses stay.
 */
#ifndef MPTCPSHIM_REDACT_H
#define MPTCPSHIM_REDACT_H

#include <netinet/in.h>
#include <stddef.h>

struct redact {
	struct redact_entry {
		int family;
		unsigned char raw[16];
	} *v;
	size_t n, cap;
	size_t nv4, nv6;
	unsigned *index;	/* per entry: its number within its family */
};

/* in with every address replaced; malloc'd, NULL when out of memory. */
char *redact_text(struct redact *r, const char *in, size_t len,
		  size_t *out_len);

void redact_free(struct redact *r);

#endif
