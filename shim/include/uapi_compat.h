/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Constants newer than Debian 12's 6.1 uapi headers. The kernel we run on may
 * be far newer than the headers we build with, so define what is missing.
 */
#ifndef MPTCPSHIM_UAPI_COMPAT_H
#define MPTCPSHIM_UAPI_COMPAT_H

#include <netinet/in.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
#ifndef SOL_MPTCP
#define SOL_MPTCP 284
#endif
#ifndef MPTCP_INFO
#define MPTCP_INFO 1
#endif
#ifndef MPTCP_TCPINFO
#define MPTCP_TCPINFO 2
#endif
#ifndef MPTCP_SUBFLOW_ADDRS
#define MPTCP_SUBFLOW_ADDRS 3
#endif
#ifndef MPTCP_FULL_INFO
#define MPTCP_FULL_INFO 4
#endif
/* SOL_TCP level; 1 while MPTCP runs, 0 after a fallback (v6.10+). */
#ifndef TCP_IS_MPTCP
#define TCP_IS_MPTCP 43
#endif
/* TCP-AO (RFC 5925), v6.7+: SOL_TCP level. */
#ifndef TCP_AO_ADD_KEY
#define TCP_AO_ADD_KEY 38
#define TCP_AO_DEL_KEY 39
#define TCP_AO_INFO 40
#define TCP_AO_GET_KEYS 41
#define TCP_AO_REPAIR 42
#endif

/*
 * What musl's headers lack (the musl build of the library cannot include
 * <linux/in6.h> beside <netinet/in.h>, nor <asm/socket.h> beside
 * <sys/socket.h>): values from the kernel's uapi, the same on every
 * architecture for these.
 */
#ifndef IPV6_FLOWINFO
#define IPV6_FLOWINFO 11
#endif
#ifndef IPV6_FLOWLABEL_MGR
#define IPV6_FLOWLABEL_MGR 32
#endif
#ifndef IPV6_FLOWINFO_SEND
#define IPV6_FLOWINFO_SEND 33
#endif
#ifndef IPV6_RECVERR_RFC4884
#define IPV6_RECVERR_RFC4884 31
#endif
#ifndef SO_TIMESTAMP_NEW
#define SO_TIMESTAMP_NEW 63
#define SO_TIMESTAMPNS_NEW 64
#define SO_TIMESTAMPING_NEW 65
#define SO_RCVTIMEO_NEW 66
#define SO_SNDTIMEO_NEW 67
#endif
#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif
#ifndef SO_BUF_LOCK
#define SO_BUF_LOCK 72
#endif
#ifndef SO_RESERVE_MEM
#define SO_RESERVE_MEM 73
#endif
#ifndef SO_TXREHASH
#define SO_TXREHASH 74
#endif
#ifndef SO_RCVMARK
#define SO_RCVMARK 75
#endif

/* Newer than Debian 12's headers (6.1); named by the option table. */
#ifndef SO_RCVPRIORITY
#define SO_RCVPRIORITY 82
#endif
#ifndef TCP_RTO_MAX_MS
#define TCP_RTO_MAX_MS 44
#endif
#ifndef TCP_RTO_MIN_US
#define TCP_RTO_MIN_US 45
#endif
#ifndef TCP_DELACK_MAX_US
#define TCP_DELACK_MAX_US 46
#endif
#endif
