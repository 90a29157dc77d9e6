// SPDX-License-Identifier: BSD-3-Clause
/*
 * From the merged policy to decisions. policy_resolve() runs once per
 * process; policy_decide() and policy_unsupported_for() run inside the
 * app's connect()/listen()/setsockopt(), so they allocate nothing, take no
 * lock and touch only the immutable policy.
 *
 * Order of the rules for one socket: program (mode, enabled) -> role
 * (connect, listen) -> exclude (beats include) -> include -> ports.
 */
#include <sys/socket.h>

#include "policy_internal.h"

static const char reason_default[] =
	"converted: no rule restricts this program";
static const char reason_not_listed[] =
	"not converted: mode = listed and no [app:NAME] for this program";
static const char reason_app_disabled[] =
	"not converted: enabled = false for this program";
static const char reason_connect_off[] =
	"not converted: connect = false";
static const char reason_listen_off[] =
	"not converted: listen = false";
static const char reason_excluded[] =
	"not converted: address in the exclude list";
static const char reason_not_included[] =
	"not converted: address not in the include list";
static const char reason_port[] =
	"not converted: port not in the ports list";
static const char reason_included[] =
	"converted: address in the include list";
static const char reason_port_listed[] =
	"converted: port in the ports list";
static const char reason_init_include[] =
	"created as TCP: an include list is set, connect() decides";
static const char reason_init_ports[] =
	"created as TCP: a ports list is set, connect() decides";
static const char reason_no_address[] =
	"kept as created: not an IPv4/IPv6 address";

const char *policy_choice_name(enum policy_choice choice)
{
	return choice == POLICY_MPTCP ? "mptcp" : "tcp";
}

const char *policy_unsupported_name(enum policy_unsupported mode)
{
	return (unsigned)mode < 4 ? policy_unsup_names[mode] : "?";
}

/* Used when policy_load() ran out of memory: the built-in defaults. */
static const struct policy builtin = {
	.global = {
		.key = {
#define KEY_DEFAULT(id, sec, name, app_name, type, def, ...)                   \
	[KEY_##id] = { .value = def },
			POLICY_KEYS(KEY_DEFAULT)
#undef KEY_DEFAULT
		},
	},
};

static const struct setting *get(const struct policy_view *view,
				 enum policy_key key)
{
	const struct policy_app *app = view->app;

	if (app && app->s.key[key].set)
		return &app->s.key[key];
	return &(view->policy ? view->policy : &builtin)->global.key[key];
}

static struct policy_decision decision(enum policy_choice choice,
				       struct policy_origin origin,
				       const char *reason)
{
	return (struct policy_decision){ choice, origin, reason };
}

/* Whether the program is converted at all; if not, *out says why. */
static bool program_active(const struct policy_view *view,
			   struct policy_decision *out)
{
	const struct policy_app *app = view->app;
	const struct setting *mode = get(view, KEY_MODE);

	if (!app && mode->value == POLICY_MODE_LISTED) {
		*out = decision(POLICY_TCP, mode->origin, reason_not_listed);
		return false;
	}
	if (app && app->s.key[KEY_ENABLED].set &&
	    !app->s.key[KEY_ENABLED].value) {
		*out = decision(POLICY_TCP, app->s.key[KEY_ENABLED].origin,
				reason_app_disabled);
		return false;
	}
	return true;
}

/* The most specific setting behind "converted, nothing restricts it". */
static struct policy_origin activation_origin(const struct policy_view *view,
					      const struct setting *role)
{
	const struct policy_app *app = view->app;

	if (role->set)
		return role->origin;
	if (app && app->s.key[KEY_ENABLED].set)
		return app->s.key[KEY_ENABLED].origin;
	if (app)
		return app->origin;
	return get(view, KEY_MODE)->origin;
}

static bool role_rules(const struct policy_view *view, enum policy_role role,
		       struct policy_decision *out)
{
	const struct setting *on =
		get(view, role == POLICY_LISTEN ? KEY_LISTEN : KEY_CONNECT);

	if (!program_active(view, out))
		return false;
	if (!on->value) {
		*out = decision(POLICY_TCP, on->origin,
				role == POLICY_LISTEN ? reason_listen_off
						      : reason_connect_off);
		return false;
	}
	return true;
}

static bool has_destination_rules(const struct policy_view *view)
{
	return get(view, KEY_INCLUDE)->list.count ||
	       get(view, KEY_EXCLUDE)->list.count ||
	       get(view, KEY_PORTS)->list.count;
}

/* The decision for an address no rule mentions (also socket()'s). */
static struct policy_decision
unknown_destination(const struct policy_view *view, enum policy_role role)
{
	const struct setting *include = get(view, KEY_INCLUDE);
	const struct setting *ports = get(view, KEY_PORTS);
	struct policy_decision d;

	if (!role_rules(view, role, &d))
		return d;
	if (include->list.count)
		return decision(POLICY_TCP, include->origin,
				reason_init_include);
	if (ports->list.count)
		return decision(POLICY_TCP, ports->origin, reason_init_ports);
	return decision(POLICY_MPTCP,
			activation_origin(view, get(view, role == POLICY_LISTEN
							      ? KEY_LISTEN
							      : KEY_CONNECT)),
			reason_default);
}

/* The first name with a section wins; looked up in the index, as a
 * policy may list tens of thousands of programs. */
static const struct policy_app *find_app(const struct policy *policy,
					 const char *const *names)
{
	for (size_t n = 0; policy && names && names[n]; n++) {
		long i = name_index_find(&policy->app_index, names[n]);

		if (i >= 0)
			return &policy->apps[i];
	}
	return NULL;
}

void policy_resolve(const struct policy *policy, const char *const *names,
		    struct policy_view *view)
{
	const struct policy_app *app = find_app(policy, names);
	struct policy_decision listen_default, d;
	bool rules;

	*view = (struct policy_view){
		.policy = policy,
		.app = app,
		.app_name = app ? app->name : NULL,
		.app_origin = app ? app->origin
				  : (struct policy_origin){ NULL, 0 },
	};
	view->initial = unknown_destination(view, POLICY_CONNECT);
	rules = has_destination_rules(view);

	view->decide_at_connect = rules &&
				  role_rules(view, POLICY_CONNECT, &d);
	if (role_rules(view, POLICY_LISTEN, &d)) {
		listen_default = unknown_destination(view, POLICY_LISTEN);
		view->decide_at_listen =
			rules || listen_default.choice != view->initial.choice;
	} else {
		view->decide_at_listen = view->initial.choice != POLICY_TCP;
	}

	view->unsupported = (enum policy_unsupported)
		get(view, KEY_UNSUPPORTED)->value;
	view->per_option_unsupported =
		(policy && policy->global.n_opts) || (app && app->s.n_opts);
	view->keepalive = (struct policy_keepalive){
		.enabled = get(view, KEY_KA_ENABLED)->value,
		.all_tcp = get(view, KEY_KA_ALL_TCP)->value,
		.idle = get(view, KEY_KA_IDLE)->value,
		.interval = get(view, KEY_KA_INTERVAL)->value,
		.count = get(view, KEY_KA_COUNT)->value,
	};
	view->log_level = policy && policy->global.key[KEY_LOG].set
				  ? policy->global.key[KEY_LOG].value
				  : -1;
}

struct policy_decision policy_decide(const struct policy_view *view,
				     enum policy_role role,
				     const struct sockaddr *addr,
				     socklen_t addrlen)
{
	const struct setting *include, *ports;
	const struct port_range *port_hit = NULL;
	const struct cidr *hit;
	struct policy_decision d;
	uint8_t family, bytes[16];
	uint16_t port;

	if (!role_rules(view, role, &d))
		return d;
	if (!policy_addr_from_sockaddr(addr, addrlen, &family, bytes, &port))
		return decision(view->initial.choice, view->initial.origin,
				reason_no_address);

	hit = policy_cidr_match(&get(view, KEY_EXCLUDE)->list, family, bytes);
	if (hit)
		return decision(POLICY_TCP, hit->origin, reason_excluded);
	include = get(view, KEY_INCLUDE);
	if (include->list.count) {
		hit = policy_cidr_match(&include->list, family, bytes);
		if (!hit)
			return decision(POLICY_TCP, include->origin,
					reason_not_included);
	}
	ports = get(view, KEY_PORTS);
	if (ports->list.count) {
		port_hit = policy_port_match(&ports->list, port);
		if (!port_hit)
			return decision(POLICY_TCP, ports->origin,
					reason_port);
	}
	if (hit)
		return decision(POLICY_MPTCP, hit->origin, reason_included);
	if (port_hit)
		return decision(POLICY_MPTCP, port_hit->origin,
				reason_port_listed);
	return unknown_destination(view, role);
}

static const struct opt_mode *find_opt(const struct settings *s, int level,
				       int optname)
{
	for (size_t i = 0; i < s->n_opts; i++)
		if (s->opts[i].level == level && s->opts[i].optname == optname)
			return &s->opts[i];
	return NULL;
}

/* Everything in [app:NAME] beats everything in [global]; within each,
 * a per-option mode beats the section's unsupported_option. */
enum policy_unsupported policy_unsupported_for(const struct policy_view *view,
					       int level, int optname)
{
	const struct policy_app *app = view->app;
	const struct opt_mode *m;

	if (!view->per_option_unsupported)
		return view->unsupported;
	if (app) {
		m = find_opt(&app->s, level, optname);
		if (m)
			return m->mode;
		if (app->s.key[KEY_UNSUPPORTED].set)
			return view->unsupported;
	}
	m = view->policy ? find_opt(&view->policy->global, level, optname)
			 : NULL;
	return m ? m->mode : view->unsupported;
}

/* For programs the shim cannot reach per socket (Go makes its own system
 * calls): whether any socket of this role may be MPTCP at all. */
bool policy_role_possible(const struct policy_view *view,
			  enum policy_role role)
{
	struct policy_decision d;

	return role_rules(view, role, &d);
}

bool policy_role_on(const struct policy_view *view, enum policy_role role)
{
	return get(view, role == POLICY_LISTEN ? KEY_LISTEN : KEY_CONNECT)
		->value;
}

bool policy_has_destination_rules(const struct policy_view *view)
{
	return has_destination_rules(view);
}
