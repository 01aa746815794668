/* SPDX-License-Identifier: BSD-2-Clause */
/* Frames of the self-service protocol on a socket: whole frames or
 * nothing, against one deadline, so that a client that stops half-way
 * through a frame holds a helper for timeout_ms at most. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "selfproto.h"

int
selfproto_header(const unsigned char hdr[SELFPROTO_HDR], uint8_t *type,
    size_t *len)
{
	*type = hdr[0];
	*len = ((size_t)hdr[1] << 8) | hdr[2];
	return *len > SELFPROTO_MAX ? -1 : 0;
}

static int64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* n bytes, or -1 (errno set; 0 for the end of input). */
static int
read_exact(int fd, unsigned char *buf, size_t n, int64_t deadline,
    size_t *got)
{
	struct pollfd	pfd;
	ssize_t		r;
	int64_t		left;

	*got = 0;
	while (*got < n) {
		if ((left = deadline - now_ms()) <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		r = poll(&pfd, 1, left > 0x7fffffff ? 0x7fffffff : (int)left);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		if (r == 0)
			continue;
		r = read(fd, buf + *got, n - *got);
		if (r == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = 0;
			return -1;
		}
		*got += (size_t)r;
	}
	return 0;
}

int
selfproto_read(int fd, int timeout_ms, struct self_frame *f, char *err,
    size_t errlen)
{
	unsigned char	hdr[SELFPROTO_HDR];
	int64_t		deadline = now_ms() + timeout_ms;
	size_t		got;

	memset(f, 0, sizeof(f->type) + sizeof(f->len));
	if (read_exact(fd, hdr, sizeof(hdr), deadline, &got) == -1) {
		if (errno == 0 && got == 0)
			return mfa_fail(err, errlen, MFA_ERR_NOENT,
			    "the other side closed the connection");
		if (errno == 0)
			return mfa_fail(err, errlen, MFA_ERR_INVALID,
			    "a truncated message header");
		return mfa_fail(err, errlen, MFA_ERR_IO, "reading a "
		    "message: %s", strerror(errno));
	}
	if (selfproto_header(hdr, &f->type, &f->len) == -1)
		return mfa_fail(err, errlen, MFA_ERR_TOOBIG, "a message of "
		    "%zu bytes, over the limit of %d", f->len, SELFPROTO_MAX);
	if (read_exact(fd, (unsigned char *)f->data, f->len, deadline,
	    &got) == -1) {
		/* It may hold an answer: a code or a password. */
		OPENSSL_cleanse(f->data, sizeof(f->data));
		if (errno == 0)
			return mfa_fail(err, errlen, MFA_ERR_INVALID,
			    "a truncated message (%zu of %zu bytes)", got,
			    f->len);
		return mfa_fail(err, errlen, MFA_ERR_IO, "reading a "
		    "message: %s", strerror(errno));
	}
	f->data[f->len] = '\0';
	return MFA_OK;
}

int
selfproto_write(int fd, uint8_t type, const char *data, size_t len,
    char *err, size_t errlen)
{
	unsigned char	buf[SELFPROTO_HDR + SELFPROTO_MAX];
	size_t		off = 0, n;
	ssize_t		r;

	if (len > SELFPROTO_MAX)
		return mfa_fail(err, errlen, MFA_ERR_TOOBIG, "a message of "
		    "%zu bytes, over the limit of %d", len, SELFPROTO_MAX);
	buf[0] = type;
	buf[1] = (unsigned char)(len >> 8);
	buf[2] = (unsigned char)(len & 0xff);
	if (len > 0)
		memcpy(buf + SELFPROTO_HDR, data, len);
	n = SELFPROTO_HDR + len;
	/* One write for the frame: a peer never sees half of it unless
	 * the connection breaks. */
	while (off < n) {
		r = write(fd, buf + off, n - off);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			OPENSSL_cleanse(buf, sizeof(buf));
			return mfa_fail(err, errlen, MFA_ERR_IO, "sending a "
			    "message: %s", strerror(errno));
		}
		off += (size_t)r;
	}
	OPENSSL_cleanse(buf, sizeof(buf));
	return MFA_OK;
}
