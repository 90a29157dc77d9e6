// SPDX-License-Identifier: BSD-3-Clause
/*
 * A real event loop (libevent, epoll backend) through a switch in place:
 * the socket is registered before connect(), then a destination rule or a
 * refused option rebuilds it. The connect must still be reported (issue
 * 11: the registration used to die with the old socket, and the loop hung).
 * Runs preloaded with fixtures/exclude_loopback4.conf.
 */
#include <netinet/tcp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>
#include <cmocka.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "fixture.h"

struct outcome {
	bool connected;
	bool writable;
};

static struct event_base *new_base(void)
{
	struct event_config *cfg = event_config_new();
	struct event_base *base;

	/* Only epoll keys registrations on the open file. */
	event_config_avoid_method(cfg, "poll");
	event_config_avoid_method(cfg, "select");
	base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	assert_non_null(base);
	assert_string_equal(event_base_get_method(base), "epoll");
	return base;
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	struct outcome *o = arg;

	if (what & BEV_EVENT_CONNECTED)
		o->connected = true;
	event_base_loopbreak(bufferevent_get_base(bev));
}

/* bufferevent_socket_connect() on an fd the app created, already reading. */
static void bufferevent_case(bool refused_option)
{
	struct timeval limit = { 5, 0 };
	struct event_base *base = new_base();
	unsigned short port = 0;
	int l = raw_listener(AF_INET, 8, &port);
	struct sockaddr_in a = addr4("127.0.0.1", port);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct outcome o = { 0 };
	struct bufferevent *bev;

	assert_int_equal(protocol_of(fd), IPPROTO_MPTCP);
	bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(bev, NULL, NULL, on_event, &o);
	/* epoll_ctl(ADD) happens here; connect() then finds the write
	 * event pending and registers nothing more. */
	assert_int_equal(bufferevent_enable(bev, EV_READ | EV_WRITE), 0);
	if (refused_option) {
		int ttl = 32;

		assert_int_equal(setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl,
					    sizeof(ttl)), 0);
		assert_int_equal(protocol_of(fd), IPPROTO_TCP);
	}
	assert_int_equal(bufferevent_socket_connect(bev, (struct sockaddr *)&a,
						    sizeof(a)), 0);
	event_base_loopexit(base, &limit);
	event_base_dispatch(base);
	assert_true(o.connected);
	assert_int_equal(protocol_of(fd), IPPROTO_TCP);
	bufferevent_free(bev);
	event_base_free(base);
	close(l);
}

static void test_bufferevent_destination_switch(void **state)
{
	(void)state;
	bufferevent_case(false);
}

static void test_bufferevent_refused_option(void **state)
{
	(void)state;
	bufferevent_case(true);
}

static void on_writable(evutil_socket_t fd, short what, void *arg)
{
	struct outcome *o = arg;
	int err = -1;
	socklen_t len = sizeof(err);

	if ((what & EV_WRITE) &&
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && !err &&
	    tcp_state_of(fd) == TCP_ESTABLISHED) {
		o->writable = true;
	}
}

/* An edge-triggered persistent event added at open, never touched again,
 * and a plain connect(): the asio pattern, in libevent. */
static void test_persistent_event_before_connect(void **state)
{
	struct timeval limit = { 5, 0 };
	struct event_base *base = new_base();
	unsigned short port = 0;
	int l = raw_listener(AF_INET, 8, &port);
	struct sockaddr_in a = addr4("127.0.0.1", port);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct outcome o = { 0 };
	struct event *ev;
	int rc;

	(void)state;
	ev = event_new(base, fd, EV_WRITE | EV_ET | EV_PERSIST, on_writable,
		       &o);
	assert_int_equal(event_add(ev, NULL), 0);
	event_base_loop(base, EVLOOP_NONBLOCK);
	rc = connect(fd, (struct sockaddr *)&a, sizeof(a));
	assert_true(rc == 0 || errno == EINPROGRESS);
	assert_int_equal(protocol_of(fd), IPPROTO_TCP);
	event_base_loopexit(base, &limit);
	while (!o.writable && event_base_loop(base, EVLOOP_ONCE) == 0 &&
	       !event_base_got_exit(base))
		;
	assert_true(o.writable);
	event_free(ev);
	close(fd);
	event_base_free(base);
	close(l);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bufferevent_destination_switch),
		cmocka_unit_test(test_bufferevent_refused_option),
		cmocka_unit_test(test_persistent_event_before_connect),
	};

	fixture_require_mptcp();
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
