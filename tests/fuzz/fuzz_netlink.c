// SPDX-License-Identifier: BSD-3-Clause
/*
 * libFuzzer target for the netlink parsers of conns/top and run --events:
 * arbitrary bytes, cut into messages as the kernel's replies are, go
 * through the sock_diag and path-manager event parsers, so that no reply
 * can crash them or make them read past a message.
 */
#include <libmnl/libmnl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pm_events.h"
#include "sockdiag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/*
	 * A private, aligned copy, padded as a receive buffer is: libmnl
	 * walks attributes up to the message length rounded up to 4.
	 */
	char *buf = calloc(1, MNL_ALIGN(size) + MNL_ALIGNTO);
	volatile size_t sink = 0;
	size_t off = 0;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	/*
	 * Messages as mnl_cb_run() hands them over: whole, inside the
	 * buffer. (mnl_nlmsg_ok() itself takes a length above INT_MAX for
	 * a negative one, so the walk checks it unsigned.)
	 */
	while (size - off >= sizeof(struct nlmsghdr)) {
		struct nlmsghdr *h = (struct nlmsghdr *)(buf + off);
		size_t len = h->nlmsg_len;
		struct sockdiag_conn c;
		struct sockdiag_subflow sf;
		struct pm_event ev;

		if (len < sizeof(*h) || len > size - off)
			break;
		if (sockdiag_parse_conn(h, &c) == 0)
			sink += strlen(c.local.addr) + c.token;
		if (sockdiag_parse_subflow(h, &sf) == 0)
			sink += strlen(sf.remote.addr) + sf.token_loc;
		if (pm_event_parse(h, &ev) == 0)
			sink += strlen(ev.saddr) + strlen(ev.daddr) +
				strlen(pm_event_name(ev.type)) +
				strlen(pm_reset_reason_name(ev.reset_reason));
		if (MNL_ALIGN(len) >= size - off)
			break;
		off += MNL_ALIGN(len);
	}
	(void)sink;
	free(buf);
	return 0;
}
