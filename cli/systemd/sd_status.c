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
#include "sd_context.h"

/* "yes"/"no"/"unknown" answers and the words behind them. */
struct status {
	bool dropin;
	const char *in_files;	/* library in the files' LD_PRELOAD */
	char *overridden_by;
	const char *loaded;
	const char *running;
	long main_pid;
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

/* Whether /proc/PID/environ has the library in LD_PRELOAD. */
static const char *process_has_library(long pid, const char *library)
{
	char path[64], *env;
	size_t len = 0;
	FILE *f;
	const char *answer = "no";

	snprintf(path, sizeof(path), "/proc/%ld/environ", pid);
	f = fopen(path, "re");
	if (!f)
		return "unknown";
	env = malloc(1 << 20);
	if (env)
		len = fread(env, 1, (1 << 20) - 1, f);
	fclose(f);
	if (!env)
		return "unknown";
	env[len] = '\0';
	for (size_t i = 0; i < len; i += strlen(env + i) + 1)
		if (strncmp(env + i, "LD_PRELOAD=", 11) == 0 &&
		    list_has_library(env + i + 11, library))
			answer = "yes";
	free(env);
	return answer;
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

static void json_string(const char *key, const char *value, bool last)
{
	printf("  \"%s\": ", key);
	if (!value) {
		printf("null");
	} else {
		putchar('"');
		for (const unsigned char *p = (const unsigned char *)value; *p;
		     p++) {
			if (*p == '"' || *p == '\\')
				printf("\\%c", *p);
			else if (*p < 0x20)
				printf("\\u%04x", *p);
			else
				putchar(*p);
		}
		putchar('"');
	}
	printf("%s\n", last ? "" : ",");
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
		char *paths = sd_show(sd, "DropInPaths", sd->unit.name);
		char *pid = sd_show(sd, "MainPID", sd->unit.name);
		char *trig = sd_show(sd, "TriggeredBy", sd->unit.name);

		st.loaded = paths && strstr(paths, t.file) ? "yes" : "no";
		st.main_pid = pid ? strtol(pid, NULL, 10) : 0;
		st.running = st.main_pid > 0 ?
				     process_has_library(st.main_pid,
							 sd->library) :
				     "not running";
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
	if (sd->json) {
		printf("{\n");
		json_string("unit", sd->unit.name, false);
		json_string("unit_file", st.unit_file, false);
		json_string("dropin", t.file, false);
		json_string("dropin_present", st.dropin ? "yes" : "no", false);
		json_string("library", sd->library, false);
		json_string("library_in_unit_files", st.in_files, false);
		json_string("overridden_by", st.overridden_by, false);
		json_string("loaded", st.loaded, false);
		json_string("running_with_library", st.running, false);
		json_string("socket", st.socket, false);
		json_string("socket_dropin_present",
			    st.socket ? (st.socket_dropin ? "yes" : "no") :
					NULL, false);
		json_string("ok", ok ? "yes" : "no", true);
		printf("}\n");
	} else {
		printf("unit:     %s%s", sd->unit.name,
		       sd->user ? " (user)" : "");
		if (st.unit_file && strcmp(st.unit_file, "found") != 0)
			printf(" (%s below %s)", st.unit_file,
			       *sd->root ? sd->root : "/");
		printf("\n");
		printf("drop-in:  %s (%s)\n", t.file,
		       st.dropin ? "present" : "absent");
		printf("library:  %s\n", sd->library);
		printf("in files: %s (LD_PRELOAD from the unit and its "
		       "drop-ins has the library)\n", st.in_files);
		if (st.overridden_by)
			printf("warning:  %s sets LD_PRELOAD after the "
			       "drop-in\n", st.overridden_by);
		printf("loaded:   %s%s\n", st.loaded,
		       !sd->systemd_running ? " (systemd is not running here)" :
		       sd->unit.kind == UNITNAME_TEMPLATE ?
				     " (a template is loaded through its "
				     "instances)" : "");
		if (st.main_pid > 0)
			printf("running:  %s (pid %ld)\n", st.running,
			       st.main_pid);
		else
			printf("running:  %s\n", st.running);
		if (st.socket) {
			printf("socket:   %s activates this service; its "
			       "listening socket is systemd's, which the "
			       "library\n          cannot convert. ",
			       st.socket);
			if (st.socket_dropin)
				printf("Its drop-in asks for "
				       "SocketProtocol=mptcp.\n");
			else
				printf("Add SocketProtocol=mptcp "
				       "(systemd >= 257): mptcpshim enable "
				       "--socket %s\n", sd->unit.name);
		}
	}
	free(st.overridden_by);
	free(st.socket);
	return ok ? CLI_OK : CLI_CHECK_FAILED;
}
