// SPDX-License-Identifier: BSD-3-Clause
/* `mptcpshim policy show [-c FILE] [--json] [PROGRAM]`. */
#include <stdio.h>

#include "cli.h"
#include "policy_show.h"
#include "policy_verbs.h"

int policy_show_cmd(int argc, char **argv)
{
	const char *config = NULL;
	bool json = false;
	struct policy *policy;
	int rc = policy_parse_options(argc, argv, "policy show", &config, &json,
				      NULL);

	if (rc >= 0)
		return rc;
	if (argc - optind > 1) {
		cli_error("policy", "show: expected at most one PROGRAM");
		return CLI_USAGE;
	}
	policy = policy_load_for(optind < argc ? argv[optind] : NULL, config,
				 "policy");
	if (!policy)
		return CLI_USAGE;
	policy_show(policy, stdout, json);
	policy_free(policy);
	return CLI_OK;
}
