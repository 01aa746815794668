/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The self-service protocol between mfa-enroll (run by a user who is not
 * root) and awsmfa-self (root, one process per connection on
 * /run/awsmfa/self.sock).  A frame is a type byte, a length of two bytes
 * (big-endian) and that many bytes of payload, at most SELFPROTO_MAX.
 * One request per connection: the client sends REQUEST, answers each
 * PROMPT with ANSWER, and the helper ends with DONE and closes.  The
 * caller is who SO_PEERCRED says: no frame carries a user name.
 * awsmfa-self(8) documents it.
 */
#ifndef AWSMFA_SELFPROTO_H
#define AWSMFA_SELFPROTO_H

#include "mfaerr.h"

#include <stddef.h>
#include <stdint.h>

#define SELFPROTO_HDR		3
#define SELFPROTO_MAX		4096	/* payload bytes, the hard cap */

/* Client to helper. */
#define SELF_REQUEST	'Q'	/* NUL-separated key=value fields */
#define SELF_ANSWER	'A'	/* the answer to the last prompt */
/* Helper to client. */
#define SELF_PROMPT	'P'	/* a prompt, typed without echo */
#define SELF_PROMPT_ECHO 'E'	/* a prompt, typed with echo */
#define SELF_INFO	'I'	/* a line for standard output */
#define SELF_ERROR	'W'	/* a line for standard error */
#define SELF_URI	'U'	/* an otpauth:// URI: the client draws it */
#define SELF_DONE	'D'	/* "0" success or "1" failure; then close */

/* The verbs a user may ask for. */
enum self_verb {
	SELF_LIST = 0,
	SELF_CREATE,
	SELF_ENABLE,
	SELF_RESYNC,
	SELF_DEACTIVATE,
	SELF_RECOVERY
};

#define SELFREQ_FIELD_MAX	64

/* A request as parsed: fields absent are "" (codes may be sent later as
 * answers to prompts). */
struct self_request {
	enum self_verb	verb;
	char		device[SELFREQ_FIELD_MAX + 1];
	char		code1[SELFREQ_FIELD_MAX + 1];
	char		code2[SELFREQ_FIELD_MAX + 1];
};

struct self_frame {
	uint8_t		type;
	size_t		len;
	char		data[SELFPROTO_MAX + 1];	/* NUL after len bytes */
};

/* 0 with the type and length from a header, -1 for a length over the
 * cap.  The type is checked by whoever expects one. */
int	selfproto_header(const unsigned char hdr[SELFPROTO_HDR],
	    uint8_t *type, size_t *len);

/* Reads one whole frame from fd, waiting at most timeout_ms for all of
 * it.  MFA_OK; MFA_ERR_NOENT when the peer closed before a header;
 * MFA_ERR_INVALID for a cut-short frame, MFA_ERR_TOOBIG over the cap,
 * MFA_ERR_IO (time out or a read error), each with one line in err. */
int	selfproto_read(int fd, int timeout_ms, struct self_frame *f,
	    char *err, size_t errlen);

/* Writes one frame; MFA_OK or MFA_ERR_IO / MFA_ERR_TOOBIG. */
int	selfproto_write(int fd, uint8_t type, const char *data, size_t len,
	    char *err, size_t errlen);

/* Parses a REQUEST payload: verb=V, then device=, code1=, code2= as the
 * verb allows, each once.  Anything else (an unknown or repeated key, a
 * byte outside printable ASCII, a field too long, user=) is refused with
 * one line: the request names no user, the socket does. */
int	selfproto_parse_request(const char *buf, size_t len,
	    struct self_request *req, char *err, size_t errlen);

/* Builds a REQUEST payload into buf; *len its length.  MFA_ERR_TOOBIG or
 * MFA_ERR_INVALID (a field the parser would refuse). */
int	selfproto_build_request(const struct self_request *req, char *buf,
	    size_t buflen, size_t *len, char *err, size_t errlen);

const char *selfproto_verb_name(enum self_verb v);
/* 0 with *v, -1 for a name no user may ask for. */
int	selfproto_verb_parse(const char *name, enum self_verb *v);

#endif
