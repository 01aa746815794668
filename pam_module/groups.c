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

static int
user_primary_gid(const char *user, gid_t *gid)
{
	struct passwd	 pw, *res = NULL;
	char		*buf = NULL, *nbuf;
	size_t		 len = 1024;
	int		 e, rc = -1;

	for (;;) {
		if ((nbuf = realloc(buf, len)) == NULL)
			break;
		buf = nbuf;
		e = getpwnam_r(user, &pw, buf, len, &res);
		if (e == ERANGE && len < (1 << 20)) {
			len *= 2;
			continue;
		}
		if (e == 0 && res == NULL)
			rc = 0;		/* no such user */
		else if (e == 0) {
			*gid = pw.pw_gid;
			rc = 1;
		}
		break;
	}
	free(buf);
	return rc;
}

int
groups_canonical_user(const char *user, char **canon)
{
	struct passwd	 pw, *res = NULL;
	char		*buf = NULL, *nbuf;
	size_t		 len = 1024;
	int		 e, rc = -1;

	*canon = NULL;
	for (;;) {
		if ((nbuf = realloc(buf, len)) == NULL)
			break;
		buf = nbuf;
		e = getpwnam_r(user, &pw, buf, len, &res);
		if (e == ERANGE && len < (1 << 20)) {
			len *= 2;
			continue;
		}
		/* getpwnam_r(3): some backends say "no such user" so. */
		if ((e == 0 && res == NULL) || e == ENOENT || e == ESRCH)
			rc = 1;
		else if (e == 0 && pw.pw_name != NULL &&
		    (*canon = strdup(pw.pw_name)) != NULL)
			rc = 0;
		break;
	}
	free(buf);
	return rc;
}

int
groups_required(const struct awsmfa_config *cfg, const char *user)
{
	gid_t	 gid, *gids = NULL, *ngids;
	int	 n = 64, had, i, r, rc = 0;

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
