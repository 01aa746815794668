#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The package's life on a machine, run by scripts/check.sh through
# overlay.sh (a throwaway overlay of /): install the .deb, check the setup,
# enrol a user and log in through PAM with the installed module, enable the
# pam-auth-update profile, remove (the profile goes first, the secrets
# stay), purge (the secrets go).  libpam-awsmfa-pgsql, found beside DEB:
# a PostgreSQL config fails closed without it, naming it; it installs the
# plugin, and is removed and purged before the main package.
# usage: overlay.sh deb_lifecycle.sh SRCDIR DEB
AWSMFA_SRCDIR=$1 AWSMFA_BUILDDIR=/nonexistent
deb=$2
. "$AWSMFA_SRCDIR/tests/lib.sh"
export DEBIAN_FRONTEND=noninteractive
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null ||
    gcc -print-multiarch)
so=/lib/$multiarch/security/pam_awsmfa.so
plugin=/usr/lib/$multiarch/awsmfa/store-pgsql.so
pgdeb=$(find "$(dirname "$deb")" -maxdepth 1 -name 'libpam-awsmfa-pgsql_*_*.deb' |
    head -n 1)
grep -q pam_awsmfa /etc/pam.d/common-auth &&
    skip_all "pam_awsmfa is already in this machine's common-auth"
q() { "$@" >>"$SANDBOX/dpkg.log" 2>&1; }

check "dpkg -i installs the package" q dpkg -i "$deb"
check "the module is in the security folder" test -f "$so"
is "the store is 0700 root:root" 700:root:root \
    "$(stat -c %a:%U:%G /var/lib/awsmfa 2>&1)"
# The package's own service (self-service's proofs) names the module;
# no login's stack may.
check "installing enables nothing" bash -c \
    '! grep -rq --exclude=mfa-enroll pam_awsmfa /etc/pam.d'
is "mfa-enroll --version" "mfa-enroll $(dpkg-query -W -f '${Version}' \
    libpam-awsmfa | sed 's/-[^-]*$//')" "$(mfa-enroll --version)"
out=$(mfa-enroll check 2>&1)
is "mfa-enroll check finds the setup clean" 0 $?
[ -n "$out" ] && diag "$out"
# The examples the manual pages name are where the package put them.
for p in $(zcat /usr/share/man/man8/pam_awsmfa.8.gz \
    /usr/share/man/man5/awsmfa.conf.5.gz | grep -o '/usr/share/doc/[^ ]*'); do
	check "$p, named in the manual, exists" test -e "$p"
done

# A user and a login through the real libpam, with the installed module
# named as an admin would, and codes from oathtool.
useradd -M lifecycle
cat >/etc/pam.d/awsmfa-lifecycle <<PAM
auth required pam_awsmfa.so
account required pam_permit.so
PAM
out=$(mfa-enroll create lifecycle --qr none </dev/null)
is "create succeeds" 0 $?
secret=$(printf '%s\n' "$out" | sed -n 's/^Secret: //p' | tr -d ' ')
t=$(date +%s)
mfa-enroll enable lifecycle default "$(oathtool --totp -b -N @$((t - 30)) \
    "$secret")" "$(oathtool --totp -b -N @"$t" "$secret")" >/dev/null
is "enable succeeds" 0 $?
# The codes used to enable are spent: the login takes the next step's,
# at a clock 30 s ahead (libfaketime, no waiting).
code=$(oathtool --totp -b -N @$((t + 30)) "$secret")
login() {
	echo "$1" | LD_PRELOAD=$FAKETIME_LIB FAKETIME=+30s \
	    pamtester awsmfa-lifecycle lifecycle authenticate >/dev/null 2>&1
}
check "a login with the right code succeeds" login "$code"
login 000000
is "a login with a wrong code fails" 1 $?

# The PostgreSQL store without its package: everyone is refused, and the
# one line says what to install.  With it, the plugin is found (the
# database itself is not there: the error is another one).
cp -p /etc/awsmfa/awsmfa.conf "$SANDBOX/awsmfa.conf"
cat >>/etc/awsmfa/awsmfa.conf <<CONF
store = "postgresql";
db_conninfo = "host=127.0.0.1 port=1 dbname=awsmfa";
db_break_glass = ["lifecycle"];
CONF
check "without libpam-awsmfa-pgsql the plugin is not there" test ! -e "$plugin"
login "$(oathtool --totp -b -N @$((t + 60)) "$secret")"
is "a PostgreSQL config without the plugin refuses a right code" 1 $?
out=$(mfa-enroll check 2>&1)
check "and mfa-enroll check names libpam-awsmfa-pgsql" \
    grep -q 'needs libpam-awsmfa-pgsql' <<<"$out"
if [ -z "$pgdeb" ]; then
	ok "# SKIP no libpam-awsmfa-pgsql package beside $deb"
else
	check "dpkg -i installs libpam-awsmfa-pgsql" q dpkg -i "$pgdeb"
	check "the plugin is in the package's library folder" test -f "$plugin"
	out=$(mfa-enroll check 2>&1)
	# shellcheck disable=SC2016 # $1 is the argument, inside bash -c
	check "with it the plugin loads (the database is what is missing)" \
	    bash -c '! grep -q "needs libpam-awsmfa-pgsql" <<<"$1"' _ "$out"
	check "dpkg -r removes libpam-awsmfa-pgsql" q dpkg -r libpam-awsmfa-pgsql
	check "the plugin is gone" test ! -e "$plugin"
	check "dpkg -P purges libpam-awsmfa-pgsql" q dpkg -P libpam-awsmfa-pgsql
	# dpkg may still list it as "unknown ok not-installed".
	is "dpkg has libpam-awsmfa-pgsql no more" "" \
	    "$(dpkg-query -W -f '${Status}' libpam-awsmfa-pgsql 2>/dev/null |
	    grep -v not-installed)"
fi
cp -p "$SANDBOX/awsmfa.conf" /etc/awsmfa/awsmfa.conf

check "pam-auth-update --enable awsmfa" q pam-auth-update --enable awsmfa
check "the module is in common-auth" grep -q pam_awsmfa /etc/pam.d/common-auth

check "dpkg -r removes the package" q dpkg -r libpam-awsmfa
check "the module is gone" test ! -e "$so"
check "and no longer in common-auth (prerm took it out)" \
    bash -c '! grep -rq pam_awsmfa /etc/pam.d/common-*'
check "the store with its secrets stays after remove" \
    test -f /var/lib/awsmfa/lifecycle
check "the config stays after remove" test -f /etc/awsmfa/awsmfa.conf

check "dpkg -P purges the package" q dpkg -P libpam-awsmfa
check "the store is gone after purge" test ! -e /var/lib/awsmfa
check "the config is gone after purge" test ! -e /etc/awsmfa/awsmfa.conf
is "dpkg no longer knows the package" "" \
    "$(dpkg-query -W -f '${Status}' libpam-awsmfa 2>/dev/null)"
done_testing
