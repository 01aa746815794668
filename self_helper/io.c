/* SPDX-License-Identifier: BSD-2-Clause */
/* What the helper says to its client, and the one audit line per
 * request.  A failure to reach the client is not reported to it: the
 * verb's own result decides, and the client that went away sees none. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <openssl/crypto.h>

#include "audit.h"
#include "self.h"
#include "wipe.h"

void
say(struct helper *h, uint8_t type, const char *fmt, ...)
{
	char	buf[SELFPROTO_MAX + 1];
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > SELFPROTO_MAX)
		n = SELFPROTO_MAX;
	(void)selfproto_write(h->fd, type, buf, (size_t)n, NULL, 0);
	/* Recovery codes and secrets pass through here. */
	OPENSSL_cleanse(buf, sizeof(buf));
}

int
ask(struct helper *h, int echo, const char *prompt, char **answer)
{
	struct self_frame	*f;
	char			 err[MFA_ERRLEN];
	int			 r = -1;

	*answer = NULL;
	/* A person may take minutes to answer, or never do: no database
	 * connection waits with them (the next call reconnects), so that
	 * users at prompts cannot take the self role's slots. */
	if (h->have_be)
		backend_release(&h->be);
	if (selfproto_write(h->fd, echo ? SELF_PROMPT_ECHO : SELF_PROMPT,
	    prompt, strlen(prompt), err, sizeof(err)) != MFA_OK)
		return -1;
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	if (selfproto_read(h->fd, SELF_ANSWER_MS, f, err, sizeof(err)) ==
	    MFA_OK && f->type == SELF_ANSWER &&
	    memchr(f->data, '\0', f->len) == NULL &&
	    (*answer = strdup(f->data)) != NULL)
		r = 0;
	wipe_free(f, sizeof(*f));
	return r;
}

void
self_audit(struct helper *h, const char *result, const char *reason)
{
	struct audit_event	ev;
	char			event[32], line[1024];

	snprintf(event, sizeof(event), "self-%s",
	    selfproto_verb_name(h->req.verb));
	memset(&ev, 0, sizeof(ev));
	ev.event = event;
	ev.result = result;
	ev.reason = reason != NULL ? reason : "";
	ev.user = h->user[0] != '\0' ? h->user : "";
	ev.device = h->req.device;
	ev.service = "mfa-enroll";
	ev.rhost = "";
	ev.tty = "";
	ev.admin = h->user;
	audit_format(&ev, line, sizeof(line));
	syslog(strcmp(result, "success") == 0 ? LOG_NOTICE : LOG_WARNING,
	    "%s", line);
}
