/* SPDX-License-Identifier: BSD-2-Clause */
/* list: one row per device, as a table or as JSON; the rows come from
 * the store (lib/backend.h), whichever engine keeps it. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "enroll.h"
#include "record.h"

struct lister {
	int	json;
	size_t	nrows;
};

void
iso8601(int64_t t, char buf[32])
{
	struct tm	tm;
	time_t		tt = (time_t)t;

	if (t <= 0 || gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		memcpy(buf, "-", 2);
}

/* Valid UTF-8 is kept; control characters and invalid bytes are
 * escaped, so the output is always valid JSON. */
static size_t
utf8_len(const unsigned char *s)
{
	size_t	n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f))
		return 0;
	return n;
}

void
json_string(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n;

	if (s == NULL) {
		fputs("null", stdout);
		return;
	}
	putchar('"');
	while (*p != '\0') {
		if (*p == '"' || *p == '\\') {
			printf("\\%c", *p++);
		} else if (*p < 0x20 || *p == 0x7f) {
			printf("\\u%04x", *p++);
		} else if ((n = utf8_len(p)) == 0) {
			fputs("\\ufffd", stdout);
			p++;
		} else {
			(void)fwrite(p, 1, n, stdout);
			p += n;
		}
	}
	putchar('"');
}

static void
json_time(int64_t t)
{
	char	buf[32];

	iso8601(t, buf);
	json_string(t > 0 ? buf : NULL);
}

/* A user's invitation: no device, its expiry where the others have
 * their last use. */
static void
print_invitation(struct lister *l, const struct backend_row *r)
{
	char	e[32];

	iso8601(r->expires, e);
	if (!l->json) {
		printf("%-16s %-16s %-8s %-16s %-10s %-20s %-20s %-20s %s\n",
		    r->user, "-", "-", "-", r->status, "-", "-", e, "-");
		l->nrows++;
		return;
	}
	printf("%s\n  {\"user\": ", l->nrows++ ? "," : "");
	json_string(r->user);
	printf(", \"device\": null, \"type\": null, \"serial\": null, "
	    "\"status\": \"%s\", \"created\": null, \"enabled\": null, "
	    "\"last_used\": null, \"last_used_periods_ahead\": 0, "
	    "\"otp\": null, \"period\": null, \"counter\": null, "
	    "\"expires\": ", r->status);
	json_time(r->expires);
	putchar('}');
}

/* "totp/30s", or "hotp" (a counter has no period); the counter is
 * --json's. */
static void
otp_column(const struct backend_row *r, char *buf, size_t len)
{
	if (r->kind == OTP_HOTP)
		snprintf(buf, len, "hotp");
	else
		snprintf(buf, len, "totp/%us", r->period);
}

static void
print_row(void *arg, const struct backend_row *r)
{
	struct lister	*l = arg;
	char		 c[32], e[32], u[32], st[32], otp[24];
	const char	*type = r->hardware ? "hardware" : "virtual";

	if (r->device == NULL) {
		print_invitation(l, r);
		return;
	}
	if (!l->json) {
		iso8601(r->created, c);
		iso8601(r->enabled, e);
		iso8601(r->last_used, u);
		/* Every code is refused as used until then: resync fixes. */
		snprintf(st, sizeof(st), "%s%s", r->status,
		    r->ahead ? "+future" : "");
		otp_column(r, otp, sizeof(otp));
		printf("%-16s %-16s %-8s %-16s %-10s %-20s %-20s %-20s %s\n",
		    r->user != NULL ? r->user : "-", r->device, type,
		    r->serial ? r->serial : "-", st, c, e, u, otp);
		l->nrows++;
		return;
	}
	printf("%s\n  {\"user\": ", l->nrows++ ? "," : "");
	json_string(r->user != NULL ? r->user : "-");
	fputs(", \"device\": ", stdout);
	json_string(r->device);
	printf(", \"type\": \"%s\", \"serial\": ", type);
	json_string(r->serial);
	printf(", \"status\": \"%s\", \"created\": ", r->status);
	json_time(r->created);
	fputs(", \"enabled\": ", stdout);
	json_time(r->enabled);
	fputs(", \"last_used\": ", stdout);
	json_time(r->last_used);
	printf(", \"last_used_periods_ahead\": %llu",
	    (unsigned long long)r->ahead);
	if (r->kind == OTP_HOTP)
		printf(", \"otp\": \"hotp\", \"period\": null, "
		    "\"counter\": %llu}", (unsigned long long)r->counter);
	else
		printf(", \"otp\": \"totp\", \"period\": %u, "
		    "\"counter\": null}", r->period);
}

int
cmd_list(struct ctx *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "conf", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct lister	l;
	char		err[MFA_ERRLEN];
	int		ch, r;

	memset(&l, 0, sizeof(l));
	while ((ch = verb_getopt(c, argc, argv, "h", opts)) != -1)
		if (ch == 'j')
			l.json = 1;
	if (argc - optind > 1)
		usage_error("list: expected at most one USER (see "
		    "'list --help')");
	if (optind < argc && !record_username_ok(argv[optind]))
		usage_error("list: invalid user name");
	ctx_open(c, 0);
	if (l.json)
		putchar('[');
	else
		printf("%-16s %-16s %-8s %-16s %-10s %-20s %-20s %-20s %s\n",
		    "USER", "DEVICE", "TYPE", "SERIAL", "STATUS", "CREATED",
		    "ENABLED", "LAST-USED", "OTP");
	r = backend_list(&c->be, optind < argc ? argv[optind] : NULL,
	    (int64_t)time(NULL), print_row, &l, err, sizeof(err));
	if (l.json)
		printf("%s]\n", l.nrows ? "\n" : "");
	if (r != 0) {
		fflush(stdout);
		warnx_("%s", err);
	}
	return r == 0 ? 0 : EXIT_FAIL;
}
