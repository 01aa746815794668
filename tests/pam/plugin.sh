#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# A login loads only its own store.  pam_awsmfa.so exports pam_sm_* alone,
# holds no lifecycle or database code and needs no database library;
# neither does mfa-enroll.  The PostgreSQL plugin exports its one entry
# point.  A PostgreSQL config without the plugin, or with a plugin of
# another interface, fails closed for everyone (break-glass accounts
# too) with one syslog line naming the package to install.
if [ -z "${AWSMFA_PRIVATE_NS:-}" ] && unshare -m true 2>/dev/null; then
	AWSMFA_PRIVATE_NS=1 exec unshare -m bash "$0" "$@"
fi
. "$AWSMFA_SRCDIR/tests/pam/pamlib.sh"

INSTALLED_MODULE="$AWSMFA_BUILDDIR/pam_module/.libs/pam_awsmfa.so"
INSTALLED_ENROLL="$AWSMFA_BUILDDIR/enroll_tool/mfa-enroll"
PLUGIN="$AWSMFA_BUILDDIR/lib/.libs/store-pgsql.so"
PLUGIN_V0="$AWSMFA_BUILDDIR/tests/pam/.libs/plugin_v0.so"
# libpq and what it pulls in: TLS, Kerberos, LDAP, SASL, GnuTLS, ...
DB_LIBS='lib(pq|ssl|gssapi|krb5|k5crypto|ldap|lber|sasl2|gnutls|p11-kit|nettle|hogweed|gmp|idn2|unistring|tasn1|com_err|keyutils)\.'

# needed FILE: its NEEDED entries, one a line; the sanitizer runtimes
# of a sanitizer build (scripts/check.sh) are the build's, not ours.
needed() {
	readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' |
	    grep -vE '^lib(asan|ubsan)\.so\.'
}

# exported FILE: the global symbols it defines for others.
exported() {
	nm -D --defined-only "$1" | awk '$2 ~ /^[A-Z]$/ { print $3 }' |
	    grep -vE '^(_init|_fini|_edata|_end|__bss_start)$'
}

for m in "$INSTALLED_MODULE" "$MODULE"; do
	is "${m#"$AWSMFA_BUILDDIR"/}: exports pam_sm_* only" \
	    "pam_sm_authenticate pam_sm_setcred" "$(exported "$m" | sort | xargs)"
	bad=$(nm "$m" | awk '$2 ~ /^[Tt]$/ { print $3 }' | grep -E '^(device_|token_import|backend_(create|enable|resync|deactivate|recovery_codes|import_tokens|list|check)$|backend_file_(list|check)$|backend_pg|db_|PQ)' | xargs)
	is "${m#"$AWSMFA_BUILDDIR"/}: no lifecycle or database code" "" "$bad"
	bad=$(needed "$m" | grep -vE '^lib(pam|crypto|config|c)\.so\.' | xargs)
	is "${m#"$AWSMFA_BUILDDIR"/}: needs libpam, libcrypto, libconfig, libc only" "" "$bad"
done
for e in "$INSTALLED_ENROLL" "$ENROLL"; do
	bad=$(needed "$e" | grep -E "$DB_LIBS" | xargs)
	is "${e#"$AWSMFA_BUILDDIR"/}: links no database library" "" "$bad"
done
is "the plugin exports its entry point only" awsmfa_store_plugin_v1 \
    "$(exported "$PLUGIN" | xargs)"
check "the plugin is the one that needs libpq" \
    sh -c "readelf -d '$PLUGIN' | grep -q 'NEEDED.*libpq\.so'"

# A PostgreSQL config: "root" may fall back to the file store, where it
# has a device; neither matters while the plugin cannot be loaded.
syslog_setup
enroll root
write_conf 'store = "postgresql";' \
    'db_conninfo = "host=127.0.0.1 port=1 dbname=awsmfa";' \
    'db_break_glass = ["root"];'

# refused WHAT MODULE TEXT: a right code for root is PAM_AUTHINFO_UNAVAIL
# with one error line naming the package and TEXT (the audit line caps
# the reason, which ends on the path).
refused() {
	local out lines
	service mfa "auth required $2 conf=$CONF"
	syslog_mark
	out=$(auth $T0 -u root "$(code $T0)")
	is "$1: PAM_AUTHINFO_UNAVAIL for a break-glass account" \
	    PAM_AUTHINFO_UNAVAIL "$(result "$out")"
	if [ -z "$SYSLOG" ]; then
		ok "# SKIP no private /dev/log"
		return
	fi
	lines=$(syslog_new)
	if [ "$(echo "$lines" | grep -c 'result=error')" = 1 ] &&
	    echo "$lines" | grep -q "needs libpam-awsmfa-pgsql.*$3" &&
	    ! echo "$lines" | grep -q break-glass; then
		ok "$1: one line naming libpam-awsmfa-pgsql"
	else
		not_ok "$1: one line naming libpam-awsmfa-pgsql"
		echo "$lines" | sed 's/^/#   /'
	fi
}

# The installed module looks in configure's plugindir, where make check
# installs nothing.
path=$(strings "$INSTALLED_MODULE" | grep '/store-pgsql\.so$' | head -n 1)
if [ -e "$path" ]; then
	ok "# SKIP $path is installed on this machine"
	ok "# SKIP $path is installed on this machine"
else
	refused "plugin missing" "$INSTALLED_MODULE" "cannot open"
fi
if [ -z "${AWSMFA_PRIVATE_NS:-}" ] || [ ! -e "$PLUGIN_V0" ]; then
	ok "# SKIP no private mount namespace"
	ok "# SKIP no private mount namespace"
else
	mount --bind "$PLUGIN_V0" "$PLUGIN"
	refused "plugin of another interface version" "$MODULE" \
	    "another interface version"
	umount "$PLUGIN"
fi
done_testing
