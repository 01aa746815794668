/* SPDX-License-Identifier: BSD-2-Clause */
/* A private store under /tmp for each store test (cmocka setup and
 * teardown), shared by test_store and test_store_rw.  Runs as root: the
 * store's ownership checks want root:root files; as another user the
 * tests are skipped. */
#ifndef AWSMFA_TEST_STORE_FIXTURE_H
#define AWSMFA_TEST_STORE_FIXTURE_H

#include <stddef.h>
#include "store.h"

struct fixture {
	char		 top[64];	/* private, 0700, under /tmp */
	char		 dir[128];	/* the store: top/store */
	struct store	 st;
	char		 err[MFA_ERRLEN];
};

int	store_fixture_setup(void **state);
int	store_fixture_teardown(void **state);
/* The path of name in the store. */
void	path_of(const struct fixture *fx, const char *name, char *out,
	    size_t size);
/* Temp files (".tmp.*") left in the store. */
int	count_temps(const struct fixture *fx);

#endif
