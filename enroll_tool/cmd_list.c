/* SPDX-License-Identifier: BSD-2-Clause */
/* list: one row per device, as a table or as JSON.  Records are read
 * without locks: every write is an atomic rename or a checksummed slot,
 * so each read sees a whole record.  A token is listed under the user
 * whose record holds it, and as unassigned when the inventory names
 * nobody or a user whose record does not confirm it (store_token.c). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "enroll.h"
#include "record.h"
#include "verify.h"

struct row {
	const char	*user;
	const char	*device;
	const char	*type;
	const char	*serial;	/* NULL: none */
	const char	*status;
	int64_t		 created, enabled, last_used;
	uint64_t	 ahead;		/* see verify_periods_ahead */
};

struct lister {
	int	json;
	size_t	nrows;
	int64_t	now;		/* for verify_periods_ahead */
	unsigned window;
};

static void
iso8601(int64_t t, char buf[32])
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (t <= 0 || gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		memcpy(buf, "-", 2);
}

/* Valid UTF-8 is kept; control characters and invalid bytes are
 * escaped, so the output is always valid JSON. */
static size_t
utf8_len(const unsigned char *s)
{
	size_t n, i;

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

static void
json_string(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

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
	char buf[32];

	iso8601(t, buf);
	json_string(t > 0 ? buf : NULL);
}

static void
print_row(struct lister *l, const struct row *r)
{
	char c[32], e[32], u[32], st[32];

	if (!l->json) {
		iso8601(r->created, c);
		iso8601(r->enabled, e);
		iso8601(r->last_used, u);
		/* Every code is refused as used until then: resync fixes. */
		snprintf(st, sizeof(st), "%s%s", r->status,
		    r->ahead ? "+future" : "");
		printf("%-16s %-16s %-8s %-16s %-10s %-20s %-20s %s\n",
		    r->user, r->device, r->type, r->serial ? r->serial : "-",
		    st, c, e, u);
		l->nrows++;
		return;
	}
	printf("%s\n  {\"user\": ", l->nrows++ ? "," : "");
	json_string(r->user);
	fputs(", \"device\": ", stdout);
	json_string(r->device);
	printf(", \"type\": \"%s\", \"serial\": ", r->type);
	json_string(r->serial);
	printf(", \"status\": \"%s\", \"created\": ", r->status);
	json_time(r->created);
	fputs(", \"enabled\": ", stdout);
	json_time(r->enabled);
	fputs(", \"last_used\": ", stdout);
	json_time(r->last_used);
	printf(", \"last_used_periods_ahead\": %llu}",
	    (unsigned long long)r->ahead);
}

static void
print_record(struct lister *l, const struct mfa_record *rec)
{
	const struct mfa_device *d;
	struct row r;
	unsigned i;

	for (i = 0; i < rec->ndevices; i++) {
		d = &rec->dev[i];
		r.user = rec->user;
		r.device = d->name;
		r.type = d->type == DEVICE_HARDWARE ? "hardware" : "virtual";
		r.serial = d->type == DEVICE_HARDWARE ? d->serial : NULL;
		r.status = d->status == DEVICE_ACTIVE ? "active" : "pending";
		r.created = d->created;
		r.enabled = d->enabled;
		r.last_used = d->last_used;
		r.ahead = d->status == DEVICE_ACTIVE ?
		    verify_periods_ahead(d, l->now, l->window) : 0;
		print_row(l, &r);
	}
}

static int
list_user(struct ctx *c, struct lister *l, const char *user,
    struct mfa_record *rec)
{
	char err[STORE_ERRLEN];
	int r;

	r = store_load(&c->st, user, rec, err, sizeof(err));
	if (r == STORE_NOENT)
		return 0;
	if (r != STORE_OK) {
		warnx_("%s", err);
		return -1;
	}
	print_record(l, rec);
	record_wipe(rec);
	return 0;
}

static int
list_unassigned(struct ctx *c, struct lister *l)
{
	struct inventory inv;
	char err[STORE_ERRLEN];
	struct row r;
	size_t i;
	int held = 0, ret = 0, s;

	inventory_init(&inv);
	s = store_load_inventory(&c->st, &inv, err, sizeof(err));
	if (s != STORE_OK && s != STORE_NOENT) {
		warnx_("%s", err);
		ret = -1;
	}
	memset(&r, 0, sizeof(r));
	r.user = "-";
	r.type = "hardware";
	r.status = "unassigned";
	for (i = 0; s == STORE_OK && i < inv.n; i++) {
		if (store_token_held(&c->st, &inv.tok[i], &held, err,
		    sizeof(err)) != STORE_OK) {
			/* Neither listed as free nor under anyone. */
			warnx_("%s", err);
			ret = -1;
			continue;
		}
		if (held)
			continue;
		r.device = inv.tok[i].serial;
		r.serial = inv.tok[i].serial;
		print_row(l, &r);
	}
	inventory_free(&inv);
	return ret;
}

static int
list_all(struct ctx *c, struct lister *l, struct mfa_record *rec)
{
	char err[STORE_ERRLEN], **users;
	size_t n, i;
	int ret = 0;

	if (store_list_users(&c->st, &users, &n, err, sizeof(err)) != STORE_OK) {
		warnx_("%s", err);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (list_user(c, l, users[i], rec) == -1)
			ret = -1;
	store_free_users(users, n);
	if (list_unassigned(c, l) == -1)
		ret = -1;
	return ret;
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
	struct lister l;
	struct mfa_record *rec;
	int ch, r;

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
	l.now = (int64_t)time(NULL);
	l.window = c->cfg.window;
	if ((rec = calloc(1, sizeof(*rec))) == NULL) {
		warnx_("out of memory");
		return EXIT_FAIL;
	}
	if (l.json)
		putchar('[');
	else
		printf("%-16s %-16s %-8s %-16s %-10s %-20s %-20s %s\n", "USER",
		    "DEVICE", "TYPE", "SERIAL", "STATUS", "CREATED",
		    "ENABLED", "LAST-USED");
	if (optind < argc)
		r = list_user(c, &l, argv[optind], rec);
	else
		r = list_all(c, &l, rec);
	if (l.json)
		printf("%s]\n", l.nrows ? "\n" : "");
	record_wipe(rec);
	free(rec);
	return r == 0 ? 0 : EXIT_FAIL;
}
