/* SPDX-License-Identifier: BSD-2-Clause */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mfaerr.h"
#include "readall.h"
#include "wipe.h"

/* Doubles the buffer up to max + 1 bytes (the +1 shows an input over
 * max, and holds the NUL). */
static int
grow(char **buf, size_t *cap, size_t max)
{
	size_t	 ncap;
	char	*p;

	ncap = *cap == 0 ? 4096 : *cap * 2;
	if (ncap > max + 1)
		ncap = max + 1;
	if ((p = malloc(ncap)) == NULL)
		return MFA_ERR_NOMEM;
	if (*buf != NULL) {
		memcpy(p, *buf, *cap);
		wipe_free(*buf, *cap);
	}
	*buf = p;
	*cap = ncap;
	return MFA_OK;
}

int
read_all(int fd, size_t max, char **out, size_t *len)
{
	char	*buf = NULL;
	size_t	 cap = 0, n = 0;
	ssize_t	 r;
	int	 rc, saved;

	/* max + 1 must not wrap: no input comes near it anyway. */
	if (max >= SIZE_MAX / 2)
		max = SIZE_MAX / 2;
	for (;;) {
		if (n == cap) {
			/* cap reaches max + 1 only: full means too big. */
			rc = n > max ? MFA_ERR_TOOBIG : grow(&buf, &cap, max);
			if (rc != MFA_OK)
				goto fail;
		}
		r = read(fd, buf + n, cap - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			rc = MFA_ERR_IO;
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return MFA_OK;
 fail:
	saved = errno;
	wipe_free(buf, cap);
	errno = saved;
	return rc;
}
