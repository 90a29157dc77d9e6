// SPDX-License-Identifier: BSD-3-Clause
/*
 * The MPTcpExt glossary. Meanings follow the comments of net/mptcp/mib.h
 * (the kernel's own words, made readable); counters that older kernels had
 * and later removed stay, so that a 5.x host is explained too.
 */
#include <stddef.h>
#include <string.h>

#include "explain.h"
#include "mib_glossary.h"

static const struct {
	const char *name;
	const char *meaning;
} glossary[] = {
	{ "MPCapableSYNRX", "SYNs with MP_CAPABLE received (server side: "
			    "MPTCP connection attempts)" },
	{ "MPCapableSYNTX", "SYNs with MP_CAPABLE sent (client side: MPTCP "
			    "connection attempts)" },
	{ "MPCapableSYNACKRX", "SYN/ACKs with MP_CAPABLE received (the server "
			       "accepted MPTCP)" },
	{ "MPCapableACKRX", "third ACKs with MP_CAPABLE received (server side "
			    "handshake completed as MPTCP)" },
	{ "MPCapableFallbackACK", "server-side fallback to TCP during the "
				  "handshake: the third ACK had no "
				  "MP_CAPABLE" },
	{ "MPCapableFallbackSYNACK", "client-side fallback to TCP: the "
				     "SYN/ACK had no MP_CAPABLE (the peer "
				     "does not speak MPTCP or a middlebox "
				     "stripped it)" },
	{ "MPCapableSYNTXDrop", "client-side fallback after SYNs with "
				"MP_CAPABLE were retransmitted "
				"syn_retrans_before_tcp_fallback times "
				"(blackhole suspicion)" },
	{ "MPCapableSYNTXDisabled", "client connects that did not try MPTCP "
				    "because active MPTCP is disabled after "
				    "a blackhole (blackhole_timeout)" },
	{ "MPCapableEndpAttempt", "MP_CAPABLE to a port-based endpoint, "
				  "which only accepts joins, refused" },
	{ "MPFallbackTokenInit", "fallback to TCP because no connection "
				 "token could be allocated" },
	{ "MPTCPRetrans", "data retransmitted at the MPTCP level "
			  "(reinjected on another subflow)" },
	{ "MPJoinNoTokenFound", "MP_JOIN received for an unknown connection "
				"token" },
	{ "MPJoinSynRx", "SYNs with MP_JOIN received (extra subflows "
			 "requested by the peer)" },
	{ "MPJoinSynBackupRx", "SYNs with MP_JOIN and the backup flag "
			       "received" },
	{ "MPJoinSynAckRx", "SYN/ACKs with MP_JOIN received (joins this "
			    "host sent were answered)" },
	{ "MPJoinSynAckBackupRx", "SYN/ACKs with MP_JOIN and the backup flag "
				  "received" },
	{ "MPJoinSynAckHMacFailure", "SYN/ACKs with MP_JOIN whose HMAC was "
				     "wrong" },
	{ "MPJoinAckRx", "third ACKs with MP_JOIN received (joins "
			 "completed)" },
	{ "MPJoinAckHMacFailure", "ACKs with MP_JOIN whose HMAC was wrong" },
	{ "MPJoinRejected", "joins the path manager refused (over the "
			    "subflows limit)" },
	{ "MPJoinSynTx", "SYNs with MP_JOIN sent (extra subflows this host "
			 "opened)" },
	{ "MPJoinSynTxCreatSkErr", "joins that failed before the SYN: the "
				   "subflow socket could not be created" },
	{ "MPJoinSynTxBindErr", "joins that failed before the SYN: bind() "
				"to the endpoint address failed" },
	{ "MPJoinSynTxConnectErr", "joins that failed before the SYN: "
				   "connect() failed (no route)" },
	{ "DSSNotMatching", "data mappings (DSS) that did not match the "
			    "previous mapping" },
	{ "DSSCorruptionFallback", "DSS corruption detected and handled by "
				   "falling back to TCP" },
	{ "DSSCorruptionReset", "DSS corruption detected and handled by "
				"resetting a joined subflow" },
	{ "InfiniteMapTx", "infinite mappings sent (fallback after the "
			   "connection was established)" },
	{ "InfiniteMapRx", "infinite mappings received (the peer fell back "
			   "after the connection was established)" },
	{ "DSSNoMatchTCP", "data mappings that did not fit TCP's sequence "
			   "numbers" },
	{ "DataCsumErr", "data checksum (DSS checksum) failures" },
	{ "OFOQueueTail", "segments added at the tail of the MPTCP "
			  "out-of-order queue" },
	{ "OFOQueue", "segments added to the MPTCP out-of-order queue" },
	{ "OFOMerge", "segments merged in the MPTCP out-of-order queue" },
	{ "NoDSSInWindow", "segments dropped: outside the MPTCP receive "
			   "window" },
	{ "DuplicateData", "segments dropped: data already received on "
			   "another subflow" },
	{ "AddAddr", "ADD_ADDR received (addresses the peer announced)" },
	{ "AddAddrTx", "ADD_ADDR sent (addresses this host announced)" },
	{ "AddAddrTxDrop", "ADD_ADDR not sent (resource exhaustion)" },
	{ "EchoAdd", "ADD_ADDR echoes received (the peer acknowledged an "
		     "announcement)" },
	{ "EchoAddTx", "ADD_ADDR echoes sent (announcements of the peer "
		       "acknowledged)" },
	{ "EchoAddTxDrop", "ADD_ADDR echoes not sent (resource "
			   "exhaustion)" },
	{ "PortAdd", "ADD_ADDR with a port number received" },
	{ "AddAddrDrop", "ADD_ADDR received and dropped (add_addr_accepted "
			 "limit reached)" },
	{ "MPJoinPortSynRx", "SYNs with MP_JOIN to a port-based endpoint "
			     "received" },
	{ "MPJoinPortSynAckRx", "SYN/ACKs with MP_JOIN from a port-based "
				"endpoint received" },
	{ "MPJoinPortAckRx", "ACKs with MP_JOIN to a port-based endpoint "
			     "received" },
	{ "MismatchPortSynRx", "SYNs with MP_JOIN to a port no endpoint "
			       "announced" },
	{ "MismatchPortAckRx", "ACKs with MP_JOIN to a port no endpoint "
			       "announced" },
	{ "RmAddr", "RM_ADDR received (the peer withdrew an address)" },
	{ "RmAddrDrop", "RM_ADDR received and dropped (another removal was "
			"in progress)" },
	{ "RmAddrTx", "RM_ADDR sent (this host withdrew an address)" },
	{ "RmAddrTxDrop", "RM_ADDR not sent (resource exhaustion)" },
	{ "RmSubflow", "subflows removed because their address was "
		       "withdrawn" },
	{ "MPPrioTx", "MP_PRIO sent (a subflow's backup flag changed "
		      "here)" },
	{ "MPPrioRx", "MP_PRIO received (the peer changed a subflow's "
		      "backup flag)" },
	{ "MPFailTx", "MP_FAIL sent (data checksum failure reported)" },
	{ "MPFailRx", "MP_FAIL received" },
	{ "MPFastcloseTx", "MP_FASTCLOSE sent (connection aborted here)" },
	{ "MPFastcloseRx", "MP_FASTCLOSE received (connection aborted by "
			   "the peer)" },
	{ "MPRstTx", "MP_TCPRST sent (subflow reset with a reason)" },
	{ "MPRstRx", "MP_TCPRST received" },
	{ "SubflowStale", "subflows marked stale (no progress for "
			  "stale_loss_cnt retransmission timeouts)" },
	{ "SubflowRecover", "stale subflows that became active again" },
	{ "SndWndShared", "times a subflow's send window was overridden by "
			  "the connection's" },
	{ "RcvWndShared", "times a subflow's receive window was overridden "
			  "by the connection's" },
	{ "RcvWndConflictUpdate", "receive window overrides caused by "
				  "another subflow updating it at the same "
				  "time" },
	{ "RcvWndConflict", "conflicts while updating the connection's "
			    "receive window" },
	{ "MPCurrEstab", "MPTCP connections established now (a gauge)" },
	{ "Blackhole", "MPTCP firewall blackholes detected (each starts "
		       "the blackhole_timeout back-off)" },
	{ "MPCapableDataFallback", "fallback to TCP: the first data packet "
				   "had no DSS or MP_CAPABLE" },
	{ "MD5SigFallback", "fallback to TCP: TCP-MD5 signatures on the "
			    "socket" },
	{ "DssFallback", "fallback to TCP: a bad or missing DSS" },
	{ "SimultConnectFallback", "fallback to TCP: simultaneous "
				   "connect" },
	{ "FallbackFailed", "a fallback to TCP was needed but impossible "
			    "(the connection's state forbade it)" },
	{ "WinProbe", "MPTCP-level zero window probes sent" },
	/* 5.x only (removed in 5.19). */
	{ "RcvPruned", "incoming packets dropped: receive memory limit "
		       "(5.x kernels)" },
};

const char *mib_glossary_meaning(const char *name)
{
	for (size_t i = 0; i < sizeof(glossary) / sizeof(glossary[0]); i++)
		if (strcmp(glossary[i].name, name) == 0)
			return glossary[i].meaning;
	return NULL;
}

enum mib_role mib_glossary_role(const char *name, const char **rule)
{
	const char *id = explain_rule_reading(name);

	if (rule)
		*rule = id;
	if (id)
		return MIB_ROLE_REASON;
	return mib_glossary_meaning(name) ? MIB_ROLE_INFORMATIONAL :
					    MIB_ROLE_UNKNOWN;
}

const char *mib_role_name(enum mib_role role)
{
	switch (role) {
	case MIB_ROLE_REASON:
		return "reason";
	case MIB_ROLE_INFORMATIONAL:
		return "informational";
	default:
		return "unknown";
	}
}
