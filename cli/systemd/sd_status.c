// SPDX-License-Identifier: BSD-3-Clause
/*
 * `status`: whether the drop-in exists, whether systemd loaded it and
 * whether the running service has the library.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "proc_route.h"
#include "sd_context.h"

/* "yes"/"no"/"unknown" answers and the words behind them. */
struct status {
	bool dropin;
	const char *in_files;	/* library in the files' LD_PRELOAD */
	char *overridden_by;
	const char *loaded;
	const char *running;
	long main_pid;
	enum proc_route route;	/* what is true of the main process */
	long supervisor;
	char *socket;		/* the activating .socket, or NULL */
	bool socket_dropin;
	const char *unit_file;	/* "found", "masked", "not found" */
};

static bool list_has_library(const char *list, const char *library)
{
	const char *p = list;

	while (p && *p) {
		size_t n;

		p += strspn(p, ": ");
		n = strcspn(p, ": ");
		if (n && n == strlen(library) && memcmp(p, library, n) == 0)
			return true;
		p += n;
	}
	return false;
}

static void status_files(const struct sd *sd, const struct target *t,
			 struct status *st)
{
	struct dropin_files files;
	struct dropin_service svc;
	const char *preload;

	st->in_files = "unknown";
	if (dropin_find(&sd->paths, &sd->unit, &files) < 0)
		return;
	st->unit_file = files.masked ? "masked" :
			files.fragment ? "found" : "not found";
	if (dropin_read_service(&files, NULL, &svc, NULL, NULL) == 0) {
		preload = dropin_env_get(&svc.env, "LD_PRELOAD");
		st->in_files = preload && list_has_library(preload,
							   sd->library_unit) ?
				       "yes" : "no";
		if (st->dropin && svc.preload_set_by &&
		    strcmp(svc.preload_set_by, t->file) != 0)
			st->overridden_by = strdup(svc.preload_set_by);
		dropin_service_free(&svc);
	}
	dropin_files_free(&files);
}

/*
 * Text and JSON from one description. The three-valued answers stay words
 * ("yes", "no", "unknown", "not running"); what can only be true or false
 * is a JSON boolean.
 */
static void print_status(const struct sd *sd, const struct target *t,
			 const struct status *st, bool ok)
{
	struct out *out = sd->out;

	out_string(out, "unit", "unit:     %s", sd->unit.name);
	out_text(out, "%s", sd->user ? " (user)" : "");
	if (st->unit_file && strcmp(st->unit_file, "found") != 0) {
		out_string(out, "unit_file", " (%s below ", st->unit_file);
		out_text_string(out, "%s)", *sd->root ? sd->root : "/");
	} else {
		out_string(out, "unit_file", NULL, st->unit_file);
	}
	out_text(out, "\n");
	out_string(out, "dropin", "drop-in:  %s", t->file);
	out_bool(out, "dropin_present", NULL, st->dropin);
	out_text(out, " (%s)\n", st->dropin ? "present" : "absent");
	out_string(out, "library", "library:  %s\n", sd->library);
	out_string(out, "library_in_unit_files",
		   "in files: %s (LD_PRELOAD from the unit and its drop-ins "
		   "has the library)\n", st->in_files);
	out_string(out, "overridden_by",
		   st->overridden_by ? "warning:  %s sets LD_PRELOAD after "
				       "the drop-in\n" : NULL,
		   st->overridden_by);
	out_string(out, "loaded", "loaded:   %s", st->loaded);
	out_text(out, "%s\n",
		 !sd->systemd_running ? " (systemd is not running here)" :
		 sd->unit.kind == UNITNAME_TEMPLATE ?
			 " (a template is loaded through its instances)" : "");
	out_string(out, "running_with_library", "running:  %s", st->running);
	if (st->main_pid > 0)
		out_text(out, " (pid %ld", st->main_pid);
	out_string(out, "route", st->main_pid > 0 ? ": %s" : NULL,
		   st->main_pid > 0 ? proc_route_name(st->route) : NULL);
	if (st->route == PROC_ROUTE_SECCOMP)
		out_text(out, ", supervisor pid %ld", st->supervisor);
	if (st->route == PROC_ROUTE_NONE)
		out_text(out, ": neither the library mapped nor the seccomp "
			      "route's filter and supervisor");
	if (st->main_pid > 0)
		out_text(out, ")");
	out_text(out, "\n");
	out_string(out, "socket",
		   st->socket ? "socket:   %s activates this service; its "
				"listening socket is systemd's, which the "
				"library\n          cannot convert. " : NULL,
		   st->socket);
	if (st->socket)
		out_bool(out, "socket_dropin_present", NULL,
			 st->socket_dropin);
	else
		out_string(out, "socket_dropin_present", NULL, NULL);
	if (st->socket && st->socket_dropin)
		out_text(out, "Its drop-in asks for SocketProtocol=mptcp.\n");
	else if (st->socket)
		out_text_string(out, "Add SocketProtocol=mptcp (systemd >= "
				     "257): mptcpshim enable --socket %s\n",
				sd->unit.name);
	out_bool(out, "ok", NULL, ok);
}

int sd_status(struct sd *sd)
{
	struct target t, sock_t;
	struct status st = { .loaded = "unknown", .running = "unknown" };
	struct unitname tmpl;
	bool ok;

	if (sd_target_init(sd, &sd->unit, &t) < 0 ||
	    sd_target_init(sd, &sd->socket_unit, &sock_t) < 0)
		return CLI_CHECK_FAILED;
	st.dropin = access(t.file, F_OK) == 0;
	/* An instance also gets the drop-in of its template. */
	if (!st.dropin && unitname_template(&sd->unit, &tmpl) == 0) {
		struct target tt;

		if (sd_target_init(sd, &tmpl, &tt) == 0 &&
		    access(tt.file, F_OK) == 0) {
			t = tt;
			st.dropin = true;
		}
	}
	st.socket_dropin = access(sock_t.file, F_OK) == 0;
	status_files(sd, &t, &st);

	if (sd_ask_systemd(sd, &sd->unit)) {
		char *paths = sd_property(sd, "DropInPaths", sd->unit.name);
		char *pid = sd_property(sd, "MainPID", sd->unit.name);
		char *trig = sd_property(sd, "TriggeredBy", sd->unit.name);

		st.loaded = paths && strstr(paths, t.file) ? "yes" : "no";
		st.main_pid = pid ? strtol(pid, NULL, 10) : 0;
		/* What is true of the process: its environment asking for
		 * the library proves nothing (a static program ignores it). */
		if (st.main_pid > 0) {
			st.route = proc_route_of(st.main_pid, sd->library,
						 &st.supervisor);
			st.running = st.route == PROC_ROUTE_UNKNOWN ? "unknown" :
				     st.route == PROC_ROUTE_NONE    ? "no" :
								      "yes";
		} else {
			st.running = "not running";
		}
		if (trig && *trig) {
			char *end = trig + strcspn(trig, " ");

			*end = '\0';
			st.socket = strdup(trig);
		}
		free(paths);
		free(pid);
		free(trig);
	} else if (sd_unit_exists(sd, &sd->socket_unit)) {
		st.socket = strdup(sd->socket_unit.name);
	}

	ok = st.dropin && strcmp(st.in_files, "no") != 0 &&
	     strcmp(st.loaded, "no") != 0 && strcmp(st.running, "no") != 0;
	print_status(sd, &t, &st, ok);
	free(st.overridden_by);
	free(st.socket);
	return ok ? CLI_OK : CLI_CHECK_FAILED;
}
