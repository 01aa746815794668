/* SPDX-License-Identifier: BSD-2-Clause */
/* awsmfa-self: what its files share.  Glue like mfa-enroll: the socket
 * and PAM on one side, lib/ (selfpolicy decides) on the other. */
#ifndef AWSMFA_SELF_H
#define AWSMFA_SELF_H

#include <sys/types.h>

#include <stdint.h>

#include "backend_admin.h"
#include "backend_self.h"
#include "config.h"
#include "selfpolicy.h"
#include "selfproto.h"

#define SELF_USER_MAX		256
/* How long a person may take to type an answer, and a client to send
 * its request: a helper held by nobody ends. */
#define SELF_ANSWER_MS		(5 * 60 * 1000)
#define SELF_REQUEST_MS		(30 * 1000)

struct helper {
	int			 fd;		/* the connection */
	uid_t			 uid;		/* SO_PEERCRED's */
	char			 user[SELF_USER_MAX + 1]; /* its pw_name */
	const char		*conf;
	struct awsmfa_config	 cfg;
	struct backend		 be;
	int			 have_cfg, have_be;
	struct self_request	 req;
	unsigned		 nactive;	/* active devices */
	int			 dev_active;	/* req.device is active */
	int			 dev_exists;	/* req.device is there */
	int			 invited;	/* an invitation row is there */
	int			 in_db;		/* the store judges proofs */
	struct backend_ticket	 ticket;	/* in_db: the proof's */
	struct backend_ticket	 enrol;		/* in_db: create's */
};

/* peer.c: the caller from SO_PEERCRED on fd, its name from NSS.  0 or
 * -1 with a line in err. */
int	peer_identify(struct helper *h, char *err, size_t errlen);

/* io.c: a line to the client (SELF_INFO or SELF_ERROR); the end. */
void	say(struct helper *h, uint8_t type, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Asks the client; *answer is malloc'd, wiped by the caller with
 * wipe_free_str.  0, or -1 when the client went away or sent something
 * else. */
int	ask(struct helper *h, int echo, const char *prompt, char **answer);
/* One audit line, event "self-<verb>". */
void	self_audit(struct helper *h, const char *result, const char *reason);

/* proof.c: the helper's own PAM transaction (service mfa-enroll) with
 * the prompts relayed to the client.  0 when the user passed. */
int	proof_run(struct helper *h, enum self_proof proof);
/* Where the store judges proofs (in_db): asks for the code, recovery
 * code or invitation and has the database judge it; 0 with h->ticket
 * when it held. */
int	proof_db(struct helper *h);

/* ops.c: the verb, once proven.  0 on success. */
int	ops_run(struct helper *h);
/* calls.c: the store's calls for the verbs, files or PostgreSQL; each
 * MFA_OK or an MFA_ERR_* with one line in err. */
int	call_list(struct helper *h, backend_row_fn *fn, void *arg, char *err,
	    size_t errlen);
int	call_create(struct helper *h, struct mfa_device *d, char *err,
	    size_t errlen);
/* Enable (resync 0) or resync req.device with two codes. */
int	call_pair(struct helper *h, int resync, const char *c1,
	    const char *c2, char *err, size_t errlen);
void	call_abandon(struct helper *h);
int	call_deactivate(struct helper *h, char *err, size_t errlen);
int	call_recovery(struct helper *h, unsigned n,
	    char (*codes)[RECOVERY_CODE_BUFLEN], char *err, size_t errlen);

#endif
