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
	    "$SANDBOX/full" "$ENROLL" --conf "$CONF" create root \
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

# Standard output not a terminal: no QR code unless --qr asks, and one
# line on stderr says so.
out=$(mfa create root --device piped 2>"$SANDBOX/err" </dev/null)
check "create into a pipe prints no QR code (no escape, no half block)" \
    sh -c '! printf "%s" "$1" | grep -q -e "$(printf "\033")" -e "▀" -e "█"' - "$out"
is "and says so in one line on stderr" \
    "mfa-enroll: no QR code: standard output is not a terminal (--qr utf8 prints it anyway)" \
    "$(cat "$SANDBOX/err")"
check "the URI and the secret are still printed" \
    sh -c 'printf "%s\n" "$1" | grep -q "^otpauth://" &&
    printf "%s\n" "$1" | grep -q "^Secret: "' - "$out"

# Terminal renderings, painted as a dark-on-light and a light-on-dark
# terminal shows them (qr_render.py): the colours are forced, so zbarimg
# reads the URI from both.
out=$(mfa create carol --qr utf8 </dev/null)
uri=$(printf '%s\n' "$out" | grep '^otpauth://')
for style in utf8 ansi; do
	[ $style = ansi ] && out=$(mfa create carol --device ansi --qr ansi </dev/null)
	for theme in light dark; do
		python3 "$AWSMFA_SRCDIR/tests/enroll/qr_render.py" $theme \
		    "$SANDBOX/$theme.pgm" <<<"$out"
		is "$style QR decodes on a $theme terminal" \
		    "$(printf '%s\n' "$out" | grep '^otpauth://')" \
		    "$(zbarimg -q --raw "$SANDBOX/$theme.pgm" 2>/dev/null)"
	done
done
out=$(mfa create carol --device fit --qr utf8 </dev/null)
plain=$(printf '%s\n' "$out" | sed 's/\x1b\[[0-9;]*m//g')
check "utf8 QR: black on white set on every line" \
    test "$(printf '%s\n' "$out" | sed -n '2,/^Secret/p' | grep -vc $'^\033\\[30;47m.*\033\\[0m$')" = 1
check "utf8 QR: a quiet zone of 2 modules (one blank line on top)" \
    grep -Eq '^ +$' <<<"$(printf '%s\n' "$plain" | sed -n 2p)"
check "utf8 QR: 2 blank columns each side" \
    grep -Eq '^  [^ ].*[^ ]  $' <<<"$(printf '%s\n' "$plain" | sed -n 3p)"
# Below the URI (which may scroll away), the QR code, the secret, the type
# and the prompt's line fit an 80x24 terminal for "Example Corp" and carol.
is "URI without the default parameters" "" "$(grep -o '&\(algorithm\|digits\|period\)=' <<<"$uri")"
n=$(printf '%s\n' "$plain" | sed -n '2,/^Type: /p' | wc -l)
check "QR, Secret and Type take at most 23 lines ($n), the prompt the 24th" \
    test "$n" -le 23
check "no line is wider than 80 columns" \
    test "$(printf '%s\n' "$plain" | sed -n '2,/^Type: /p' | wc -L)" -le 80
err=$(mfa create root --device quiet --qr none 2>&1 >/dev/null </dev/null)
is "no warning for SHA1, 6 digits, 30 seconds" "" "$err"

# Parameters Google Authenticator ignores, or no app shows, are warned of.
write_conf 'algorithm = "SHA256";' 'digits = 8;' 'period = 60;'
err=$(mfa create root --device sha256 --qr none 2>&1 >/dev/null </dev/null)
is "a warning for SHA256, 8 digits, 60 seconds" \
    "mfa-enroll: warning: Google Authenticator ignores SHA256, 8 digits, a period of 60 seconds (set in the config) and would show wrong codes: use an app that reads them" \
    "$err"
write_conf 'digits = 7;'
err=$(mfa create root --device seven --qr none 2>&1 >/dev/null </dev/null)
is "a warning for 7 digits" \
    "mfa-enroll: warning: 7 digits are outside the Key Uri Format (6 or 8): most authenticator apps cannot show such codes" \
    "$err"
write_conf
out=$(mfa create carol --device none --qr none </dev/null)
check "--qr none prints no code: the URI, then Secret:" \
    grep -q '^Secret: ' <<<"$(printf '%s\n' "$out" | sed -n 2p)"

done_testing
