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

#endif
