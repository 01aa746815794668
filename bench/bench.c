/* SPDX-License-Identifier: BSD-2-Clause */
/* Benchmark: microseconds per pam_authenticate for any TOTP module, run
 * under pam_wrapper (see bench/run.sh).
 *
 *   bench auth SERVICE USER HEXSECRET COUNT success|refused|recovery
 *   bench pgauth|pgfresh SERVICE PREFIX HEXSECRET COUNT FIRST success|refused
 *   bench populate STOREDIR COUNT BASE32SECRET EXTRAUSER [NRECOVERY]
 *
 * One-time use is dealt with by moving the clock: this program defines
 * time(), which the modules' calls resolve to (an executable's symbols come
 * first), and each iteration is 30 s later than the one before.  So every
 * "success" iteration presents a fresh, valid code and the module goes its
 * whole way, persisting the accepted step as it must; every "refused"
 * iteration presents the code of ten steps later, outside every window;
 * every "recovery" iteration a wrong recovery-shaped answer (EXTRAUSER
 * holds NRECOVERY recovery codes).
 * The fail delay is switched off for all modules.
 *
 * pgauth is for the PostgreSQL store, whose clock is the database's: it
 * cannot be moved, so each iteration logs in another user, PREFIX
 * followed by six digits from FIRST on, with the real clock's code.
 * pgfresh logs each one in in a process forked for it, which loads the
 * module, its plugin and libpq as sshd's process for a connection does
 * (pgauth's one process loads them once): the fork is in the figure.
 *
 * populate writes COUNT records user000000... plus EXTRAUSER straight into
 * a store directory, without fsync: set-up speed, not the thing measured.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <security/pam_appl.h>

#include "base32.h"
#include "otp.h"
#include "record.h"
#include "recovery.h"
#include "store.h"

static time_t	fake_now;

/* Interposed for the modules: see the comment at the top. */
time_t
time(time_t *t)
{
	if (t != NULL)
		*t = fake_now;
	return fake_now;
}

struct bench {
	unsigned char	secret[OTP_SECRET_MAX];
	size_t		secret_len;
	int		refused;
	char		code[RECOVERY_CODE_BUFLEN];
};

static int
conv(int num, const struct pam_message **msg, struct pam_response **resp,
    void *data)
{
	struct bench		*b = data;
	struct pam_response	*r;
	int			 i;

	if ((r = calloc((size_t)num, sizeof(*r))) == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < num; i++) {
		if (msg[i]->msg_style != PAM_PROMPT_ECHO_OFF &&
		    msg[i]->msg_style != PAM_PROMPT_ECHO_ON)
			continue;
		if ((r[i].resp = strdup(b->code)) == NULL) {
			while (i-- > 0)
				free(r[i].resp);
			free(r);
			return PAM_BUF_ERR;
		}
	}
	*resp = r;
	return PAM_SUCCESS;
}

static void
no_delay(int status, unsigned delay, void *data)
{
	(void)status;
	(void)delay;
	(void)data;
}

static int
hex_decode(const char *hex, unsigned char *out, size_t outsize, size_t *len)
{
	size_t		n = strlen(hex), i;
	unsigned	v;

	if (n % 2 != 0 || n / 2 > outsize)
		return -1;
	for (i = 0; i < n / 2; i++) {
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (unsigned char)v;
	}
	*len = n / 2;
	return 0;
}

static double
now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* Prints the figure and wipes b.  An honest figure needs every success
 * (or every refusal) real: 1 otherwise. */
static int
report(struct bench *b, double total, long ok, long count)
{
	int	refused = b->refused;

	OPENSSL_cleanse(b, sizeof(*b));
	printf("%.1f us/auth, %ld of %ld accepted\n", total / (double)count,
	    ok, count);
	return (refused ? ok == 0 : ok == count) ? 0 : 1;
}

static int
cmd_auth(const char *service, const char *user, const char *hex, long count,
    const char *mode)
{
	struct bench	 b;
	struct timespec	 ts;
	struct pam_conv	 pc = { conv, &b };
	pam_handle_t	*pamh = NULL;
	uint64_t	 step;
	double		 t0, total = 0;
	long		 i, ok = 0;
	int		 rc;

	memset(&b, 0, sizeof(b));
	if (hex_decode(hex, b.secret, sizeof(b.secret), &b.secret_len) != 0) {
		fprintf(stderr, "bench: bad hex secret\n");
		return 2;
	}
	b.refused = strcmp(mode, "refused") == 0 ||
	    strcmp(mode, "recovery") == 0;
	clock_gettime(CLOCK_REALTIME, &ts);
	fake_now = ts.tv_sec / 30 * 30 + 10;
	if ((rc = pam_start(service, user, &pc, &pamh)) != PAM_SUCCESS) {
		fprintf(stderr, "bench: pam_start: %d\n", rc);
		return 2;
	}
	pam_set_item(pamh, PAM_FAIL_DELAY, (const void *)no_delay);
	for (i = 0; i < count; i++) {
		fake_now += 30;
		step = otp_step((int64_t)fake_now, 30) + (b.refused ? 10 : 0);
		if (strcmp(mode, "recovery") == 0)
			snprintf(b.code, sizeof(b.code), "wxyz-wxyz-wxyz");
		else if (otp_totp_at_step(b.secret, b.secret_len, OTP_SHA1,
		    step, 6, b.code) != 0)
			return 2;
		t0 = now_us();
		rc = pam_authenticate(pamh, PAM_SILENT);
		total += now_us() - t0;
		if (rc == PAM_SUCCESS)
			ok++;
	}
	pam_end(pamh, PAM_SUCCESS);
	return report(&b, total, ok, count);
}

/* One login of user, 1 when accepted, -1 when the bench failed: in the
 * PAM handle pamh, or (pamh NULL) in a child forked for it, which loads
 * the module, its plugin and libpq anew, as the process sshd forks for a
 * connection does; the child exits with exit(3), so that pam_wrapper
 * removes its folder. */
static int
pg_login_once(struct bench *b, pam_handle_t *pamh, const char *service,
    const char *user)
{
	struct pam_conv	 pc = { conv, b };
	pid_t		 pid;
	int		 st, rc;

	if (pamh != NULL) {
		pam_set_item(pamh, PAM_USER, user);
		return pam_authenticate(pamh, PAM_SILENT) == PAM_SUCCESS;
	}
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		if (pam_start(service, user, &pc, &pamh) != PAM_SUCCESS)
			exit(2);
		pam_set_item(pamh, PAM_FAIL_DELAY, (const void *)no_delay);
		rc = pam_authenticate(pamh, PAM_SILENT);
		pam_end(pamh, rc);
		exit(rc == PAM_SUCCESS ? 0 : 1);
	}
	if (waitpid(pid, &st, 0) == -1 || !WIFEXITED(st) ||
	    WEXITSTATUS(st) > 1)
		return -1;
	return WEXITSTATUS(st) == 0;
}

/* The PostgreSQL store: one login per user, on the real clock; fresh: a
 * process per login (pg_login_once). */
static int
cmd_pgauth(const char *service, const char *prefix, const char *hex,
    long count, long first, const char *mode, int fresh)
{
	struct bench	 b;
	struct timespec	 ts;
	struct pam_conv	 pc = { conv, &b };
	pam_handle_t	*pamh = NULL;
	char		 user[64];
	double		 t0, total = 0;
	long		 i, ok = 0;
	int		 r;

	memset(&b, 0, sizeof(b));
	if (hex_decode(hex, b.secret, sizeof(b.secret), &b.secret_len) != 0)
		return 2;
	b.refused = strcmp(mode, "refused") == 0;
	if (!fresh) {
		if (pam_start(service, "nobody", &pc, &pamh) != PAM_SUCCESS)
			return 2;
		pam_set_item(pamh, PAM_FAIL_DELAY, (const void *)no_delay);
	} else {
		/* sshd has looked the user up before PAM runs: its NSS
		 * modules are loaded.  The bench's users are in no NSS
		 * database, so each child's lookup still misses (about
		 * 0.1 ms with systemd's module), where sshd's user hits. */
		snprintf(user, sizeof(user), "%s%06ld", prefix, first);
		(void)getpwnam(user);
	}
	fflush(stdout);
	for (i = 0; i < count; i++) {
		snprintf(user, sizeof(user), "%s%06ld", prefix, first + i);
		clock_gettime(CLOCK_REALTIME, &ts);
		if (otp_totp_at_step(b.secret, b.secret_len, OTP_SHA1,
		    otp_step((int64_t)ts.tv_sec, 30) + (b.refused ? 10 : 0),
		    6, b.code) != 0)
			return 2;
		t0 = now_us();
		r = pg_login_once(&b, pamh, service, user);
		total += now_us() - t0;
		if (r == -1)
			return 2;
		ok += r;
	}
	if (pamh != NULL)
		pam_end(pamh, PAM_SUCCESS);
	return report(&b, total, ok, count);
}

static int
write_record(int dirfd, struct mfa_record *rec, const char *user)
{
	unsigned char	*file = NULL;
	size_t		 size = 0;
	int		 fd, rc = -1;

	snprintf(rec->user, sizeof(rec->user), "%s", user);
	if (store_record_file(rec, &file, &size) != 0)
		return -1;
	fd = openat(dirfd, user, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (fd >= 0 && write(fd, file, size) == (ssize_t)size)
		rc = 0;
	if (fd >= 0 && close(fd) != 0)
		rc = -1;
	OPENSSL_cleanse(file, size);
	free(file);
	return rc;
}

static int
cmd_populate(const char *dir, long count, const char *b32, const char *extra,
    long nrecovery)
{
	char				 code[RECOVERY_CODE_BUFLEN];
	static struct mfa_record	 rec;
	struct mfa_device		*d;
	char				 user[32];
	long				 i;
	int				 dirfd;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return 2;
	if ((dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return 2;
	record_init(&rec, "x");
	rec.ndevices = 1;
	d = &rec.dev[0];
	snprintf(d->name, sizeof(d->name), "phone");
	d->type = DEVICE_VIRTUAL;
	d->alg = OTP_SHA1;
	d->digits = 6;
	d->period = 30;
	d->status = DEVICE_ACTIVE;
	d->created = d->enabled = 1700000000;
	d->last_step = RECORD_NO_STEP;
	if (base32_decode(b32, d->secret, sizeof(d->secret),
	    &d->secret_len) != 0)
		return 2;
	for (i = 0; i < count; i++) {
		snprintf(user, sizeof(user), "user%06ld", i);
		if (write_record(dirfd, &rec, user) != 0)
			return 2;
	}
	for (i = 0; i < nrecovery && i < RECORD_MAX_RECOVERY; i++)
		if (recovery_generate(code, rec.recovery[rec.nrecovery++]) != 0)
			return 2;
	OPENSSL_cleanse(code, sizeof(code));
	if (write_record(dirfd, &rec, extra) != 0)
		return 2;
	record_wipe(&rec);
	close(dirfd);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 7 && strcmp(argv[1], "auth") == 0)
		return cmd_auth(argv[2], argv[3], argv[4], atol(argv[5]),
		    argv[6]);
	if (argc == 8 && (strcmp(argv[1], "pgauth") == 0 ||
	    strcmp(argv[1], "pgfresh") == 0))
		return cmd_pgauth(argv[2], argv[3], argv[4], atol(argv[5]),
		    atol(argv[6]), argv[7], strcmp(argv[1], "pgfresh") == 0);
	if ((argc == 6 || argc == 7) && strcmp(argv[1], "populate") == 0)
		return cmd_populate(argv[2], atol(argv[3]), argv[4], argv[5],
		    argc == 7 ? atol(argv[6]) : 0);
	fprintf(stderr, "usage: bench auth SERVICE USER HEXSECRET COUNT "
	    "success|refused|recovery\n"
	    "       bench pgauth|pgfresh SERVICE PREFIX HEXSECRET COUNT "
	    "FIRST success|refused\n"
	    "       bench populate DIR COUNT BASE32 USER [NRECOVERY]\n");
	return 2;
}
