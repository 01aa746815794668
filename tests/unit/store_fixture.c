/* SPDX-License-Identifier: BSD-2-Clause */
/* See store_fixture.h. */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store_fixture.h"

static int
rm_entry(const char *path, const struct stat *sb, int type, struct FTW *f)
{
	(void)sb;
	(void)type;
	(void)f;
	return remove(path);
}

int
store_fixture_setup(void **state)
{
	struct fixture	*fx;

	if (geteuid() != 0)
		skip();
	fx = calloc(1, sizeof(*fx));
	if (fx == NULL)
		return -1;
	*state = fx;
	snprintf(fx->top, sizeof(fx->top), "/tmp/awsmfa-store-XXXXXX");
	if (mkdtemp(fx->top) == NULL) {
		fx->top[0] = '\0';
		return -1;
	}
	snprintf(fx->dir, sizeof(fx->dir), "%s/store", fx->top);
	if (store_create(&fx->st, fx->dir, fx->err, sizeof(fx->err)) !=
	    MFA_OK) {
		fprintf(stderr, "# %s\n", fx->err);
		return -1;
	}
	return 0;
}

int
store_fixture_teardown(void **state)
{
	struct fixture	*fx = *state;

	if (fx == NULL)
		return 0;
	store_close(&fx->st);
	if (fx->top[0] != '\0')
		nftw(fx->top, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(fx);
	return 0;
}

void
path_of(const struct fixture *fx, const char *name, char *out, size_t size)
{
	snprintf(out, size, "%s/%s", fx->dir, name);
}

int
count_temps(const struct fixture *fx)
{
	DIR		*d;
	struct dirent	*de;
	int		 n = 0;

	d = opendir(fx->dir);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, ".tmp.", 5) == 0)
			n++;
	}
	closedir(d);
	return n;
}
