// SPDX-License-Identifier: BSD-3-Clause
/*
 * Linked directly against libmptcpshim.so (not preloaded), so a setuid or
 * file-capability copy still carries the shim: the loader drops LD_PRELOAD
 * for such programs, which would test the loader instead of our secure
 * mode (mptcp-facts §9). Prints "secure=S protocol=P".
 */
#include <stdio.h>
#include <sys/auxv.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int protocol = -1;
	socklen_t len = sizeof(protocol);

	getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &protocol, &len);
	printf("secure=%lu protocol=%d\n", getauxval(AT_SECURE), protocol);
	close(fd);
	return 0;
}
