/* SPDX-License-Identifier: BSD-2-Clause */
/* One audit line per event.  Every value that can come from outside (user
 * names, remote hosts, tty names) is quoted and escaped so that a crafted
 * value can neither forge a field nor start a new log line. */
#include <stdio.h>
#include <string.h>

#include "audit.h"

struct sink {
	char	*buf;
	size_t	 len;
	size_t	 size;
	int	 full;
};

/* Appends whole units only: a truncated line never ends in half an escape
 * sequence. */
static void
put(struct sink *s, const char *p, size_t n)
{
	if (s->full)
		return;
	if (n >= s->size - s->len) {
		s->full = 1;
		return;
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	s->buf[s->len] = '\0';
}

static void
put_escaped_char(struct sink *s, unsigned char c)
{
	char	esc[5];

	if (c == '"' || c == '\\') {
		esc[0] = '\\';
		esc[1] = (char)c;
		put(s, esc, 2);
	} else if (c < 0x20 || c >= 0x7f) {
		/* Control characters, DEL and every non-ASCII byte (C1
		 * controls included) are shown as \xHH. */
		snprintf(esc, sizeof(esc), "\\x%02x", c);
		put(s, esc, 4);
	} else
		put(s, (const char *)&c, 1);
}

static int
is_bare_word(const char *v)
{
	const char	*p;

	if (*v == '\0')
		return 0;
	for (p = v; *p != '\0'; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '_' || *p == '-'))
			return 0;
	}
	return 1;
}

/* The length of c once escaped by put_escaped_char. */
static size_t
escaped_len(unsigned char c)
{
	if (c == '"' || c == '\\')
		return 2;
	if (c < 0x20 || c >= 0x7f)
		return 4;
	return 1;
}

/* One value in quotes, escaped, and cut after AUDIT_VALUE_MAX bytes of
 * escaped text with "...[+N]", N the input bytes left out: a value chosen
 * by a client can neither push the other fields off the line nor leave a
 * quote open. */
static void
put_value(struct sink *s, const char *value)
{
	const unsigned char	*p;
	size_t			 used = 0, w;
	char			 mark[32];

	put(s, "\"", 1);
	for (p = (const unsigned char *)value; *p != '\0'; p++) {
		w = escaped_len(*p);
		if (used + w > AUDIT_VALUE_MAX)
			break;
		put_escaped_char(s, *p);
		used += w;
	}
	if (*p != '\0') {
		snprintf(mark, sizeof(mark), "...[+%zu]",
		    strlen((const char *)p));
		put(s, mark, strlen(mark));
	}
	put(s, "\"", 1);
}

/* A field is written whole or not at all, so a line cut by a small buffer
 * still ends on a closed quote. */
static void
put_field(struct sink *s, const char *key, const char *value, int bare)
{
	size_t	start = s->len;

	if (value == NULL || s->full)
		return;
	if (s->len > 0)
		put(s, " ", 1);
	put(s, key, strlen(key));
	put(s, "=", 1);
	if (bare && is_bare_word(value))
		put(s, value, strlen(value));
	else
		put_value(s, value);
	if (s->full) {
		s->len = start;
		s->buf[s->len] = '\0';
	}
}

void
audit_format(const struct audit_event *ev, char *buf, size_t buflen)
{
	struct sink	s;

	if (buf == NULL || buflen == 0)
		return;
	buf[0] = '\0';
	s.buf = buf;
	s.len = 0;
	s.size = buflen;
	s.full = 0;
	if (ev == NULL)
		return;
	/* event and result are our own words: bare when they are plain. */
	put_field(&s, "event", ev->event, 1);
	put_field(&s, "result", ev->result, 1);
	put_field(&s, "reason", ev->reason, 0);
	put_field(&s, "user", ev->user, 0);
	put_field(&s, "device", ev->device, 0);
	put_field(&s, "service", ev->service, 0);
	put_field(&s, "rhost", ev->rhost, 0);
	put_field(&s, "tty", ev->tty, 0);
	put_field(&s, "admin", ev->admin, 0);
}
