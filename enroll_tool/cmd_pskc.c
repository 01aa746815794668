/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * import-tokens for a PSKC file: the key or password from a file (never
 * the command line, where ps and the shell's history would show it),
 * lib/pskc_import.c for the tokens, and the one import call of both
 * stores.  The bad key package is named as lib/ names it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "enroll.h"
#include "pskc_import.h"
#include "readall.h"
#include "wipe.h"

#define KEYFILE_MAX	4096

struct pskc_lines {
	const char	 *path;
	char		**where;	/* CSV line i + 1 is key package where[i] */
	size_t		  n, nwhere;
};

/* The whole of a small regular file, or NULL after one line on stderr;
 * the caller wipes it. */
static char *
read_secret_file(const char *path, size_t *len)
{
	struct stat	 sb;
	char		*buf = NULL;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		warnx_("%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode))
		warnx_("%s: not a regular file", path);
	else if (read_all(fd, KEYFILE_MAX, &buf, len) != MFA_OK)
		warnx_("%s: cannot read it, or larger than %d bytes", path,
		    KEYFILE_MAX);
	close(fd);
	return buf;
}

/* The password is the file's first line, without its newline. */
static int
load_keys(const char *pskfile, const char *pwfile, struct pskc_keys *k,
    char **pw, size_t *pwcap)
{
	char	*buf;
	size_t	 len;
	int	 ok;

	memset(k, 0, sizeof(*k));
	*pw = NULL;
	if (pskfile != NULL) {
		if ((buf = read_secret_file(pskfile, &len)) == NULL)
			return -1;
		ok = pskc_psk_parse(buf, len, k) == 0;
		wipe_free(buf, len + 1);
		if (!ok)
			warnx_("%s: not an AES key (32, 48 or 64 hex digits)",
			    pskfile);
		return ok ? 0 : -1;
	}
	if (pwfile != NULL) {
		if ((buf = read_secret_file(pwfile, &len)) == NULL)
			return -1;
		*pw = buf;
		*pwcap = len + 1;
		buf[strcspn(buf, "\r\n")] = '\0';
		k->password = buf;
		k->password_len = strlen(buf);
	}
	return 0;
}

static void
report_package(void *arg, size_t lineno, const char *reason)
{
	struct pskc_lines	*l = arg;

	l->n++;
	if (lineno >= 1 && lineno <= l->nwhere)
		warnx_("%s: %s: %s", l->path, l->where[lineno - 1], reason);
	else
		warnx_("%s: %s", l->path, reason);
}

static int
import_list(struct ctx *c, const struct inventory *inv,
    struct pskc_lines *l, size_t *count)
{
	char	err[MFA_ERRLEN], *csv;
	size_t	len;
	int	r;

	if (pskc_tokens_csv(inv, &csv, &len) != MFA_OK) {	/* memory */
		warnx_("out of memory");
		return -1;
	}
	r = backend_import_tokens(&c->be, csv, len, count, report_package, l,
	    err, sizeof(err));
	wipe_free(csv, len + 1);
	if (r != MFA_OK && l->n == 0)
		warnx_("%s: %s", l->path, err);
	return r == MFA_OK ? 0 : -1;
}

int
import_pskc(struct ctx *c, const char *path, const char *xml, size_t len,
    const char *pskfile, const char *pwfile, size_t *count)
{
	struct pskc_keys	k;
	struct pskc_lines	l;
	struct inventory	inv;
	char			err[MFA_ERRLEN], *pw = NULL;
	size_t			pwcap = 0, i;
	int			r = -1;

	*count = 0;
	memset(&l, 0, sizeof(l));
	l.path = path;
	inventory_init(&inv);
	if (load_keys(pskfile, pwfile, &k, &pw, &pwcap) == -1)
		goto out;
	if (pskc_parse_tokens(xml, len, &k, &inv, &l.where, err,
	    sizeof(err)) != MFA_OK) {
		warnx_("%s: %s", path, err);
		goto out;
	}
	l.nwhere = inv.n;
	r = import_list(c, &inv, &l, count);
 out:
	OPENSSL_cleanse(&k, sizeof(k));
	if (pw != NULL)
		wipe_free(pw, pwcap);
	for (i = 0; l.where != NULL && i < l.nwhere; i++)
		free(l.where[i]);
	free(l.where);
	inventory_free(&inv);
	return r;
}
