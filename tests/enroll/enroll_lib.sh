# SPDX-License-Identifier: BSD-2-Clause
# Shared by the mfa-enroll tests: a sandbox config and store, a PAM
# service using the module, and codes from oathtool.
# shellcheck shell=bash
. "$AWSMFA_SRCDIR/tests/lib.sh"

CONF="$SANDBOX/awsmfa.conf"
STORE="$SANDBOX/store"

# write_conf [extra libconfig lines...]
write_conf() {
	{
		echo "store_dir = \"$STORE\";"
		echo 'issuer = "Example Corp";'
		for l in "$@"; do echo "$l"; done
	} > "$CONF"
	chmod 0644 "$CONF"
	mkdir -p "$SANDBOX/pam.d"
	echo "auth required $MODULE conf=$CONF" > "$SANDBOX/pam.d/mfa"
	echo "auth required $MODULE conf=$CONF nullok" > "$SANDBOX/pam.d/mfa-nullok"
}

mfa() { "$ENROLL" --conf "$CONF" "$@"; }

# create_device USER [DEVICE]: sets SECRET (base32, no spaces) and URI.
create_device() {
	local out
	out=$(mfa create "$1" --device "${2:-default}" --qr none </dev/null) || return 1
	SECRET=$(printf '%s\n' "$out" | sed -n 's/^Secret: //p' | tr -d ' ')
	URI=$(printf '%s\n' "$out" | grep '^otpauth://')
	[ -n "$SECRET" ] && [ -n "$URI" ]
}

# code SECRET [OFFSET_SECONDS [OATHTOOL_OPTIONS...]]: the code at now+offset.
code() {
	local s=$1 off=${2:-0}
	shift 2 2>/dev/null || shift $#
	oathtool --totp -b "$@" -N "@$(( $(date +%s) + off ))" "$s"
}

# code_at SECRET EPOCH: the code at that moment.
code_at() { oathtool --totp -b -N "@$2" "$1"; }

# enable_now USER DEVICE SECRET: the codes of the previous and the current
# step, taken at one instant so they are consecutive.
enable_now() {
	local t
	t=$(date +%s)
	mfa enable "$1" "$2" "$(code_at "$3" $((t - 30)))" "$(code_at "$3" "$t")"
}

# login SERVICE USER INPUT [FAKETIME]: 0 when the module says yes.
login() {
	printf '%s\n' "$3" | pam_run "${4:-}" -- pamtester "$1" "$2" authenticate \
	    >"$SANDBOX/login.out" 2>&1
}
