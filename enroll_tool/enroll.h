/* SPDX-License-Identifier: BSD-2-Clause */
/* mfa-enroll: what the verbs share.  The tool is glue: it reads
 * arguments, calls lib/, prints and audits; lib/ decides. */
#ifndef AWSMFA_ENROLL_H
#define AWSMFA_ENROLL_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include "backend_admin.h"
#include "config.h"

#define EXIT_FAIL	1
#define EXIT_USAGE	2

struct ctx {
	const char		*conf;
	const char		*verb;
	const char		*socket;	/* awsmfa-self's, for users */
	struct awsmfa_config	 cfg;
	struct backend		 be;
	int			 have_cfg;
	int			 have_backend;
};

struct verb {
	const char	*name;
	int		 writes;	/* needs root, creates the store */
	const char	*usage;		/* arguments after the verb */
	const char	*help;		/* what VERB --help adds */
	int		(*run)(struct ctx *, int, char **);
};

extern const struct verb verbs[];

/* One line "mfa-enroll: ..." on stderr. */
void	warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Usage error: one line, then exit 2. */
void	usage_error(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
/* Prints VERB --help on stdout. */
void	verb_help(const struct verb *v);
/* getopt_long over the verb's arguments; --help and --conf are common.
 * Returns the option character, -1 at the end; 'h' is handled (help and
 * exit 0), unknown options end in usage_error. */
int	verb_getopt(struct ctx *c, int argc, char **argv, const char *shortopts,
	    const struct option *longopts);

/* Loads the config and opens the store it names (a file store is
 * created for writing verbs); exits 1 with the reason on failure. */
void	ctx_open(struct ctx *c, int writes);

/* import-tokens of a PSKC file (cmd_pskc.c): 0, or -1 after lines on
 * stderr naming the bad key package; nothing imported then. */
int	import_pskc(struct ctx *c, const char *path, const char *xml,
	    size_t len, const char *pskfile, const char *pwfile,
	    size_t *count);

/* One audit line to syslog (LOG_AUTHPRIV) for a change. */
void	audit_change(const char *event, const char *user, const char *device,
	    int ok, const char *reason);

/* cmd_list.c: a time as 2026-01-31T12:00:00Z ("-" for 0), and a string
 * as a JSON value (null for NULL), always valid whatever its bytes. */
void	iso8601(int64_t t, char buf[32]);
void	json_string(const char *s);

int	cmd_create(struct ctx *, int, char **);
int	cmd_enable(struct ctx *, int, char **);
int	cmd_resync(struct ctx *, int, char **);
int	cmd_deactivate(struct ctx *, int, char **);
int	cmd_list(struct ctx *, int, char **);
int	cmd_import_tokens(struct ctx *, int, char **);
int	cmd_recovery_codes(struct ctx *, int, char **);
int	cmd_check(struct ctx *, int, char **);
int	cmd_db_init(struct ctx *, int, char **);
int	cmd_migrate(struct ctx *, int, char **);
int	cmd_unlock(struct ctx *, int, char **);
int	cmd_hosts(struct ctx *, int, char **);
int	cmd_invite(struct ctx *, int, char **);
int	cmd_report(struct ctx *, int, char **);

/* self_client.c: the verb for a user who is not root, through
 * awsmfa-self; the exit status. */
int	self_client(struct ctx *c, int argc, char **argv);
#define AWSMFA_SELF_SOCKET	"/run/awsmfa/self.sock"

/* Shared by create and enable: tries to enable interactively. */
int	enable_interactive(struct ctx *c, const char *user, const char *device);

#endif
