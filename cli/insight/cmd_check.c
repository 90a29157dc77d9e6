// SPDX-License-Identifier: BSD-3-Clause
/*
 * `mptcpshim check HOST:PORT` connects with MPTCP and says what came of
 * it; `mptcpshim check --serve PORT` is the matching test server, which
 * says the same from its side (smc-tools' smc_chk is the model).
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "check_conn.h"
#include "cli.h"
#include "mib.h"
#include "output.h"
#include "pm_events.h"
#include "uapi_compat.h"

#define CHECK_MAX_EVENTS 256
/* What the server says first: data from the server makes the client's
 * side fully established, which starts its path manager. */
#define CHECK_GREETING "mptcpshim-check 1\n"

struct check_options {
	bool json, serve;
	const char *count, *bind;
	double wait_s, timeout_s;
	long count_n;
};

struct event_log {
	struct pm_event ev[CHECK_MAX_EVENTS];
	size_t n;
};

static void usage(FILE *fp)
{
	out_usage(fp,
		"Usage: mptcpshim check [--json] [--wait S] [--timeout S] "
		"HOST:PORT\n"
		"       mptcpshim check --serve [--json] [--wait S] [--count N] "
		"[--bind ADDR] PORT\n"
		"Connects with MPTCP and reports: MPTCP or fallback (with the "
		"cause the\ncounters give), the addresses the peer announced, "
		"the subflows formed\nwithin --wait, and each subflow's round-"
		"trip time. --serve is the matching\ntest server, reporting "
		"each connection from its side.\n\n"
		"  -j, --json        print JSON (--serve: one document per "
		"line, per connection)\n"
		"  -w, --wait S      how long subflows may take to form "
		"(default 2)\n"
		"  -t, --timeout S   connect timeout (default 5)\n"
		"  -s, --serve       be the test server on PORT\n"
		"  -n, --count N     --serve: stop after N connections "
		"(default: never)\n"
		"  -b, --bind ADDR   --serve: listen on ADDR (default: every "
		"address)\n"
		"\nAnnounced addresses come from the path manager's events, "
		"which need\nCAP_NET_ADMIN; without it only their count is "
		"known.\n"
		"Exit status: 0 MPTCP, 1 fallback or no connection, 2 usage.\n");
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void log_event(const struct pm_event *ev, void *data)
{
	struct event_log *log = data;

	if (log->n < CHECK_MAX_EVENTS)
		log->ev[log->n++] = *ev;
}

static struct pm_listener *events_open(struct check_conn *c)
{
	struct pm_listener *l = pm_listener_open();

	if (!l)
		snprintf(c->events_note, sizeof(c->events_note),
			 "the addresses need the path manager's events: %s",
			 errno == EPERM ? "CAP_NET_ADMIN needed" :
					  strerror(errno));
	return l;
}

/* Samples fd and gathers events until wait has passed or the peer closed
 * (a server's client going away ends its report). */
static void watch(int fd, struct check_conn *c, struct pm_listener *l,
		  struct event_log *log, double wait, bool until_close)
{
	double start = now(), end = start + wait;
	char buf[4096];

	for (;;) {
		struct pollfd p[2] = { { .fd = fd, .events = POLLIN } };
		double left = end - now();
		bool closed = false;
		int np = 1;

		check_conn_sample(fd, c);
		if (l) {
			p[1].fd = pm_listener_fd(l);
			p[1].events = POLLIN;
			np = 2;
			pm_listener_read(l, log_event, log);
		}
		if (left <= 0)
			break;
		if (poll(p, np, left > 0.05 ? 50 : (int)(left * 1000) + 1) > 0 &&
		    (p[0].revents & (POLLIN | POLLHUP | POLLERR))) {
			ssize_t r = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

			closed = r == 0 || (r < 0 && errno != EAGAIN &&
					    errno != EINTR);
		}
		if (closed && !c->peer_closed) {
			c->peer_closed = true;
			c->peer_closed_ms = (now() - start) * 1000;
		}
		if (closed && until_close)
			break;
		if (closed)
			/* Nothing more to read: keep watching subflows. */
			p[0].events = 0;
	}
	c->waited = now() - start;
	if (l)
		pm_listener_read(l, log_event, log);
	for (size_t i = 0; i < log->n; i++)
		check_conn_event(c, &log->ev[i]);
	c->events = l != NULL;
}

static void endpoint_from(int fd, bool peer, struct sockdiag_endpoint *e)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	memset(&ss, 0, sizeof(ss));
	if ((peer ? getpeername : getsockname)(fd, (struct sockaddr *)&ss,
						&len) < 0)
		ss.ss_family = AF_UNSPEC;
	check_endpoint_of((struct sockaddr *)&ss, e);
}

static int connect_timed(int fd, const struct addrinfo *ai, double timeout)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	socklen_t len = sizeof(int);
	int err = 0;

	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return 0;
	if (errno != EINPROGRESS)
		return -1;
	if (poll(&p, 1, (int)(timeout * 1000)) <= 0) {
		errno = ETIMEDOUT;
		return -1;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return -1;
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

/* A port number, min to 65535, digits only (a service name would make
 * the target's meaning depend on /etc/services). */
static bool valid_port(const char *s, long min)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtol(s, &end, 10);
	return !errno && !*end && v >= min && v <= 65535;
}

/* "host:port", "[v6]:port"; host and port point into buf. */
static int split_target(char *buf, char **host, char **port)
{
	char *colon;

	if (buf[0] == '[') {
		char *close = strchr(buf, ']');

		if (!close || close[1] != ':')
			return -1;
		*close = '\0';
		*host = buf + 1;
		*port = close + 2;
	} else {
		colon = strrchr(buf, ':');
		if (!colon || strchr(buf, ':') != colon)
			return -1;
		*colon = '\0';
		*host = buf;
		*port = colon + 1;
	}
	return **host && valid_port(*port, 1) ? 0 : -1;
}

/* The document of a check that made no connection: scripts get one
 * whatever failed (errname: errno's or getaddrinfo's name). */
static void print_unconnected(const struct check_options *o,
			      const char *target, const char *errname,
			      const char *message)
{
	struct out *out;

	if (!o->json || !(out = out_new(stdout, true)))
		return;
	out_string(out, "target", NULL, target);
	out_bool(out, "connected", NULL, false);
	out_string(out, "error", NULL, errname);
	out_string(out, "message", NULL, message);
	out_end(out);
}

static const char *gai_name(int rc)
{
	static const struct {
		int rc;
		const char *name;
	} names[] = {
		{ EAI_NONAME, "EAI_NONAME" }, { EAI_AGAIN, "EAI_AGAIN" },
		{ EAI_FAIL, "EAI_FAIL" }, { EAI_FAMILY, "EAI_FAMILY" },
		{ EAI_MEMORY, "EAI_MEMORY" }, { EAI_SERVICE, "EAI_SERVICE" },
		{ EAI_SYSTEM, "EAI_SYSTEM" },
#ifdef EAI_NODATA
		{ EAI_NODATA, "EAI_NODATA" },
#endif
#ifdef EAI_ADDRFAMILY
		{ EAI_ADDRFAMILY, "EAI_ADDRFAMILY" },
#endif
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].rc == rc)
			return names[i].name;
	return "EAI_FAIL";
}

static int client(const struct check_options *o, const char *target)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICSERV };
	struct check_conn c = { .side = "client" };
	struct mib_set before = { 0 }, after = { 0 };
	static struct event_log log;
	struct pm_listener *l;
	struct addrinfo *res = NULL;
	char buf[512], *host, *port;
	struct out *out;
	int fd = -1, rc, err = 0;
	double t0, deadline;

	snprintf(buf, sizeof(buf), "%s", target);
	if (split_target(buf, &host, &port) < 0) {
		cli_error("check", "argument \"%s\" is wrong: HOST:PORT or "
				   "[ADDRESS]:PORT expected (PORT 1 to 65535)",
			  target);
		return CLI_USAGE;
	}
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		cli_error("check", "cannot resolve '%s': %s", target,
			  gai_strerror(rc));
		print_unconnected(o, target, gai_name(rc), gai_strerror(rc));
		return CLI_CHECK_FAILED;
	}
	l = events_open(&c);
	(void)mib_read(MIB_NETSTAT, &before);
	t0 = now();
	deadline = t0 + o->timeout_s;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		size_t left = 0;

		fd = socket(ai->ai_family,
			    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			    IPPROTO_MPTCP);
		if (fd < 0) {
			/* An address family this kernel lacks (IPv6
			 * disabled: localhost's ::1): the next address. */
			err = errno;
			continue;
		}
		/* --timeout bounds the whole attempt: a name with many
		 * dead addresses took --timeout for each one. Each address
		 * gets an equal share of what is left, so a live one after
		 * dead ones is still tried (curl shares its time likewise). */
		for (const struct addrinfo *a = ai; a; a = a->ai_next)
			left++;
		t0 = now();
		if (t0 >= deadline) {
			close(fd);
			fd = -1;
			err = ETIMEDOUT;
			break;
		}
		if (connect_timed(fd, ai, (deadline - t0) / (double)left) == 0)
			break;
		err = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		cli_error("check", "%s: %s%s", target, strerror(err),
			  err == ENOPROTOOPT || err == EPROTONOSUPPORT ?
				  " (MPTCP is off or missing here: "
				  "'mptcpshim doctor' says why)" : "");
		pm_listener_close(l);
		mib_free(&before);
		print_unconnected(o, target,
				  strerrorname_np(err) ? strerrorname_np(err) :
							 "?",
				  strerror(err));
		return CLI_CHECK_FAILED;
	}
	c.connect_ms = (now() - t0) * 1000;
	endpoint_from(fd, false, &c.local);
	endpoint_from(fd, true, &c.remote);
	watch(fd, &c, l, &log, check_is_mptcp(fd) ? o->wait_s : 0, false);
	if (mib_read(MIB_NETSTAT, &after) == 0 && before.n)
		check_conn_cause(&c, &before, &after);
	close(fd);
	pm_listener_close(l);
	mib_free(&before);
	mib_free(&after);
	out = out_new(stdout, o->json);
	if (!out)
		return CLI_CHECK_FAILED;
	out_string(out, "target", "check %s: ", target);
	out_bool(out, "connected", NULL, true);
	check_conn_print(out, &c);
	out_end(out);
	return c.mptcp ? CLI_OK : CLI_CHECK_FAILED;
}

static int listen_on(const struct check_options *o, const char *port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICSERV | AI_PASSIVE,
				  .ai_family = o->bind ? AF_UNSPEC : AF_INET6 };
	struct addrinfo *res = NULL;
	int fd = -1, one = 1, rc;

	rc = getaddrinfo(o->bind, port, &hints, &res);
	if (rc != 0) {
		cli_error("check", "cannot listen on %s port %s: %s",
			  o->bind ? o->bind : "every address", port,
			  gai_strerror(rc));
		return -1;
	}
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_MPTCP);
	if (fd >= 0 && res->ai_family == AF_INET6 && !o->bind) {
		int zero = 0;

		/* Every address: IPv4 clients too. */
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	}
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, res->ai_addr, res->ai_addrlen) < 0 || listen(fd, 16) < 0) {
		cli_error("check", "cannot listen with MPTCP on port %s: %s",
			  port, strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

static int serve(const struct check_options *o, const char *port)
{
	static struct event_log log;
	int lfd = listen_on(o, port), rc = CLI_OK;
	struct pm_listener *l;
	struct check_conn probe = { 0 };

	if (lfd < 0)
		return CLI_CHECK_FAILED;
	/* A client that goes away mid-greeting is not our failure. */
	signal(SIGPIPE, SIG_IGN);
	l = events_open(&probe);
	if (!o->json) {
		struct out *out = out_new(stdout, false);

		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		char host[64], serv[16] = "?";

		/* The real port (PORT 0 asks the kernel for one). */
		if (getsockname(lfd, (struct sockaddr *)&ss, &len) == 0)
			getnameinfo((struct sockaddr *)&ss, len, host,
				    sizeof(host), serv, sizeof(serv),
				    NI_NUMERICHOST | NI_NUMERICSERV);
		out_text(out, "listening with MPTCP on port %s\n", serv);
		out_end(out);
		fflush(stdout);
	}
	for (long n = 0; o->count_n == 0 || n < o->count_n; n++) {
		struct check_conn c = { .side = "server" };
		struct mib_set before = { 0 }, after = { 0 };
		struct out *out;
		int fd;

		(void)mib_read(MIB_NETSTAT, &before);
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) {
			mib_free(&before);
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			cli_error("check", "accept: %s", strerror(errno));
			rc = CLI_CHECK_FAILED;
			break;
		}
		memcpy(c.events_note, probe.events_note, sizeof(c.events_note));
		(void)!send(fd, CHECK_GREETING, strlen(CHECK_GREETING),
			    MSG_NOSIGNAL);
		endpoint_from(fd, false, &c.local);
		endpoint_from(fd, true, &c.remote);
		log.n = 0;
		watch(fd, &c, l, &log, o->wait_s, true);
		if (mib_read(MIB_NETSTAT, &after) == 0 && before.n)
			check_conn_cause(&c, &before, &after);
		close(fd);
		mib_free(&before);
		mib_free(&after);
		out = out_new(stdout, o->json);
		if (!out)
			break;
		check_conn_print(out, &c);
		out_end(out);
		fflush(stdout);
	}
	pm_listener_close(l);
	close(lfd);
	return rc;
}

int cmd_check(int argc, char **argv)
{
	struct check_options o = { .wait_s = 2, .timeout_s = 5 };
	const struct cli_option options[] = {
		CLI_OPTION_JSON(&o.json),
		CLI_OPTION_FLAG("serve", 's', &o.serve),
		CLI_OPTION_TAKE("wait", 'w', cli_take_seconds, &o.wait_s),
		CLI_OPTION_TAKE("timeout", 't', cli_take_seconds,
				&o.timeout_s),
		CLI_OPTION_VALUE("count", 'n', &o.count),
		CLI_OPTION_VALUE("bind", 'b', &o.bind),
		CLI_OPTION_END,
	};
	char *end;
	int rc;

	rc = cli_parse_options(argc, argv, "check", options, 0, usage);
	if (rc >= 0)
		return rc;
	if (o.count) {
		errno = 0;
		o.count_n = strtol(o.count, &end, 10);
		if (errno || *end || o.count_n < 1) {
			cli_error("check", "argument \"%s\" is wrong: --count "
					   "wants a number >= 1", o.count);
			return CLI_USAGE;
		}
	}
	if (optind + 1 != argc) {
		cli_error("check", optind < argc ? "one operand expected" :
				   o.serve ? "PORT expected" :
					     "HOST:PORT expected");
		return CLI_USAGE;
	}
	if (!o.serve && (o.count || o.bind)) {
		cli_error("check", "--count and --bind need --serve");
		return CLI_USAGE;
	}
	if (o.serve && !valid_port(argv[optind], 0)) {
		cli_error("check", "argument \"%s\" is wrong: a port from 0 "
				   "to 65535 expected", argv[optind]);
		return CLI_USAGE;
	}
	return o.serve ? serve(&o, argv[optind]) : client(&o, argv[optind]);
}
