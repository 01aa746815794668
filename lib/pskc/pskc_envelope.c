/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The envelope of a PSKC file, read with libxml2 before libpskc sees it.
 *
 * A PSKC container has no use for a DTD, and a DTD is where XML's
 * dangers live (entity expansion bombs, external entities reading files
 * or URLs).  The parser is stopped the moment a DOCTYPE starts, before a
 * single entity is declared, and external loading is switched off for
 * the whole process (libpskc parses with the same libxml2 after us).
 *
 * libpskc cannot decrypt, so this file does RFC 6030 6.1 and 6.2 against
 * the RFC with OpenSSL (pskc_cipher.c): every encrypted secret's MAC is
 * checked before it is decrypted, and then replaced by a PlainValue in
 * the tree, which is written out again for libpskc.  Only secrets may be
 * encrypted: an encrypted counter or time is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "mfaerr.h"
#include "numparse.h"
#include "pskc_cipher.h"
#include "pskc_envelope.h"
#include "pskc_xmlmem.h"
#include "wipe.h"

#define B64_MAX		4096	/* a base64 value we decode */

struct unwrap {
	const struct pskc_keys	*k;
	unsigned char		 key[PSKC_PSK_MAX];	/* the file's key */
	size_t			 keylen;
	unsigned char		 mackey[PSKC_VALUE_MAX];
	size_t			 mackeylen;
	const char		*macalg;
	int			 encrypted;
	char			*err;
	size_t			 errlen;
};

int
pskc_psk_parse(const char *text, size_t len, struct pskc_keys *k)
{
	size_t	i, n = 0;
	int	hi, lo;

	while (len > 0 && strchr(" \t\r\n", text[len - 1]) != NULL)
		len--;
	while (len > 0 && strchr(" \t\r\n", *text) != NULL) {
		text++;
		len--;
	}
	if (len != 32 && len != 48 && len != 64)
		return -1;
	for (i = 0; i < len; i += 2) {
		if ((hi = hex_value((unsigned char)text[i])) < 0 ||
		    (lo = hex_value((unsigned char)text[i + 1])) < 0) {
			OPENSSL_cleanse(k->psk, sizeof(k->psk));
			return -1;
		}
		k->psk[n++] = (unsigned char)((unsigned)hi << 4 | (unsigned)lo);
	}
	k->psk_len = n;
	return 0;
}

/* A DOCTYPE: stop before its internal subset is read. */
static void
refuse_dtd(void *arg, const xmlChar *name, const xmlChar *eid,
    const xmlChar *sid)
{
	xmlParserCtxtPtr	ctxt = arg;

	(void)name;
	(void)eid;
	(void)sid;
	ctxt->_private = ctxt;
	xmlStopParser(ctxt);
}

static xmlParserInputPtr
no_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	return NULL;
}

static xmlDocPtr
read_safely(const char *xml, size_t len, char *err, size_t errlen)
{
	xmlParserCtxtPtr	ctxt;
	xmlDocPtr		doc;
	int			dtd;

	pskc_xmlmem_init();
	xmlSetExternalEntityLoader(no_loader);
	if (len > (size_t)INT32_MAX || (ctxt = xmlNewParserCtxt()) == NULL) {
		mfa_fail(err, errlen, MFA_ERR_NOMEM, "out of memory");
		return NULL;
	}
	ctxt->sax->internalSubset = refuse_dtd;
	doc = xmlCtxtReadMemory(ctxt, xml, (int)len, NULL, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
	    XML_PARSE_NOCDATA);
	dtd = ctxt->_private != NULL;
	if (doc != NULL && (dtd || !ctxt->wellFormed || doc->intSubset !=
	    NULL || doc->extSubset != NULL)) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	if (doc == NULL && dtd)
		mfa_fail(err, errlen, MFA_ERR_INVALID, "a DOCTYPE (DTD) in a "
		    "PSKC file is refused: it has no use but entity tricks");
	else if (doc == NULL)
		mfa_fail(err, errlen, MFA_ERR_INVALID, "not well-formed XML "
		    "near line %d (cut short?)", ctxt->input != NULL ?
		    ctxt->input->line : 0);
	xmlFreeParserCtxt(ctxt);
	return doc;
}

static int
named(xmlNodePtr n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0;
}

static xmlNodePtr
child(xmlNodePtr n, const char *name)
{
	for (n = n != NULL ? n->children : NULL; n != NULL; n = n->next)
		if (named(n, name))
			return n;
	return NULL;
}

static const char *
attr(xmlNodePtr n, const char *name)
{
	xmlAttrPtr	a;

	for (a = n != NULL ? n->properties : NULL; a != NULL; a = a->next)
		if (strcmp((const char *)a->name, name) == 0 &&
		    a->children != NULL && a->children->type == XML_TEXT_NODE)
			return (const char *)a->children->content;
	return NULL;
}

/* The base64 text of element n into out; -1 when absent or bad. */
static int
b64(xmlNodePtr n, unsigned char *out, size_t outsize, size_t *outlen)
{
	EVP_ENCODE_CTX	*ctx;
	xmlChar		*s;
	unsigned char	 buf[B64_MAX];
	int		 l1 = 0, l2 = 0, ok;
	size_t		 slen, got;

	if (n == NULL || (s = xmlNodeGetContent(n)) == NULL)
		return -1;
	slen = strlen((const char *)s);
	ok = slen <= 4 * (sizeof(buf) / 3) && (ctx = EVP_ENCODE_CTX_new()) !=
	    NULL;
	if (ok) {
		EVP_DecodeInit(ctx);
		ok = EVP_DecodeUpdate(ctx, buf, &l1, s, (int)slen) >= 0 &&
		    EVP_DecodeFinal(ctx, buf + l1, &l2) == 1;
		EVP_ENCODE_CTX_free(ctx);
	}
	wipe_free_str((char *)s);
	got = ok ? (size_t)l1 + (size_t)l2 : 0;
	ok = ok && got > 0 && got <= outsize;
	if (ok) {
		memcpy(out, buf, got);
		*outlen = got;
	}
	OPENSSL_cleanse(buf, sizeof(buf));
	return ok ? 0 : -1;
}

/* Decrypts an xenc EncryptedValue (or MACKey) with the file's key. */
static int
decrypt_node(struct unwrap *u, xmlNodePtr ev, const unsigned char *mac,
    size_t maclen, unsigned char *out, size_t *outlen)
{
	unsigned char	 cv[PSKC_VALUE_MAX + 32];
	size_t		 cvlen;
	const char	*alg = attr(child(ev, "EncryptionMethod"), "Algorithm");
	int		 r;

	if (b64(child(child(ev, "CipherData"), "CipherValue"), cv, sizeof(cv),
	    &cvlen) == -1)
		return mfa_fail(u->err, u->errlen, MFA_ERR_INVALID,
		    "missing or bad CipherValue");
	if (mac != NULL && (r = pskc_mac_check(u->macalg, u->mackey,
	    u->mackeylen, cv, cvlen, mac, maclen, u->err, u->errlen)) !=
	    MFA_OK)
		return r;
	return pskc_decrypt(alg, u->key, u->keylen, cv, cvlen, out, outlen,
	    u->err, u->errlen);
}

/* The file's key: the pre-shared one (6.1), or one derived from the
 * password (6.2). */
static int
file_key(struct unwrap *u, xmlNodePtr ek)
{
	xmlNodePtr	 m, p;
	unsigned char	 salt[64];
	size_t		 saltlen;
	xmlChar		*s;
	unsigned long	 iter = 0, klen = 0;

	m = child(child(ek, "DerivedKey"), "KeyDerivationMethod");
	if (m == NULL) {
		if (u->k->psk_len == 0)
			return mfa_fail(u->err, u->errlen, MFA_ERR_INVALID,
			    "the file is encrypted with a pre-shared key: "
			    "give it with --psk-file");
		memcpy(u->key, u->k->psk, u->k->psk_len);
		u->keylen = u->k->psk_len;
		return MFA_OK;
	}
	if (u->k->password == NULL)
		return mfa_fail(u->err, u->errlen, MFA_ERR_INVALID, "the file "
		    "is encrypted with a password: give it with "
		    "--password-file");
	if ((p = child(m, "PBKDF2-params")) == NULL || strstr(attr(m,
	    "Algorithm") != NULL ? attr(m, "Algorithm") : "", "pbkdf2") ==
	    NULL)
		return mfa_fail(u->err, u->errlen, MFA_ERR_INVALID,
		    "key derivation other than PBKDF2 is not supported");
	if ((s = xmlNodeGetContent(child(p, "IterationCount"))) != NULL)
		iter = strtoul((const char *)s, NULL, 10);
	xmlFree(s);
	if ((s = xmlNodeGetContent(child(p, "KeyLength"))) != NULL)
		klen = strtoul((const char *)s, NULL, 10);
	xmlFree(s);
	if (klen != 16 && klen != 24 && klen != 32)
		return mfa_fail(u->err, u->errlen, MFA_ERR_INVALID,
		    "PBKDF2 KeyLength must be 16, 24 or 32");
	if (b64(child(child(p, "Salt"), "Specified"), salt, sizeof(salt),
	    &saltlen) == -1)
		return mfa_fail(u->err, u->errlen, MFA_ERR_INVALID,
		    "PBKDF2 without a Salt/Specified value");
	u->keylen = klen;
	return pskc_kdf(u->k->password, u->k->password_len, salt, saltlen,
	    iter, attr(child(p, "PRF"), "Algorithm"), u->key, klen, u->err,
	    u->errlen);
}

static int
mac_key(struct unwrap *u, xmlNodePtr mm)
{
	xmlNodePtr	mk = child(mm, "MACKey");

	u->macalg = attr(mm, "Algorithm");
	if (mk == NULL)
		return mfa_fail(u->err, u->errlen, MFA_ERR_INVALID,
		    "MACMethod without an encrypted MACKey");
	return decrypt_node(u, mk, NULL, 0, u->mackey, &u->mackeylen);
}

/* One Secret: MAC, decrypt, and a PlainValue in place of the cipher. */
static int
unwrap_secret(struct unwrap *u, xmlNodePtr sec)
{
	xmlNodePtr	 ev = child(sec, "EncryptedValue"), vm, pv;
	unsigned char	 mac[PSKC_MAC_MAX], plain[PSKC_VALUE_MAX];
	char		 text[4 * (PSKC_VALUE_MAX + 2) / 3 + 4];
	size_t		 maclen, plen = 0;
	int		 r;

	vm = child(sec, "ValueMAC");
	if (ev == NULL)
		return MFA_OK;
	if (!u->encrypted)
		return mfa_fail(u->err, u->errlen, MFA_ERR_INVALID,
		    "an EncryptedValue without an EncryptionKey");
	/* The MAC comes first: nothing unauthenticated is decrypted. */
	if (u->mackeylen == 0 || b64(vm, mac, sizeof(mac), &maclen) == -1)
		return mfa_fail(u->err, u->errlen, MFA_ERR_INVALID,
		    "an encrypted secret without MACMethod and ValueMAC");
	if ((r = decrypt_node(u, ev, mac, maclen, plain, &plen)) != MFA_OK)
		return r;
	EVP_EncodeBlock((unsigned char *)text, plain, (int)plen);
	OPENSSL_cleanse(plain, sizeof(plain));
	pv = xmlNewChild(sec, sec->ns, (const xmlChar *)"PlainValue",
	    (const xmlChar *)text);
	OPENSSL_cleanse(text, sizeof(text));
	if (pv == NULL)
		return mfa_fail(u->err, u->errlen, MFA_ERR_NOMEM,
		    "out of memory");
	xmlUnlinkNode(ev);
	xmlFreeNode(ev);
	xmlUnlinkNode(vm);
	xmlFreeNode(vm);
	return MFA_OK;
}

/* 1 when two element children of p share a name (KeyUsage aside). */
static int
twice_under(xmlNodePtr p)
{
	xmlNodePtr	c, d;

	for (c = p->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || named(c, "KeyUsage"))
			continue;
		for (d = c->next; d != NULL; d = d->next)
			if (named(d, (const char *)c->name))
				return 1;
	}
	return 0;
}

/*
 * 1 when an element under top has a sibling of its name.  libpskc keeps
 * one value of each element of a key package and loses an earlier one
 * it had read (a repeated Secret leaks a copy of the first secret, which
 * is never wiped), so a repeat is refused before libpskc sees it.
 * Policy's KeyUsage is the one element RFC 6030 lets repeat.  A walk
 * without recursion, as wipe_tree's.
 */
static int
repeated(xmlNodePtr top)
{
	xmlNodePtr	n = top;

	while (n != NULL) {
		if (n->type == XML_ELEMENT_NODE && twice_under(n))
			return 1;
		if (n->children != NULL) {
			n = n->children;
			continue;
		}
		while (n != top && n->next == NULL)
			n = n->parent;
		n = n == top ? NULL : n->next;
	}
	return 0;
}

static int
unwrap_package(struct unwrap *u, xmlNodePtr kp)
{
	xmlNodePtr	d = child(child(kp, "Key"), "Data"), n;
	int		r;

	if (repeated(kp))
		return mfa_fail(u->err, u->errlen, MFA_ERR_INVALID,
		    "an element appears twice");
	for (n = d != NULL ? d->children : NULL; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (named(n, "Secret")) {
			if ((r = unwrap_secret(u, n)) != MFA_OK)
				return r;
		} else if (child(n, "EncryptedValue") != NULL)
			return mfa_fail(u->err, u->errlen, MFA_ERR_INVALID,
			    "an encrypted %s is not supported (only secrets)",
			    (const char *)n->name);
	}
	return MFA_OK;
}

/* Every text node under top cleansed, so that no secret outlives the
 * tree; a walk without recursion, as a document may nest deep. */
static void
wipe_tree(xmlNodePtr top)
{
	xmlNodePtr	n = top;

	while (n != NULL) {
		if (n->type == XML_TEXT_NODE && n->content != NULL)
			OPENSSL_cleanse(n->content,
			    strlen((const char *)n->content));
		if (n->children != NULL) {
			n = n->children;
			continue;
		}
		while (n != top && n->next == NULL)
			n = n->parent;
		if (n == top)
			break;
		n = n->next;
	}
}

static int
unwrap_doc(struct unwrap *u, xmlNodePtr root, struct pskc_plain *out)
{
	xmlNodePtr	 n, ek = child(root, "EncryptionKey");
	xmlNodePtr	 mm = child(root, "MACMethod");
	const char	*id;
	long		*l;
	char		 why[MFA_ERRLEN];
	int		 r;

	if ((u->encrypted = ek != NULL)) {
		if ((r = file_key(u, ek)) != MFA_OK)
			return r;
		if (mm != NULL && (r = mac_key(u, mm)) != MFA_OK)
			return r;
	} else if (u->k->psk_len != 0 || u->k->password != NULL)
		return mfa_fail(u->err, u->errlen, MFA_ERR_INVALID, "a key or "
		    "password was given but the file is not encrypted");
	for (n = root->children; n != NULL; n = n->next) {
		if (!named(n, "KeyPackage"))
			continue;
		l = realloc(out->line, (out->npkg + 1) * sizeof(*l));
		if (l == NULL)
			return mfa_fail(u->err, u->errlen, MFA_ERR_NOMEM,
			    "out of memory");
		out->line = l;
		l[out->npkg++] = xmlGetLineNo(n);
		if ((r = unwrap_package(u, n)) != MFA_OK) {
			snprintf(why, sizeof(why), "%s", u->err);
			id = attr(child(n, "Key"), "Id");
			return mfa_fail(u->err, u->errlen, r, "line %ld, key "
			    "package %zu%s%.64s%s: %s", xmlGetLineNo(n),
			    out->npkg, id ? " (Id " : "", id ? id : "",
			    id ? ")" : "", why);
		}
	}
	/* libpskc knows neither element. */
	xmlUnlinkNode(ek);
	xmlUnlinkNode(mm);
	wipe_tree(ek);
	wipe_tree(mm);
	xmlFreeNode(ek);
	xmlFreeNode(mm);
	return MFA_OK;
}

int
pskc_unwrap(const char *xml, size_t len, const struct pskc_keys *k,
    struct pskc_plain *out, char *err, size_t errlen)
{
	struct unwrap	 u;
	xmlDocPtr	 doc;
	xmlNodePtr	 root;
	xmlChar		*mem = NULL;
	int		 memlen = 0, r;

	memset(out, 0, sizeof(*out));
	memset(&u, 0, sizeof(u));
	u.k = k;
	u.err = err;
	u.errlen = errlen;
	if ((doc = read_safely(xml, len, err, errlen)) == NULL)
		return MFA_ERR_INVALID;
	root = xmlDocGetRootElement(doc);
	if (!named(root, "KeyContainer"))
		r = mfa_fail(err, errlen, MFA_ERR_INVALID,
		    "not a PSKC file: no KeyContainer");
	else
		r = unwrap_doc(&u, root, out);
	if (r == MFA_OK) {
		xmlDocDumpMemory(doc, &mem, &memlen);
		if (mem == NULL || (out->xml = malloc((size_t)memlen + 1)) ==
		    NULL)
			r = mfa_fail(err, errlen, MFA_ERR_NOMEM,
			    "out of memory");
		else {
			memcpy(out->xml, mem, (size_t)memlen + 1);
			out->len = (size_t)memlen;
		}
	}
	if (mem != NULL) {
		OPENSSL_cleanse(mem, (size_t)memlen);
		xmlFree(mem);
	}
	wipe_tree((xmlNodePtr)doc);
	xmlFreeDoc(doc);
	OPENSSL_cleanse(&u, sizeof(u));
	if (r != MFA_OK)
		pskc_plain_free(out);
	return r;
}

void
pskc_plain_free(struct pskc_plain *p)
{
	if (p->xml != NULL)
		wipe_free(p->xml, p->len + 1);
	free(p->line);
	memset(p, 0, sizeof(*p));
}
