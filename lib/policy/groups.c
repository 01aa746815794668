/* SPDX-License-Identifier: BSD-2-Clause */
/* Group membership through NSS, for require_groups. */
#include <sys/types.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "groups.h"

#define GROUPS_MAX	65536

/* 1 in a required group, 0 not, -1 lookup failure. */
static int
gid_required(const struct awsmfa_config *cfg, gid_t gid)
{
	struct group	 gr, *res = NULL;
	char		*buf = NULL, *nbuf;
	size_t		 len = 1024;
	int		 e, rc = -1;

	for (;;) {
		if ((nbuf = realloc(buf, len)) == NULL)
			break;
		buf = nbuf;
		e = getgrgid_r(gid, &gr, buf, len, &res);
		if (e == ERANGE && len < (1 << 20)) {
			len *= 2;
			continue;
		}
		if (e == 0)
			rc = res != NULL && config_requires_group(cfg,
			    res->gr_name) ? 1 : 0;
		break;
	}
	free(buf);
	return rc;
}

/* getpwnam_r with a buffer that grows until the entry fits: 1 found (*buf
 * holds its strings; the caller frees it), 0 no such entry, -1 with the
 * error in *e. */
static int
find_user(const char *user, struct passwd *pw, char **buf, int *e)
{
	struct passwd	*res = NULL;
	char		*nbuf;
	size_t		 len = 1024;

	*buf = NULL;
	for (;;) {
		if ((nbuf = realloc(*buf, len)) == NULL) {
			*e = ENOMEM;
			return -1;
		}
		*buf = nbuf;
		*e = getpwnam_r(user, pw, *buf, len, &res);
		if (*e == ERANGE && len < (1 << 20)) {
			len *= 2;
			continue;
		}
		if (*e != 0)
			return -1;
		return res != NULL ? 1 : 0;
	}
}

/* An error from a backend fails closed here: require_groups then holds. */
static int
user_primary_gid(const char *user, gid_t *gid)
{
	struct passwd	 pw;
	char		*buf;
	int		 e, r;

	if ((r = find_user(user, &pw, &buf, &e)) == 1)
		*gid = pw.pw_gid;
	free(buf);
	return r;
}

int
groups_canonical_user(const char *user, char **canon)
{
	struct passwd	 pw;
	char		*buf;
	int		 e, r, rc = -1;

	*canon = NULL;
	r = find_user(user, &pw, &buf, &e);
	/* getpwnam_r(3): some backends say "no such user" so.  The name as
	 * typed is kept then, which finds no record either way. */
	if (r == 0 || (r == -1 && (e == ENOENT || e == ESRCH)))
		rc = 1;
	else if (r == 1 && pw.pw_name != NULL &&
	    (*canon = strdup(pw.pw_name)) != NULL)
		rc = 0;
	free(buf);
	return rc;
}

int
groups_user_known(const char *user)
{
	char	*canon;
	int	 r;

	r = groups_canonical_user(user, &canon);
	free(canon);
	return r == -1 ? -1 : r == 0;
}

int
groups_required(const struct awsmfa_config *cfg, const char *user)
{
	gid_t	gid = 0, *gids = NULL, *ngids;
	int	n = 64, had, i, r, rc = 0;

	if (cfg->ngroups == 0)
		return 0;
	if ((r = user_primary_gid(user, &gid)) <= 0)
		return r < 0 ? 1 : 0;
	for (;;) {
		if ((ngids = realloc(gids, (size_t)n * sizeof(*gids))) ==
		    NULL) {
			free(gids);
			return 1;
		}
		gids = ngids;
		had = n;
		if (getgrouplist(user, gid, gids, &n) >= 0)
			break;
		if (n <= had)
			n = had * 2;
		if (n > GROUPS_MAX) {
			free(gids);
			return 1;
		}
	}
	for (i = 0; i < n && rc == 0; i++) {
		r = gid_required(cfg, gids[i]);
		rc = r != 0;	/* a failed lookup counts as required */
	}
	free(gids);
	return rc;
}
