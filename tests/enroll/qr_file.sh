#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# create --qr-file: the PNG decodes to exactly the printed URI, its secret
# enables the device through oathtool's codes; files are 0600 and never
# overwritten; terminal renderings have their quiet zone.
. "$AWSMFA_SRCDIR/tests/enroll/enroll_lib.sh"
write_conf

out=$(mfa create alice --qr none --qr-file "$SANDBOX/alice.png" </dev/null)
is "create with --qr-file succeeds" 0 $?
uri=$(printf '%s\n' "$out" | grep -c '^otpauth://totp/')
is "the URI is alone on one line" 1 "$uri"
uri=$(printf '%s\n' "$out" | grep '^otpauth://totp/')
decoded=$(zbarimg -q --raw "$SANDBOX/alice.png" 2>/dev/null)
is "zbarimg reads exactly the printed URI" "$uri" "$decoded"
is "the PNG is mode 0600" 600 "$(stat -c %a "$SANDBOX/alice.png")"
case $uri in
otpauth://totp/Example%20Corp:alice\?*issuer=Example%20Corp*) ok "URI names issuer and user" ;;
*) not_ok "URI names issuer and user: $uri" ;;
esac
secret=$(printf '%s\n' "$decoded" | sed -n 's/.*[?&]secret=\([A-Z2-7]*\).*/\1/p')
grouped=$(printf '%s\n' "$out" | sed -n 's/^Secret: //p')
is "Secret: line is the URI's secret" "$secret" "$(echo "$grouped" | tr -d ' ')"
check "Secret: is grouped by 4" grep -Eq '^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$' <<<"$grouped"
check "the pending hint names the enable command" \
    grep -q '^  mfa-enroll enable alice default CODE1 CODE2$' <<<"$out"
is "device is pending" "pending" "$(mfa list alice --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["status"])')"

t=$(date +%s)
mfa enable alice default "$(code_at "$secret" $((t - 30)))" "$(code_at "$secret" "$t")" >/dev/null
is "oathtool codes from the QR's secret enable the device" 0 $?
is "device is active" "active" "$(mfa list alice --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["status"])')"

mfa create alice --device tablet --qr none --qr-file "$SANDBOX/t.svg" >/dev/null </dev/null
is "create with an SVG file succeeds" 0 $?
is "the SVG is mode 0600" 600 "$(stat -c %a "$SANDBOX/t.svg")"
check "the SVG is an SVG with a white background" grep -q '<rect width="[0-9]*" height="[0-9]*" fill="#ffffff"/>' "$SANDBOX/t.svg"
check "the SVG is well-formed XML" python3 -c "import xml.dom.minidom,sys; xml.dom.minidom.parse(sys.argv[1])" "$SANDBOX/t.svg"

# An existing file is never overwritten, and nothing is created then.
echo keep > "$SANDBOX/exists.png"
err=$(mfa create bob --qr-file "$SANDBOX/exists.png" 2>&1 >/dev/null </dev/null)
is "an existing --qr-file fails with exit 1" 1 $?
is "the message names the file" "mfa-enroll: $SANDBOX/exists.png: File exists" "$err"
is "the existing file is untouched" keep "$(cat "$SANDBOX/exists.png")"
is "no device was created for bob" "[]" "$(mfa list bob --json)"

# A create that fails after making the QR file removes it: here the
# store refuses the save, alice already having a device called default.
err=$(mfa create alice --qr none --qr-file "$SANDBOX/dup.png" 2>&1 >/dev/null </dev/null)
is "a create the store refuses fails" \
    "1|mfa-enroll: user alice already has an MFA device called default" "$?|$err"
check "the QR file it made is removed" test ! -e "$SANDBOX/dup.png"

# Or after writing it, on a full file system (a 4 KiB tmpfs, seen only
# inside a private mount namespace, so the file is looked for there).
mkdir "$SANDBOX/full"
full() {
	unshare -m sh -c 'd=$1; shift; mount -t tmpfs -o size=4k tmpfs "$d" ||
	    exit 9; "$@" 2>&1 >/dev/null; echo "rc=$? left=$(ls -A "$d")"' - \
	    "$SANDBOX/full" "$ENROLL" --conf "$CONF" create alice \
	    --device full --qr none --qr-file "$SANDBOX/full/q.svg" </dev/null
}
if out=$(full) && [ -n "$out" ]; then
	is "a QR file that cannot be written fails the create, and is removed" \
	    "mfa-enroll: cannot write the QR file; nothing created|rc=1 left=" \
	    "$(printf '%s\n' "$out" | paste -sd '|')"
else
	ok "# SKIP no private mount namespace for a full file system: $out"
fi
is "and no device is left from it" "" \
    "$(mfa list alice --json | grep '"device": "full"')"

# Whoever can write to the folder could rename another file to the path
# between its creation and the failed create's cleanup: that one is left
# alone.  Holding alice's lock stops create between the two (in
# device_create), long enough to swap the file.
lock=$STORE/.lock.alice
if [ -f "$lock" ]; then
	exec 9<"$lock"
	flock 9
	mfa create alice --qr none --qr-file "$SANDBOX/race.png" \
	    >/dev/null 2>"$SANDBOX/race.err" </dev/null 9<&- &
	racer=$!
	for _ in $(seq 100); do
		[ -e "$SANDBOX/race.png" ] && break
		sleep 0.1
	done
	check "create made its QR file and waits for the lock" \
	    test -e "$SANDBOX/race.png"
	echo "someone else's" > "$SANDBOX/other.png"
	mv -f "$SANDBOX/other.png" "$SANDBOX/race.png"
	flock -u 9
	exec 9<&-
	wait "$racer"
	is "the create fails" 1 $?
	is "the file swapped in is left alone" "someone else's" \
	    "$(cat "$SANDBOX/race.png")"
	is "and the admin is told" \
	    "mfa-enroll: user alice already has an MFA device called default
mfa-enroll: $SANDBOX/race.png: not removed: it is no longer the file written" \
	    "$(cat "$SANDBOX/race.err")"
else
	not_ok "alice's lock file $lock exists (the store's lock scheme changed?)"
fi

ln -s "$SANDBOX/target.png" "$SANDBOX/link.png"
mfa create bob --qr-file "$SANDBOX/link.png" >/dev/null 2>&1 </dev/null
is "a symlink as --qr-file is refused" 1 $?
check "nothing written through the symlink" test ! -e "$SANDBOX/target.png"

err=$(mfa create bob --qr-file "$SANDBOX/x.jpg" 2>&1 >/dev/null </dev/null)
is "--qr-file with another extension is a usage error" 2 $?
is "usage error message" "mfa-enroll: create: --qr-file must end in .png or .svg" "$err"
check "no file left behind" test ! -e "$SANDBOX/x.jpg"
err=$(mfa create bob --qr sixel 2>&1 >/dev/null </dev/null)
is "--qr with an unknown style is a usage error" 2 $?

# Terminal renderings: UTF-8 half blocks with a 4-module quiet zone (two
# lines of full blocks on top), ANSI background colours.
out=$(mfa create carol </dev/null)
first=$(printf '%s\n' "$out" | head -n 1)
width=$(printf '%s' "$first" | python3 -c 'import sys; print(len(sys.stdin.read()))')
check "utf8 QR starts with a light row" grep -Eq '^█+$' <<<"$first"
check "utf8 QR has two light rows on top" grep -Eq '^█+$' <<<"$(printf '%s\n' "$out" | sed -n 2p)"
third=$(printf '%s\n' "$out" | sed -n 3p)
check "utf8 QR rows keep 4 light columns each side" grep -Eq '^████[^█].*[^█]████$' <<<"$third"
is "the code is 4+N+4 modules wide (N = 21+4k)" 0 $(( (width - 8 - 21) % 4 ))
out=$(mfa create carol --device ansi --qr ansi </dev/null)
check "ansi QR uses white and black backgrounds" grep -q $'\033\\[47m  \033\\[40m' <<<"$out"
out=$(mfa create carol --device none --qr none </dev/null)
check "--qr none prints no code" grep -q '^Secret: ' <<<"$(printf '%s\n' "$out" | head -n 1)"

done_testing
