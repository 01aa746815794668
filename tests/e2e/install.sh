# SPDX-License-Identifier: BSD-2-Clause
# make install / make uninstall into a staging folder (DESTDIR): every part
# lands where it belongs with the right mode, an existing config is never
# overwritten, uninstall leaves only a config the admin changed.
. "$AWSMFA_SRCDIR/tests/lib.sh"

B=$AWSMFA_BUILDDIR
[ -f "$B/Makefile" ] || skip_all "no Makefile in $B"
# This runs inside make check: do not inherit its jobserver or flags.
unset MAKEFLAGS MFLAGS MAKELEVEL
mk() { make -s -C "$B" "$@"; }

# The folders as configured, expanded by make itself.
cat >"$SANDBOX/dirs.mk" <<'MK'
print-dirs:
	@echo "sysconfdir='$(sysconfdir)' localstatedir='$(localstatedir)'"
	@echo "securedir='$(securedir)' sbindir='$(sbindir)' mandir='$(mandir)'"
	@echo "docdir='$(docdir)' datadir='$(datadir)' plugindir='$(plugindir)'"
MK
eval "$(mk -f Makefile -f "$SANDBOX/dirs.mk" print-dirs)"
[ -n "$securedir" ] || skip_all "cannot read the folders from the Makefile"

D=$SANDBOX/root
check "make install DESTDIR=... succeeds" mk install DESTDIR="$D"
# Whether everything lands under the folders the live test below moves.
covered=yes
while read -r f; do
	case ${f#"$D"} in
	"$sysconfdir"/* | "$localstatedir"/* | "$securedir"/* | "$sbindir"/* | \
	    "$datadir"/* | "$mandir"/* | "$docdir"/* | "$plugindir"/*) ;;
	*) covered=no; diag "installed outside the known folders: $f" ;;
	esac
done < <(find "$D" -type f)

mode() { stat -c %a "$1" 2>/dev/null; }
is "the module in the security folder" 755 "$(mode "$D$securedir/pam_awsmfa.so")"
check "no libtool archive beside the module" test ! -e "$D$securedir/pam_awsmfa.la"
is "mfa-enroll in sbin" 755 "$(mode "$D$sbindir/mfa-enroll")"
is "the PostgreSQL plugin in its folder" 755 \
    "$(mode "$D$plugindir/store-pgsql.so")"
check "no libtool archive beside the plugin" \
    test ! -e "$D$plugindir/store-pgsql.la"
conf=$D$sysconfdir/awsmfa/awsmfa.conf
is "the sample config installed 0644" 644 "$(mode "$conf")"
check "the config is the sample" cmp -s "$AWSMFA_SRCDIR/conf/awsmfa.conf" "$conf"
is "the store folder is 0700" 700 "$(mode "$D$localstatedir/lib/awsmfa")"
for f in pam.d/sshd pam.d/sudo sshd_config.d/awsmfa.conf awsmfa.conf; do
	check "example $f installed" cmp -s "$AWSMFA_SRCDIR/conf/$f" \
	    "$D$docdir/examples/$f"
done
check "pam-auth-update profile installed" cmp -s \
    "$AWSMFA_SRCDIR/conf/pam-configs/awsmfa" "$D$datadir/pam-configs/awsmfa"
check "the profile is off by default" \
    grep -qx 'Default: no' "$D$datadir/pam-configs/awsmfa"
for page in $(cd "$AWSMFA_SRCDIR/man" && ls ./*.[0-9]); do
	page=${page#./}
	check "man page $page installed" \
	    test -f "$D$mandir/man${page##*.}/$page"
done

# The admin's config survives a second install and the uninstall.
echo "# changed by the admin" >>"$conf"
out=$(mk install DESTDIR="$D" 2>&1)
check "a second install succeeds" test $? -eq 0
check "a second install keeps the admin's config" \
    grep -qx '# changed by the admin' "$conf"
check "and says so" grep -q "keeping the existing $conf" <<<"$out"
check "make uninstall succeeds" mk uninstall DESTDIR="$D"
check "uninstall keeps the changed config" \
    grep -qx '# changed by the admin' "$conf"
is "nothing else is left" "$conf" "$(find "$D" -type f)"

# Unchanged, the config goes with the rest, and so does the empty store.
cp "$AWSMFA_SRCDIR/conf/awsmfa.conf" "$conf"
mk install DESTDIR="$D" >/dev/null 2>&1
mk uninstall DESTDIR="$D" >/dev/null 2>&1
is "after uninstall of an unchanged install, no file is left" "" \
    "$(find "$D" -type f)"
check "the empty store folder is removed" \
    test ! -e "$D$localstatedir/lib/awsmfa"
# ... but a store holding records is never removed.
mk install DESTDIR="$D" >/dev/null 2>&1
touch "$D$localstatedir/lib/awsmfa/alice"
mk uninstall DESTDIR="$D" >/dev/null 2>&1
check "a store with records survives uninstall" \
    test -f "$D$localstatedir/lib/awsmfa/alice"
rm -rf "$D"

# A PAM stack still naming the module stops the uninstall before anything
# goes: without the module, every login through it would fail.
mk install DESTDIR="$D" >/dev/null 2>&1
mkdir -p "$D/etc/pam.d"
printf 'auth required %s/pam_awsmfa.so\n' "$securedir" >"$D/etc/pam.d/sshd"
printf '#auth required %s/pam_awsmfa.so\n' "$securedir" >"$D/etc/pam.d/sudo"
err=$(mk uninstall DESTDIR="$D" 2>&1)
check "uninstall fails while a PAM stack names the module" test $? -ne 0
check "and names that stack, not a commented one" \
    grep -q "still used by $D/etc/pam.d/sshd\$" <<<"$err"
check "the module is still installed" test -f "$D$securedir/pam_awsmfa.so"
rm "$D/etc/pam.d/sshd"
check "without it, uninstall succeeds" mk uninstall DESTDIR="$D"
check "and removes the module" test ! -e "$D$securedir/pam_awsmfa.so"
check "and the plugin" test ! -e "$D$plugindir/store-pgsql.so"
rm -rf "$D"

# As root without DESTDIR (the live install), config and store are root's.
# Only done when every folder can be moved into the sandbox by prefix.
if [ "$(id -u)" -eq 0 ] && [ $covered = yes ]; then
	P=$SANDBOX/prefix
	set -- prefix="$P" exec_prefix="$P" sysconfdir="$P/etc" \
	    localstatedir="$P/var" securedir="$P/security" sbindir="$P/sbin" \
	    datarootdir="$P/share" datadir="$P/share" mandir="$P/share/man" \
	    docdir="$P/share/doc/pam_awsmfa" plugindir="$P/lib/awsmfa"
	if mk install "$@" >"$SANDBOX/live.log" 2>&1; then
		is "live install: config owned by root" root:root \
		    "$(stat -c %U:%G "$P/etc/awsmfa/awsmfa.conf")"
		is "live install: store 0700 root:root" 700:root:root \
		    "$(stat -c %a:%U:%G "$P/var/lib/awsmfa")"
		mk uninstall "$@" >/dev/null 2>&1
		is "live uninstall leaves no file" "" "$(find "$P" -type f)"
	else
		not_ok "make install with every folder in the sandbox"
		sed 's/^/# /' "$SANDBOX/live.log"
	fi
fi
done_testing
