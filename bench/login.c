/* SPDX-License-Identifier: BSD-2-Clause */
/* What one login pays in a fresh process, as sshd and sudo run PAM: run
 * once per sample by bench/login.sh, linked with libpam alone so that
 * nothing a module needs is mapped before it is measured.
 *
 *   login [-l LIBS [-i]] load MODULE
 *	microseconds of dlopen(MODULE, RTLD_NOW)
 *   login [-l LIBS [-i]] auth CONFDIR SERVICE USER CODE NOW
 *	microseconds of pam_start_confdir, pam_authenticate, pam_end,
 *	with CODE as the answer and time() returning NOW
 *
 * -l LIBS: a file of library paths, one a line (bench/login.sh writes
 * what `ldd /usr/sbin/sshd` lists), loaded first and not timed: a module
 * then maps only what sshd has not mapped already.
 * -i (after -l): libcrypto also initialised as sshd's key exchange leaves
 * it before PAM runs (its config read, a SHA-256 digest made), untimed:
 * OpenSSL 3's first use in a process costs most of a millisecond. */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_appl.h>

static time_t	fake_now;

/* Interposed for the modules (the program is linked -rdynamic): each
 * sample is a later 30 s step, so a one-time code is fresh each time. */
time_t
time(time_t *t)
{
	if (t != NULL)
		*t = fake_now;
	return fake_now;
}

static long long
usec(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int
preload(const char *list)
{
	char	 line[4096];
	FILE	*f;

	if ((f = fopen(list, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] != '\0' && dlopen(line, RTLD_NOW | RTLD_GLOBAL) ==
		    NULL)
			fprintf(stderr, "login: %s\n", dlerror());
	}
	fclose(f);
	return 0;
}

typedef int	init_fn(uint64_t, const void *);
typedef const void *md_fn(void);
typedef int	digest_fn(const void *, size_t, unsigned char *, unsigned *,
		    const void *, void *);

/* Through dlsym: this program links libpam only. */
static int
init_crypto(void)
{
	unsigned char	 md[64];
	init_fn		*init;
	md_fn		*sha256;
	digest_fn	*digest;

	*(void **)(void *)&init = dlsym(RTLD_DEFAULT, "OPENSSL_init_crypto");
	*(void **)(void *)&sha256 = dlsym(RTLD_DEFAULT, "EVP_sha256");
	*(void **)(void *)&digest = dlsym(RTLD_DEFAULT, "EVP_Digest");
	if (init == NULL || sha256 == NULL || digest == NULL)
		return -1;
	/* 0x40: OPENSSL_INIT_LOAD_CONFIG */
	if (init(0x40, NULL) != 1 || digest("x", 1, md, NULL, sha256(),
	    NULL) != 1)
		return -1;
	return 0;
}

static int
conv(int num, const struct pam_message **msg, struct pam_response **resp,
    void *data)
{
	struct pam_response	*r;
	int			 i;

	if ((r = calloc((size_t)num, sizeof(*r))) == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < num; i++)
		if ((msg[i]->msg_style == PAM_PROMPT_ECHO_OFF ||
		    msg[i]->msg_style == PAM_PROMPT_ECHO_ON) &&
		    (r[i].resp = strdup(data)) == NULL) {
			while (i-- > 0)
				free(r[i].resp);
			free(r);
			return PAM_BUF_ERR;
		}
	*resp = r;
	return PAM_SUCCESS;
}

static void
no_delay(int status, unsigned delay, void *arg)
{
	(void)status;
	(void)delay;
	(void)arg;
}

static int
load(const char *module)
{
	long long	t0 = usec(), t1;

	if (dlopen(module, RTLD_NOW) == NULL) {
		fprintf(stderr, "login: %s\n", dlerror());
		return 1;
	}
	t1 = usec();
	printf("%lld\n", t1 - t0);
	return 0;
}

static int
auth(char **a)
{
	struct pam_conv	 c = { conv, a[3] };
	pam_handle_t	*h;
	long long	 t0, t1;
	int		 rc;

	fake_now = (time_t)atoll(a[4]);
	t0 = usec();
	if (pam_start_confdir(a[1], a[2], &c, a[0], &h) != PAM_SUCCESS)
		return 1;
	pam_set_item(h, PAM_FAIL_DELAY, (const void *)no_delay);
	rc = pam_authenticate(h, PAM_SILENT);
	pam_end(h, rc);
	t1 = usec();
	printf("%lld %s\n", t1 - t0, rc == PAM_SUCCESS ? "ok" : "refused");
	return 0;
}

int
main(int argc, char **argv)
{
	int	i = 1;

	if (argc > 2 && strcmp(argv[1], "-l") == 0) {
		if (preload(argv[2]) != 0)
			return 1;
		i = 3;
		if (argc > 3 && strcmp(argv[3], "-i") == 0) {
			if (init_crypto() != 0) {
				fprintf(stderr, "login: cannot initialise "
				    "libcrypto\n");
				return 1;
			}
			i = 4;
		}
	}
	if (argc - i == 2 && strcmp(argv[i], "load") == 0)
		return load(argv[i + 1]);
	if (argc - i == 6 && strcmp(argv[i], "auth") == 0)
		return auth(argv + i + 1);
	fprintf(stderr, "usage: login [-l LIBS [-i]] load MODULE | "
	    "auth CONFDIR SERVICE USER CODE NOW\n");
	return 2;
}
