/* SPDX-License-Identifier: BSD-2-Clause */
/* report: each account of a group (or of the store) and its state, as a
 * table or as JSON; lib/report.c decides the state. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "enroll.h"
#include "report.h"

static void
print_entry(const struct report_entry *e, int json, size_t i)
{
	char	used[32], exp[32];

	iso8601(e->last_used, used);
	iso8601(e->expires, exp);
	if (!json) {
		printf("%-16s %-8s %7u %-20s %s\n", e->user, report_state(e),
		    e->active, used, exp);
		return;
	}
	printf("%s\n  {\"user\": ", i ? "," : "");
	json_string(e->user);
	printf(", \"state\": \"%s\", \"active_devices\": %u, "
	    "\"last_used\": ", report_state(e), e->active);
	json_string(e->last_used > 0 ? used : NULL);
	fputs(", \"invitation_expires\": ", stdout);
	json_string(e->expires > 0 ? exp : NULL);
	putchar('}');
}

static int
collect_group(struct ctx *c, const char *group, struct report_entry **all,
    size_t *nall)
{
	struct report_entry	*e, *na;
	char			 err[MFA_ERRLEN], **names;
	size_t			 n, i, ne;
	int			 rc = 0;

	if (report_group_members(group, &names, &n, err, sizeof(err)) !=
	    MFA_OK) {
		warnx_("%s", err);
		return EXIT_FAIL;
	}
	if ((*all = calloc(n + 1, sizeof(**all))) == NULL) {
		report_free_names(names, n);
		warnx_("out of memory");
		return EXIT_FAIL;
	}
	for (i = 0; i < n; i++) {
		if (report_collect(&c->be, names[i], (int64_t)time(NULL), &e,
		    &ne, err, sizeof(err)) != MFA_OK) {
			warnx_("%s: %s", names[i], err);
			rc = EXIT_FAIL;
			continue;
		}
		na = *all;
		if (ne == 1)
			na[(*nall)++] = e[0];
		free(e);
	}
	report_free_names(names, n);
	return rc;
}

int
cmd_report(struct ctx *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "group", required_argument, NULL, 'g' },
		{ "json", no_argument, NULL, 'j' },
		{ "conf", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct report_entry	*e = NULL;
	const char		*group = NULL;
	char			 err[MFA_ERRLEN];
	size_t			 n = 0, i;
	int			 ch, json = 0, rc = 0;

	while ((ch = verb_getopt(c, argc, argv, "h", opts)) != -1) {
		if (ch == 'g')
			group = optarg;
		else if (ch == 'j')
			json = 1;
	}
	if (optind != argc)
		usage_error("report: unexpected argument %s (see 'report "
		    "--help')", argv[optind]);
	ctx_open(c, 0);
	if (group != NULL)
		rc = collect_group(c, group, &e, &n);
	else if (report_collect(&c->be, NULL, (int64_t)time(NULL), &e, &n,
	    err, sizeof(err)) != MFA_OK) {
		warnx_("%s", err);
		return EXIT_FAIL;
	}
	if (json)
		putchar('[');
	else
		printf("%-16s %-8s %7s %-20s %s\n", "USER", "STATE", "ACTIVE",
		    "LAST-USED", "INVITATION-EXPIRES");
	for (i = 0; i < n; i++)
		print_entry(&e[i], json, i);
	if (json)
		printf("%s]\n", n ? "\n" : "");
	free(e);
	return rc;
}
