/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * awsmfa-self: the privileged half of self-service, one process per
 * connection on /run/awsmfa/self.sock (awsmfa-self.socket, Accept=yes;
 * or systemd-socket-activate --accept), the connection on standard input
 * and output.  It learns the caller from SO_PEERCRED, reads one request,
 * asks for the proof the policy names through its own PAM transaction,
 * acts on the caller's own devices, and ends with DONE.  Not setuid:
 * nothing of the caller's environment, limits or descriptors reaches it.
 */
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "self.h"
#include "wipe.h"

#define PROG	"awsmfa-self"

/* Secrets pass through: no core dump, no ptrace by the caller's uid,
 * and nothing created readable by others; a client that goes away
 * mid-write must not kill us between two steps of a verb. */
static int
harden(void)
{
	const struct rlimit	none = { 0, 0 };

	umask(077);
	(void)signal(SIGPIPE, SIG_IGN);
	return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1 ||
	    setrlimit(RLIMIT_CORE, &none) == -1 ? -1 : 0;
}

static void
row_count(void *arg, const struct backend_row *row)
{
	struct helper	*h = arg;
	int		 active = strcmp(row->status, "active") == 0;

	if (row->user == NULL || strcmp(row->user, h->user) != 0)
		return;
	/* An invitation is a row without a device (issue 20 part 1);
	 * whether it is still live, pam_awsmfa judges at its prompt. */
	if (row->device == NULL) {
		h->invited |= strcmp(row->status, "invited") == 0;
		return;
	}
	h->nactive += active;
	/* A hardware token is named by its serial as well. */
	if (strcmp(row->device, h->req.device) == 0 ||
	    (row->serial != NULL && strcmp(row->serial, h->req.device) == 0)) {
		h->dev_exists = 1;
		h->dev_active = active;
	}
}

/* The config, the store, and where the user stands in it.  Details go
 * to syslog; the user gets a line that tells them whom to ask. */
static int
open_store(struct helper *h)
{
	const char	*why;
	char		 err[MFA_ERRLEN];
	int		 r;

	if ((r = config_load(h->conf, &h->cfg, err, sizeof(err))) ==
	    MFA_OK)
		h->have_cfg = 1;
	if (r == MFA_OK && self_store_supported(&h->cfg, &why) == -1) {
		self_audit(h, "failure", why);
		say(h, SELF_ERROR, "%s", why);
		return -1;
	}
	/* On PostgreSQL as a role of awsmfa_self (db_self_conninfo),
	 * which changes nothing without the database's own proof. */
	if (r == MFA_OK)
		r = backend_open(&h->be, &h->cfg, BACKEND_ADMIN |
		    BACKEND_CREATE | BACKEND_SELF, err, sizeof(err));
	if (r == MFA_OK) {
		h->have_be = 1;
		h->in_db = backend_self_in_store(&h->be);
		r = call_list(h, row_count, h, err, sizeof(err));
	}
	if (r != MFA_OK) {
		syslog(LOG_ERR, "%s", err);
		say(h, SELF_ERROR, "the MFA store cannot be used now; ask "
		    "your administrator (details in the system log)");
		return -1;
	}
	return 0;
}

static int
read_request(struct helper *h)
{
	struct self_frame	*f;
	char			 err[MFA_ERRLEN];
	int			 r;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	r = selfproto_read(h->fd, SELF_REQUEST_MS, f, err, sizeof(err));
	if (r == MFA_OK && f->type != SELF_REQUEST)
		r = mfa_fail(err, sizeof(err), MFA_ERR_INVALID, "expected "
		    "a request");
	if (r == MFA_OK)
		r = selfproto_parse_request(f->data, f->len, &h->req, err,
		    sizeof(err));
	wipe_free(f, sizeof(*f));
	if (r != MFA_OK) {
		syslog(LOG_NOTICE, "uid %lu: %s", (unsigned long)h->uid, err);
		say(h, SELF_ERROR, "%s", err);
	}
	return r == MFA_OK ? 0 : -1;
}

static int
locked(struct helper *h)
{
	char	err[MFA_ERRLEN];
	int64_t	until;

	if (backend_self_locked(&h->be, h->user, (int64_t)time(NULL), &until,
	    err, sizeof(err)) != MFA_OK) {
		syslog(LOG_ERR, "%s", err);
		say(h, SELF_ERROR, "the MFA store cannot be used now; ask "
		    "your administrator (details in the system log)");
		return 1;
	}
	if (until == 0)
		return 0;
	self_audit(h, "locked", "locked out after failed attempts");
	say(h, SELF_ERROR, "locked out after failed attempts; try again in "
	    "%lld s", (long long)(until - (int64_t)time(NULL)));
	return 1;
}

static int
serve(struct helper *h)
{
	enum self_proof	 proof;
	const char	*why;
	char		 err[MFA_ERRLEN];

	if (peer_identify(h, err, sizeof(err)) != MFA_OK) {
		syslog(LOG_WARNING, "%s", err);
		say(h, SELF_ERROR, "%s", err);
		return -1;
	}
	if (read_request(h) == -1 || open_store(h) == -1)
		return -1;
	proof = self_proof_for(&h->cfg, h->req.verb, h->nactive, h->invited,
	    &why);
	if (proof == PROOF_REFUSED) {
		self_audit(h, "failure", why);
		say(h, SELF_ERROR, "%s", why);
		return -1;
	}
	/* Where the store judges proofs, PAM checks the password alone
	 * and the database the code (proof_db). */
	if (proof_run(h, h->in_db && proof == PROOF_PASSWORD_CODE ?
	    PROOF_PASSWORD : proof) == -1 ||
	    (h->in_db && proof == PROOF_PASSWORD_CODE && proof_db(h) == -1)) {
		self_audit(h, "failure", "authentication failed");
		say(h, SELF_ERROR, "authentication failed: nothing changed");
		return -1;
	}
	/* pam_awsmfa asked no code, so it did not look at the lock: a
	 * locked-out user proves nothing with a device's codes either.
	 * The database looks at it in every call that judges a code. */
	if (proof == PROOF_PASSWORD && !h->in_db && locked(h))
		return -1;
	return ops_run(h);
}

/* The connection: fd 3 when passed the systemd way (LISTEN_FDS, as
 * systemd-socket-activate --accept does), else standard input
 * (StandardInput=socket in awsmfa-self@.service, or --inetd). */
static int
connection_fd(void)
{
	const char	*fds = getenv("LISTEN_FDS"), *pid = getenv("LISTEN_PID");
	char		 me[32];

	snprintf(me, sizeof(me), "%ld", (long)getpid());
	if (fds != NULL && pid != NULL && strcmp(fds, "1") == 0 &&
	    strcmp(pid, me) == 0)
		return 3;
	return STDIN_FILENO;
}

int
main(int argc, char **argv)
{
	struct helper	*h;
	int		 r;

	openlog(PROG, LOG_PID, LOG_AUTHPRIV);
	if (harden() == -1) {
		syslog(LOG_ERR, "cannot turn core dumps off: %s",
		    strerror(errno));
		return 1;
	}
	/* The config is root's choice, on the unit's command line. */
	if (argc == 3 && strcmp(argv[1], "--conf") == 0)
		;
	else if (argc != 1) {
		syslog(LOG_ERR, "usage: " PROG " [--conf FILE]");
		return 2;
	}
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return 1;
	h->fd = connection_fd();
	h->conf = argc == 3 ? argv[2] : AWSMFA_DEFAULT_CONF;
	r = serve(h);
	(void)selfproto_write(h->fd, SELF_DONE, r == 0 ? "0" : "1", 1, NULL,
	    0);
	if (h->have_be)
		backend_close(&h->be);
	if (h->have_cfg)
		config_free(&h->cfg);
	wipe_free(h, sizeof(*h));
	closelog();
	return r == 0 ? 0 : 1;
}
