// SPDX-License-Identifier: BSD-3-Clause
/*
 * Address and port rules: parsing "ADDR/LEN" and "LO-HI", and matching a
 * socket address against them. Matching runs inside the app's connect(),
 * so it allocates nothing and takes no lock.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "policy_internal.h"

static const uint8_t v4_mapped_prefix[12] = { 0, 0, 0, 0, 0, 0,
					      0, 0, 0, 0, 0xff, 0xff };

static bool host_bits_clear(const uint8_t *addr, unsigned bytes,
			    unsigned prefix_len)
{
	for (unsigned bit = prefix_len; bit < bytes * 8; bit++)
		if (addr[bit / 8] & (0x80 >> (bit % 8)))
			return false;
	return true;
}

static const char *parse_prefix_len(const char *text, unsigned max,
				    unsigned *out)
{
	char *end;
	unsigned long v;

	if (*text < '0' || *text > '9')
		return "prefix length is not a number";
	errno = 0;
	v = strtoul(text, &end, 10);
	if (*end || errno || v > max)
		return max == 32 ? "IPv4 prefix length must be 0..32"
				 : "IPv6 prefix length must be 0..128";
	*out = (unsigned)v;
	return NULL;
}

const char *policy_cidr_parse(const char *text, struct cidr *out)
{
	char addr_text[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(text, '/');
	size_t addr_len = slash ? (size_t)(slash - text) : strlen(text);
	unsigned prefix_len;
	const char *err;

	memset(out, 0, sizeof(*out));
	if (addr_len == 0)
		return "missing address";
	if (addr_len >= sizeof(addr_text))
		return "not an IPv4 or IPv6 address";
	memcpy(addr_text, text, addr_len);
	addr_text[addr_len] = '\0';

	if (inet_pton(AF_INET, addr_text, out->addr) == 1) {
		out->family = AF_INET;
		prefix_len = 32;
		if (slash && (err = parse_prefix_len(slash + 1, 32,
						     &prefix_len)))
			return err;
	} else if (inet_pton(AF_INET6, addr_text, out->addr) == 1) {
		out->family = AF_INET6;
		prefix_len = 128;
		if (slash && (err = parse_prefix_len(slash + 1, 128,
						     &prefix_len)))
			return err;
		/* v4-mapped rules are IPv4 rules: ::ffff:10.0.0.0/104. */
		if (prefix_len >= 96 &&
		    memcmp(out->addr, v4_mapped_prefix, 12) == 0) {
			memmove(out->addr, out->addr + 12, 4);
			memset(out->addr + 4, 0, 12);
			out->family = AF_INET;
			prefix_len -= 96;
		}
	} else {
		return "not an IPv4 or IPv6 address";
	}
	if (!host_bits_clear(out->addr, out->family == AF_INET ? 4 : 16,
			     prefix_len))
		return "address has bits set beyond the prefix length";
	out->prefix_len = (uint8_t)prefix_len;
	return NULL;
}

static const char *parse_port(const char *text, size_t len, uint16_t *out)
{
	unsigned long v = 0;

	if (len == 0 || len > 5)
		return "port must be a number 1..65535";
	for (size_t i = 0; i < len; i++) {
		if (text[i] < '0' || text[i] > '9')
			return "port must be a number 1..65535";
		v = v * 10 + (unsigned long)(text[i] - '0');
	}
	if (v < 1 || v > 65535)
		return "port must be a number 1..65535";
	*out = (uint16_t)v;
	return NULL;
}

const char *policy_ports_parse(const char *text, struct port_range *out)
{
	const char *dash = strchr(text, '-');
	const char *err;

	memset(out, 0, sizeof(*out));
	if (!dash) {
		err = parse_port(text, strlen(text), &out->lo);
		out->hi = out->lo;
		return err;
	}
	err = parse_port(text, (size_t)(dash - text), &out->lo);
	if (!err)
		err = parse_port(dash + 1, strlen(dash + 1), &out->hi);
	if (err)
		return "port range must be LO-HI with ports 1..65535";
	if (out->lo > out->hi)
		return "port range is reversed (LO must not exceed HI)";
	return NULL;
}

bool policy_addr_from_sockaddr(const struct sockaddr *sa, socklen_t len,
			       uint8_t *family, uint8_t addr[16],
			       uint16_t *port)
{
	if (!sa)
		return false;
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *sin = (const void *)sa;

		*family = AF_INET;
		memcpy(addr, &sin->sin_addr, 4);
		*port = ntohs(sin->sin_port);
		return true;
	}
	if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *sin6 = (const void *)sa;
		const uint8_t *a = sin6->sin6_addr.s6_addr;

		*port = ntohs(sin6->sin6_port);
		if (memcmp(a, v4_mapped_prefix, 12) == 0) {
			*family = AF_INET;
			memcpy(addr, a + 12, 4);
		} else {
			*family = AF_INET6;
			memcpy(addr, a, 16);
		}
		return true;
	}
	return false;
}

/* Word at a time: this runs inside the app's connect(). */
static bool prefix_equal(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	for (unsigned offset = 0; bits; offset += 4) {
		unsigned take = bits < 32 ? bits : 32;
		uint32_t x, y, mask = htonl(~(uint32_t)0 << (32 - take));

		memcpy(&x, a + offset, 4);
		memcpy(&y, b + offset, 4);
		if ((x ^ y) & mask)
			return false;
		bits -= take;
	}
	return true;
}

const struct cidr *policy_cidr_match(const struct rule_list *list,
				     uint8_t family, const uint8_t addr[16])
{
	for (size_t i = 0; i < list->count; i++) {
		const struct cidr *c = &list->cidrs[i];

		if (c->family == family &&
		    prefix_equal(c->addr, addr, c->prefix_len))
			return c;
	}
	return NULL;
}

const struct port_range *policy_port_match(const struct rule_list *list,
					   uint16_t port)
{
	for (size_t i = 0; i < list->count; i++)
		if (port >= list->ports[i].lo && port <= list->ports[i].hi)
			return &list->ports[i];
	return NULL;
}
