// SPDX-License-Identifier: BSD-3-Clause
/*
 * The per-option table of unsupported_option = auto. Each verdict was read
 * from the kernel (net/mptcp/sockopt.c for what MPTCP refuses in 6.18;
 * net/ipv4/tcp.c, ip_sockglue.c, ipv6_sockglue.c for what the option does
 * to a TCP socket). To extend it, add one line here and one entry in
 * mptcpshim.conf(5); an option missing here is rebuilt as TCP.
 */
#include <netinet/in.h>
#ifdef __GLIBC__
/* musl defines the kernel's in6 structures itself (uapi_compat.h has the
 * option numbers it lacks). */
#include <linux/in6.h>
#endif
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <string.h>

#include "option_table.h"
#include "uapi_compat.h"

#ifndef IPV6_MINHOPCOUNT
#define IPV6_MINHOPCOUNT 73
#endif
#ifndef SO_ZEROCOPY
#define SO_ZEROCOPY 60
#endif

#define RULE(l, n, v, has, r, why) { l, n, POLICY_OPT_##v, has, r, why }
#define IF_DEFAULT(l, n, why) RULE(l, n, KEEP_IF_DEFAULT, false, 0, why)
#define IF_DEFAULT_OR(l, n, r, why) RULE(l, n, KEEP_IF_DEFAULT, true, r, why)
#define HINT(l, n, why) RULE(l, n, KEEP_HINT, false, 0, why)
#define HINT_OR(l, n, r, why) RULE(l, n, KEEP_HINT, true, r, why)
#define RESCUE(l, n, why) RULE(l, n, RESCUE, false, 0, why)

static const char why_repair[] =
	"checkpoint/restore (CRIU) of TCP state: exists only for TCP";
static const char why_md5[] =
	"authenticates every segment (BGP, RFC 2385): without it the peer "
	"drops the connection or it runs unauthenticated";
static const char why_recv[] =
	"asks for per-packet control messages, which TCP never delivers";
static const char why_multicast[] =
	"multicast only: a TCP socket sends and receives none";
static const char why_exthdr[] =
	"IPv6 extension headers (routing, hop-by-hop, destination "
	"options) on every packet";
static const char why_oif[] =
	"picks the outgoing interface of datagrams; a chosen one may be "
	"what the program relies on";
static const char why_ao[] =
	"TCP-AO authentication (RFC 5925): without it the connection runs "
	"unauthenticated";

static const struct policy_opt_rule rules[] = {
	IF_DEFAULT(SOL_TCP, TCP_USER_TIMEOUT,
		   "0 is TCP's default; a non-zero timeout is how the program "
		   "notices a dead peer"),
	IF_DEFAULT(SOL_TCP, TCP_SYNCNT,
		   "a count other than the sysctl's bounds how long connect() "
		   "takes to fail"),
	IF_DEFAULT(SOL_TCP, TCP_SAVE_SYN,
		   "non-zero: the program reads the SYN back with "
		   "TCP_SAVED_SYN"),
	HINT_OR(SOL_TCP, TCP_LINGER2, 0,
		"FIN-WAIT-2 lifetime after close(): kernel housekeeping the "
		"program never sees"),
	HINT(SOL_TCP, TCP_WINDOW_CLAMP,
	     "caps the advertised receive window: throughput only, same "
	     "bytes"),
	HINT(SOL_TCP, TCP_QUICKACK,
	     "ACK timing only, and the kernel clears it by itself"),
	HINT(SOL_TCP, TCP_THIN_LINEAR_TIMEOUTS,
	     "retransmission back-off for thin streams: latency only"),
	HINT(SOL_TCP, TCP_THIN_DUPACK,
	     "a no-op in TCP since Linux 4.18"),
	HINT(SOL_TCP, TCP_TX_DELAY,
	     "delays transmission for testing: timing only"),
	HINT(SOL_TCP, TCP_RTO_MAX_MS,
	     "caps the retransmission timeout: timing only, same bytes"),
	HINT(SOL_TCP, TCP_RTO_MIN_US,
	     "floor of the retransmission timeout: timing only, same "
	     "bytes"),
	HINT(SOL_TCP, TCP_DELACK_MAX_US,
	     "delayed-ACK ceiling: ACK timing only"),
	RESCUE(SOL_TCP, TCP_MD5SIG, why_md5),
	RESCUE(SOL_TCP, TCP_MD5SIG_EXT, why_md5),
	RESCUE(SOL_TCP, TCP_AO_ADD_KEY, why_ao),
	RESCUE(SOL_TCP, TCP_AO_DEL_KEY, why_ao),
	RESCUE(SOL_TCP, TCP_AO_INFO, why_ao),
	RESCUE(SOL_TCP, TCP_ULP,
	       "kernel TLS or another upper-layer protocol the data depends "
	       "on"),
	RESCUE(SOL_TCP, TCP_REPAIR, why_repair),
	RESCUE(SOL_TCP, TCP_REPAIR_QUEUE, why_repair),
	RESCUE(SOL_TCP, TCP_QUEUE_SEQ, why_repair),
	RESCUE(SOL_TCP, TCP_REPAIR_OPTIONS, why_repair),
	RESCUE(SOL_TCP, TCP_REPAIR_WINDOW, why_repair),
	RESCUE(SOL_TCP, TCP_AO_REPAIR, why_repair),
	RESCUE(SOL_TCP, TCP_TIMESTAMP, why_repair),

	IF_DEFAULT_OR(SOL_IP, IP_TTL, -1,
		      "a chosen TTL is what the peer checks (GTSM sends 255) "
		      "or limits how far packets go"),
	IF_DEFAULT(SOL_IP, IP_MINTTL,
		   "GTSM (RFC 5082): drops segments from too far away, a "
		   "security check"),
	IF_DEFAULT(SOL_IP, IP_RECVERR,
		   "the program expects ICMP errors at once and in its error "
		   "queue"),
	HINT(SOL_IP, IP_MTU_DISCOVER,
	     "how segments meet the path MTU: the byte stream is the same"),
	HINT(SOL_IP, IP_PKTINFO,
	     "TCP delivers no per-packet control messages"),
	RESCUE(SOL_IP, IP_OPTIONS,
	       "IP options (security labels, source routes) on every "
	       "packet"),
	HINT(SOL_IP, IP_RECVOPTS, why_recv),
	HINT(SOL_IP, IP_RETOPTS, why_recv),
	HINT(SOL_IP, IP_RECVTTL, why_recv),
	HINT(SOL_IP, IP_RECVTOS, why_recv),
	HINT(SOL_IP, IP_PASSSEC, why_recv),
	HINT(SOL_IP, IP_RECVORIGDSTADDR, why_recv),
	HINT(SOL_IP, IP_CHECKSUM,
	     "checksum offset of raw datagrams: TCP never reads it"),
	HINT(SOL_IP, IP_RECVERR_RFC4884,
	     "the format of ICMP errors in the error queue, which MPTCP "
	     "does not fill"),
	HINT(SOL_IP, IP_MULTICAST_TTL, why_multicast),
	HINT(SOL_IP, IP_MULTICAST_LOOP, why_multicast),
	HINT(SOL_IP, IP_MULTICAST_ALL, why_multicast),
	IF_DEFAULT(SOL_IP, IP_UNICAST_IF, why_oif),

	HINT_OR(SOL_IPV6, IPV6_TCLASS, -1,
		"traffic class (DSCP) marking: QoS only; MPTCP accepts the "
		"IPv4 equivalent IP_TOS"),
	IF_DEFAULT_OR(SOL_IPV6, IPV6_UNICAST_HOPS, -1,
		      "a chosen hop limit is what the peer checks (GTSM) or "
		      "limits how far packets go"),
	IF_DEFAULT(SOL_IPV6, IPV6_MINHOPCOUNT,
		   "GTSM for IPv6: drops segments from too far away, a "
		   "security check"),
	IF_DEFAULT(SOL_IPV6, IPV6_RECVERR,
		   "the program expects ICMP errors at once and in its error "
		   "queue"),
	HINT(SOL_IPV6, IPV6_MTU_DISCOVER,
	     "how segments meet the path MTU: the byte stream is the same"),
	IF_DEFAULT(SOL_IPV6, IPV6_ADDR_PREFERENCES,
		   "picks a temporary or public source address: a privacy "
		   "choice"),
	HINT(SOL_IPV6, IPV6_MTU,
	     "a smaller path MTU for the socket (bind9's named sets 1280): "
	     "segment size only, the byte stream is the same"),
	HINT(SOL_IPV6, IPV6_DONTFRAG,
	     "fragmentation of datagrams: TCP segments are never "
	     "fragmented"),
	HINT(SOL_IPV6, IPV6_RECVPATHMTU, why_recv),
	HINT(SOL_IPV6, IPV6_AUTOFLOWLABEL,
	     "flow label marking: path hashing only, same bytes"),
	HINT(SOL_IPV6, IPV6_FLOWINFO_SEND,
	     "flow label marking from the destination address: path "
	     "hashing only"),
	HINT(SOL_IPV6, IPV6_FLOWINFO, why_recv),
	HINT(SOL_IPV6, IPV6_2292PKTINFO, why_recv),
	HINT(SOL_IPV6, IPV6_2292HOPOPTS, why_recv),
	HINT(SOL_IPV6, IPV6_2292DSTOPTS, why_recv),
	HINT(SOL_IPV6, IPV6_2292RTHDR, why_recv),
	HINT(SOL_IPV6, IPV6_2292HOPLIMIT, why_recv),
	HINT(SOL_IPV6, IPV6_RECVPKTINFO, why_recv),
	HINT(SOL_IPV6, IPV6_RECVHOPLIMIT, why_recv),
	HINT(SOL_IPV6, IPV6_RECVHOPOPTS, why_recv),
	HINT(SOL_IPV6, IPV6_RECVRTHDR, why_recv),
	HINT(SOL_IPV6, IPV6_RECVDSTOPTS, why_recv),
	HINT(SOL_IPV6, IPV6_RECVTCLASS, why_recv),
	HINT(SOL_IPV6, IPV6_RECVORIGDSTADDR, why_recv),
	HINT(SOL_IPV6, IPV6_RECVFRAGSIZE, why_recv),
	HINT(SOL_IPV6, IPV6_RECVERR_RFC4884,
	     "the format of ICMP errors in the error queue, which MPTCP "
	     "does not fill"),
	HINT(SOL_IPV6, IPV6_ROUTER_ALERT_ISOLATE,
	     "router-alert datagrams only: TCP never reads it"),
	HINT(SOL_IPV6, IPV6_MULTICAST_LOOP, why_multicast),
	HINT(SOL_IPV6, IPV6_MULTICAST_ALL, why_multicast),
	HINT(SOL_IPV6, IPV6_MULTICAST_HOPS, why_multicast),
	IF_DEFAULT(SOL_IPV6, IPV6_UNICAST_IF, why_oif),
	RESCUE(SOL_IPV6, IPV6_2292PKTOPTIONS, why_exthdr),
	RESCUE(SOL_IPV6, IPV6_HOPOPTS, why_exthdr),
	RESCUE(SOL_IPV6, IPV6_RTHDRDSTOPTS, why_exthdr),
	RESCUE(SOL_IPV6, IPV6_RTHDR, why_exthdr),
	RESCUE(SOL_IPV6, IPV6_DSTOPTS, why_exthdr),

	IF_DEFAULT(SOL_SOCKET, SO_ZEROCOPY,
		   "the program waits for MSG_ZEROCOPY completions MPTCP "
		   "never sends"),
	IF_DEFAULT(SOL_SOCKET, SO_OOBINLINE,
		   "the program expects urgent data in the stream; MPTCP "
		   "carries none"),
	HINT(SOL_SOCKET, SO_MAX_PACING_RATE,
	     "caps the sending rate: throughput only, same bytes"),
	IF_DEFAULT(SOL_SOCKET, SO_PEEK_OFF,
		   "-1 is the default; an offset changes what MSG_PEEK "
		   "returns"),
	IF_DEFAULT(SOL_SOCKET, SO_LOCK_FILTER,
		   "locks the attached socket filter against change, a "
		   "security choice"),
	HINT(SOL_SOCKET, SO_CNX_ADVICE,
	     "advice to re-route a connection: a hint by definition"),
	HINT(SOL_SOCKET, SO_TXTIME,
	     "launch times for datagrams (SCM_TXTIME): TCP paces by "
	     "itself"),
	HINT(SOL_SOCKET, SO_BUF_LOCK,
	     "stops buffer auto-tuning: throughput only, same bytes"),
	HINT(SOL_SOCKET, SO_TXREHASH,
	     "re-hashes the IPv6 flow label after a timeout: path choice "
	     "only"),
	HINT(SOL_SOCKET, SO_RCVMARK, why_recv),
	HINT(SOL_SOCKET, SO_RCVPRIORITY, why_recv),
};

const struct policy_opt_rule *policy_option_rule(int level, int optname)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (rules[i].level == level && rules[i].optname == optname)
			return &rules[i];
	return NULL;
}

const struct policy_opt_rule *policy_option_rules(size_t *count)
{
	*count = sizeof(rules) / sizeof(rules[0]);
	return rules;
}

const char *policy_opt_verdict_name(enum policy_opt_verdict verdict)
{
	switch (verdict) {
	case POLICY_OPT_KEEP_IF_DEFAULT:
		return "keep-if-default";
	case POLICY_OPT_KEEP_HINT:
		return "keep-hint";
	default:
		return "rescue";
	}
}

/* The int the kernel reads from an option value: a full int, or the one
 * byte IP-level options also accept. */
static bool option_int(const void *value, socklen_t len, int *out)
{
	if (!value || len < 1)
		return false;
	if (len >= (socklen_t)sizeof(int))
		memcpy(out, value, sizeof(int));
	else
		*out = *(const unsigned char *)value;
	return true;
}

static bool is_default(const struct policy_opt_rule *rule, const void *value,
		       socklen_t len, const void *fresh, socklen_t fresh_len)
{
	int v, f;

	if (!option_int(value, len, &v))
		return false;
	if (rule->has_reset && v == rule->reset)
		return true;
	return option_int(fresh, fresh_len, &f) && v == f;
}

struct policy_opt_action policy_option_action(const struct policy_view *view,
					      int level, int optname,
					      const void *value, socklen_t len,
					      const void *fresh,
					      socklen_t fresh_len)
{
	enum policy_unsupported mode = policy_unsupported_for(view, level,
							      optname);
	const struct policy_opt_rule *rule;

	if (mode != POLICY_UNSUP_AUTO)
		return (struct policy_opt_action){ mode, false,
						   "unsupported_option" };
	rule = policy_option_rule(level, optname);
	if (!rule)
		return (struct policy_opt_action){
			POLICY_UNSUP_TCP, true,
			"auto: not in the built-in table" };
	switch (rule->verdict) {
	case POLICY_OPT_KEEP_HINT:
		return (struct policy_opt_action){
			POLICY_UNSUP_IGNORE, true,
			"auto: a hint MPTCP can do without" };
	case POLICY_OPT_KEEP_IF_DEFAULT:
		if (is_default(rule, value, len, fresh, fresh_len))
			return (struct policy_opt_action){
				POLICY_UNSUP_IGNORE, true,
				"auto: TCP's default value" };
		return (struct policy_opt_action){
			POLICY_UNSUP_TCP, true,
			"auto: a value other than TCP's default" };
	default:
		return (struct policy_opt_action){
			POLICY_UNSUP_TCP, true,
			"auto: the program relies on it" };
	}
}
