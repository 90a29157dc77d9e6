/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Kernel structures newer than Debian 12's 6.1 uapi headers, for the
 * sock_diag and path-manager event readers. The kernel copies a prefix of
 * its own struct, so every field past the 6.1 end is read only when the
 * reply is long enough to hold it.
 */
#ifndef MPTCPSHIM_DIAG_COMPAT_H
#define MPTCPSHIM_DIAG_COMPAT_H

#include <stddef.h>
#include <stdint.h>

/* struct mptcp_info as of 6.18 (96 bytes); 6.1's is the first 43. */
struct diag_mptcp_info {
	uint8_t subflows; /* extra subflows (renamed later) */
	uint8_t add_addr_signal;
	uint8_t add_addr_accepted;
	uint8_t subflows_max;
	uint8_t add_addr_signal_max;
	uint8_t add_addr_accepted_max;
	uint32_t flags;
	uint32_t token;
	uint64_t write_seq;
	uint64_t snd_una;
	uint64_t rcv_nxt;
	uint8_t local_addr_used;
	uint8_t local_addr_max;
	uint8_t csum_enabled;
	uint32_t retransmits; /* 6.5+ from here */
	uint64_t bytes_retrans;
	uint64_t bytes_sent;
	uint64_t bytes_received;
	uint64_t bytes_acked;
	uint8_t subflows_total; /* 6.9+ */
	uint8_t reserved[3];
	uint32_t last_data_sent; /* 6.11+ */
	uint32_t last_data_recv;
	uint32_t last_ack_recv;
};

/* The bytes_* counters exist when the kernel sent this much. */
#define DIAG_MPTCP_INFO_HAS_BYTES                                              \
	(offsetof(struct diag_mptcp_info, bytes_acked) + sizeof(uint64_t))

#ifndef MPTCP_INFO_FLAG_FALLBACK
#define MPTCP_INFO_FLAG_FALLBACK 0x1
#endif

/* Path-manager events newer than 6.1 (enum values there, so under our
 * own names: a macro of the kernel's name would break newer headers). */
#define PM_EVENT_LISTENER_CREATED 15
#define PM_EVENT_LISTENER_CLOSED 16

#endif
