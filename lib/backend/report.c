/* SPDX-License-Identifier: BSD-2-Clause */
/* report and invite --group: which accounts have what.  Built on the
 * store's list rows, so both stores give the same report. */
#include <sys/types.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mfaerr.h"
#include "report.h"

#define NSS_BUF_MAX	(1 << 20)

struct fold {
	struct report_entry	*e;
	size_t			 n, cap;
	int			 nomem;
};

const char *
report_state(const struct report_entry *e)
{
	if (e->active > 0)
		return "active";
	if (e->expires != 0 && e->live)
		return "invited";
	if (e->pending > 0)
		return "pending";
	if (e->expires != 0)
		return "expired";
	return "none";
}

int
report_wants_invite(const struct report_entry *e)
{
	return e->active == 0 && !(e->expires != 0 && e->live);
}

static struct report_entry *
entry_for(struct fold *f, const char *user)
{
	struct report_entry	*ne;
	size_t			 i;

	/* A store may give a user's invitation apart from their devices. */
	for (i = f->n; i > 0; i--)
		if (strcmp(f->e[i - 1].user, user) == 0)
			return &f->e[i - 1];
	if (f->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 16;
		if ((ne = reallocarray(f->e, f->cap, sizeof(*ne))) == NULL) {
			f->nomem = 1;
			return NULL;
		}
		f->e = ne;
	}
	memset(&f->e[f->n], 0, sizeof(f->e[0]));
	snprintf(f->e[f->n].user, sizeof(f->e[0].user), "%s", user);
	return &f->e[f->n++];
}

static void
fold_row(void *arg, const struct backend_row *r)
{
	struct fold		*f = arg;
	struct report_entry	*e;

	if (r->user == NULL || (e = entry_for(f, r->user)) == NULL)
		return;
	if (r->device == NULL) {
		e->expires = r->expires;
		e->live = strcmp(r->status, "invited") == 0;
	} else if (strcmp(r->status, "active") == 0) {
		e->active++;
		if (r->last_used > e->last_used)
			e->last_used = r->last_used;
	} else
		e->pending++;
}

static int
by_user(const void *a, const void *b)
{
	return strcmp(((const struct report_entry *)a)->user,
	    ((const struct report_entry *)b)->user);
}

int
report_collect(struct backend *b, const char *user, int64_t now,
    struct report_entry **out, size_t *n, char *err, size_t errlen)
{
	struct fold	f;
	int		r;

	memset(&f, 0, sizeof(f));
	r = backend_list(b, user, now, fold_row, &f, err, errlen);
	if (r == 0 && user != NULL && f.n == 0)
		(void)entry_for(&f, user);
	if (f.nomem)
		r = mfa_fail(err, errlen, MFA_ERR_NOMEM, "out of memory");
	if (r != 0) {
		free(f.e);
		return r < 0 ? r : MFA_ERR_IO;
	}
	if (f.n > 1)
		qsort(f.e, f.n, sizeof(f.e[0]), by_user);
	*out = f.e;
	*n = f.n;
	return MFA_OK;
}

void
report_free_names(char **names, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int
add_name(char ***names, size_t *n, const char *name)
{
	char	**nn;

	if ((nn = reallocarray(*names, *n + 1, sizeof(*nn))) == NULL)
		return -1;
	*names = nn;
	if ((nn[*n] = strdup(name)) == NULL)
		return -1;
	(*n)++;
	return 0;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Explicit members under their canonical names (a member NSS does not
 * know as a user has no account to log in to), then every account whose
 * primary group it is. */
static int
collect(const struct group *gr, char ***names, size_t *n)
{
	struct passwd	*pw;
	size_t		 i;
	int		 rc = 0;

	for (i = 0; gr->gr_mem[i] != NULL && rc == 0; i++) {
		errno = 0;
		if ((pw = getpwnam(gr->gr_mem[i])) != NULL)
			rc = add_name(names, n, pw->pw_name);
	}
	setpwent();
	while (rc == 0 && (pw = getpwent()) != NULL)
		if (pw->pw_gid == gr->gr_gid)
			rc = add_name(names, n, pw->pw_name);
	endpwent();
	return rc;
}

int
report_group_members(const char *group, char ***names, size_t *n,
    char *err, size_t errlen)
{
	struct group	 gr, *res = NULL;
	char		*buf = NULL, *nb;
	size_t		 len = 4096, i, o;
	int		 e;

	*names = NULL;
	*n = 0;
	for (;;) {
		if ((nb = realloc(buf, len)) == NULL) {
			free(buf);
			return mfa_fail(err, errlen, MFA_ERR_NOMEM,
			    "out of memory");
		}
		buf = nb;
		e = getgrnam_r(group, &gr, buf, len, &res);
		if (e != ERANGE || len >= NSS_BUF_MAX)
			break;
		len *= 2;
	}
	if (e != 0 || res == NULL) {
		free(buf);
		if (e != 0)
			return mfa_fail(err, errlen, MFA_ERR_IO, "cannot look "
			    "up group %s: %s", group, strerror(e));
		return mfa_fail(err, errlen, MFA_ERR_NOENT, "no such group: "
		    "%s", group);
	}
	e = collect(&gr, names, n);
	free(buf);
	if (e != 0) {
		report_free_names(*names, *n);
		*names = NULL;
		*n = 0;
		return mfa_fail(err, errlen, MFA_ERR_NOMEM, "out of memory");
	}
	if (*n > 1)
		qsort(*names, *n, sizeof(**names), by_name);
	for (i = 1, o = 1; i < *n; i++) {
		if (strcmp((*names)[i], (*names)[o - 1]) == 0)
			free((*names)[i]);
		else
			(*names)[o++] = (*names)[i];
	}
	if (*n > 0)
		*n = o;
	return MFA_OK;
}
