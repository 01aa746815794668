/* SPDX-License-Identifier: BSD-2-Clause */
/* Load generator: many logins in one process through the real libpam,
 * without pam_wrapper (so no /tmp/pam.X copies to collide when several
 * run at once) and without the fail delay.
 *
 *   loadgen CONFDIR SERVICE < tasks
 *
 * Each input line is "TAG USER CODE"; for each, one pam_authenticate of
 * USER under SERVICE read from CONFDIR (pam_start_confdir), answering the
 * prompt with CODE.  Prints "TAG USER CODE RESULT" per line, RESULT being
 * SUCCESS, AUTH_ERR, MAXTRIES, AUTHINFO_UNAVAIL or OTHER:n.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <security/pam_appl.h>

static int
conv(int num, const struct pam_message **msg, struct pam_response **resp,
    void *data)
{
	const char		*code = data;
	struct pam_response	*r;
	int			 i;

	if ((r = calloc((size_t)num, sizeof(*r))) == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < num; i++) {
		if (msg[i]->msg_style != PAM_PROMPT_ECHO_OFF &&
		    msg[i]->msg_style != PAM_PROMPT_ECHO_ON)
			continue;
		if ((r[i].resp = strdup(code)) == NULL) {
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

static const char *
name(int rc, char *buf, size_t len)
{
	switch (rc) {
	case PAM_SUCCESS:		return "SUCCESS";
	case PAM_AUTH_ERR:		return "AUTH_ERR";
	case PAM_MAXTRIES:		return "MAXTRIES";
	case PAM_AUTHINFO_UNAVAIL:	return "AUTHINFO_UNAVAIL";
	default:
		snprintf(buf, len, "OTHER:%d", rc);
		return buf;
	}
}

int
main(int argc, char **argv)
{
	char		 line[512], tag[128], user[128], code[128], buf[32];
	struct pam_conv	 pc = { conv, code };
	pam_handle_t	*h;
	int		 rc;

	if (argc != 3) {
		fprintf(stderr, "usage: loadgen CONFDIR SERVICE < tasks\n");
		return 2;
	}
	while (fgets(line, sizeof(line), stdin) != NULL) {
		if (sscanf(line, "%127s %127s %127s", tag, user, code) != 3)
			continue;
		h = NULL;
		rc = pam_start_confdir(argv[2], user, &pc, argv[1], &h);
		if (rc == PAM_SUCCESS) {
			pam_set_item(h, PAM_FAIL_DELAY, (const void *)no_delay);
			rc = pam_authenticate(h, 0);
			pam_end(h, rc);
		}
		printf("%s %s %s %s\n", tag, user, code, name(rc, buf,
		    sizeof(buf)));
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
