/* SPDX-License-Identifier: BSD-2-Clause */
/* The hint after a refused code: only what helps the person at the
 * prompt to get in, never why a guess was wrong. */
#include <stdio.h>
#include <time.h>

#include "hint.h"

#define HINT_REUSED	"This code was already used; wait for the next one."
#define HINT_LOCKED	"Account temporarily locked"

/* "until HH:MM" in the login host's local time; the lock is at most a day
 * long (lockout_seconds), so the hour and minute say when. */
static int
locked_until(int64_t until, char *buf, size_t len)
{
	char		hhmm[8];
	struct tm	tm;
	time_t		t = (time_t)until;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(hhmm, sizeof(hhmm), "%H:%M", &tm) == 0)
		snprintf(buf, len, "%s; try again later.", HINT_LOCKED);
	else
		snprintf(buf, len, "%s until %s.", HINT_LOCKED, hhmm);
	return 1;
}

int
login_hint(const struct verify_outcome *o, int64_t now, char *buf,
    size_t len)
{
	if (len > 0)
		buf[0] = '\0';
	switch (o->result) {
	case VERIFY_REUSED:
		snprintf(buf, len, "%s", HINT_REUSED);
		return 1;
	case VERIFY_LOCKED:
		/* The database keeps the time of its lock to itself. */
		if (o->locked_until <= now) {
			snprintf(buf, len, "%s; try again later.",
			    HINT_LOCKED);
			return 1;
		}
		return locked_until(o->locked_until, buf, len);
	case VERIFY_BAD:
		/* This refusal was the one that locked. */
		if (o->locked_until > now)
			return locked_until(o->locked_until, buf, len);
		return 0;
	default:
		return 0;
	}
}
