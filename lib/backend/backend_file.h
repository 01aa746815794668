/* SPDX-License-Identifier: BSD-2-Clause */
/* Inside lib/backend_file*.c: the file store's list and check, which read
 * the whole store (backend_file_list.c). */
#ifndef AWSMFA_BACKEND_FILE_H
#define AWSMFA_BACKEND_FILE_H

#include "backend_admin.h"

int	backend_file_list(struct backend *b, const char *user, int64_t now,
	    backend_row_fn *fn, void *arg, char *err, size_t errlen);
unsigned backend_file_check(struct backend *b, backend_problem_fn *fn,
	    void *arg);

#endif
