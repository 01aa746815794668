#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# How enable and resync learn a device's drift: typing delay is not drift.
# A person reads CODE1 and CODE2 from the device and then types them, so
# Enter lands 0-60 s after CODE2 was read, at any phase of its period.  A
# device whose clock is right (or a few seconds fast) must keep the whole
# login window (previous, current and next period) afterwards; a device
# 10 minutes fast or slow must log in with a fresh code afterwards.  Every
# command runs under a frozen libfaketime clock; codes come from oathtool.
. "$AWSMFA_SRCDIR/tests/enroll/enroll_lib.sh"
write_conf 'lockout_seconds = 0;'
export TZ=UTC
DRIVER="$AWSMFA_BUILDDIR/tests/pam/driver"
[ -x "$DRIVER" ] || skip_all "tests/pam/driver not built"
[ -r "$FAKETIME_LIB" ] || skip_all "libfaketime missing"
T0=1767225600	# 2026-01-01 00:00:00 UTC, a period boundary

stamp() { date -u -d "@$1" '+%Y-%m-%d %H:%M:%S'; }
# at EPOCH command...: runs with the clock frozen at EPOCH.
at() {
	local e=$1
	shift
	LD_PRELOAD="$AWSMFA_PRELOAD $FAKETIME_LIB" FAKETIME="$(stamp "$e")" "$@"
}
# logs_in USER CODE EPOCH: 0 when the module accepts CODE at EPOCH.
# pam_wrapper picks one of a few /tmp/pam.X folders; when it finds none
# free the module never ran, and the login is tried again.
logs_in() {
	local out i
	for i in 1 2 3 4 5; do
		out=$(pam_run "$(stamp "$3")" -- "$DRIVER" -u "$1" "$2" 2>&1)
		case $out in *'pwrap_init: Failed'*) continue ;; esac
		case $out in *'result: PAM_SUCCESS'*) return 0 ;; esac
		break
	done
	printf '# login %s at %s: %s\n' "$1" "$3" "$(printf '%s' "$out" |
	    grep -v 'no default config other' | tr '\n' ' ')" >&2
	return 1
}
# whole_window USER SECRET EPOCH: the codes of the previous, the current
# and the next period each log in at EPOCH (oldest first: each burns the
# ones before it).
whole_window() {
	local o
	for o in -30 0 30; do
		logs_in "$1" "$(code_at "$2" $(($3 + o)))" "$3" || return 1
	done
}
# learn VERB USER SECRET C2 ENTER: VERB (enable or resync) with the codes
# of the periods that start at C2 - 30 and C2 on the device's clock,
# Enter pressed at ENTER on the server's clock.
learn() {
	at "$5" mfa "$1" "$2" default "$(code_at "$3" $(($4 - 30)))" \
	    "$(code_at "$3" "$4")" >/dev/null
}

# A right clock: CODE2 read P s into its period, Enter LATE s later.
create_device alice; A=$SECRET
bad=""
i=0
for p in 0 5 10 15 20 25; do
	for late in 0 10 20 30 40 50 60; do
		i=$((i + 1))
		c2=$((T0 + 600 * i + 300))
		verb=resync
		[ $i -eq 1 ] && verb=enable
		if ! learn $verb alice "$A" $c2 $((c2 + p + late)); then
			bad="$bad $verb:p$p+$late"
		elif ! whole_window alice "$A" $((c2 + 180)); then
			bad="$bad p$p+$late"
		fi
	done
done
is "right clock, resync typed 0-60 s late at any phase: previous, current and next period log in" \
    "" "$bad"

# enable itself (also what create does on a terminal), one user per try.
bad=""
for pl in 0:0 5:60 10:30 15:45 20:20 25:55 29:60; do
	p=${pl%:*} late=${pl#*:}
	create_device "e$p"
	c2=$((T0 + 300))
	if ! learn enable "e$p" "$SECRET" $c2 $((c2 + p + late)); then
		bad="$bad enable:p$p+$late"
	elif ! whole_window "e$p" "$SECRET" $((c2 + 180)); then
		bad="$bad p$p+$late"
	fi
done
is "right clock: enable typed late keeps the whole window" "" "$bad"

# A phone F s fast typed quickly: CODE2 shows from C2 - F on the server's
# clock.
create_device phone; P=$SECRET
learn enable phone "$P" $((T0 + 300)) $((T0 + 300)) || not_ok "enable phone"
bad=""
i=0
for f in 5 10 15; do
	for p in 0 5 10 15 20 25; do
		for late in 0 8; do
			i=$((i + 1))
			c2=$((T0 + 600 * i + 300))
			if ! learn resync phone "$P" $c2 \
			    $((c2 - f + p + late)); then
				bad="$bad resync:f$f:p$p+$late"
			elif ! whole_window phone "$P" $((c2 + 180)); then
				bad="$bad f$f:p$p+$late"
			fi
		done
	done
done
is "phone 5-15 s fast, typed quickly: previous, current and next period log in" \
    "" "$bad"

# A device F s off: resync, then fresh codes typed 0-25 s after they
# appear on it log in.
far_off() {
	local user=$1 s=$2 f=$3 p late c2 j q t bad='' i=0
	for p in 0 10 20 25; do
		for late in 0 30 60; do
			i=$((i + 1))
			c2=$((T0 + 3600 * i + 300))
			if ! learn resync "$user" "$s" $c2 \
			    $((c2 - f + p + late)); then
				bad="$bad resync:p$p+$late"
				continue
			fi
			j=0
			for t in 0 10 20 25; do
				q=$((c2 + 120 + 30 * j))
				j=$((j + 1))
				logs_in "$user" "$(code_at "$s" $q)" \
				    $((q - f + t)) || bad="$bad p$p+$late:t$t"
			done
		done
	done
	printf '%s' "$bad"
}
# enable needs codes near the server's clock: enable right, then let the
# device's clock go wrong.
create_device fast; learn enable fast "$SECRET" $((T0 + 300)) $((T0 + 300))
is "device 10 minutes fast: resync, then fresh codes log in" "" \
    "$(far_off fast "$SECRET" 600)"
create_device slow; learn enable slow "$SECRET" $((T0 + 300)) $((T0 + 300))
is "device 10 minutes slow: resync, then fresh codes log in" "" \
    "$(far_off slow "$SECRET" -600)"

done_testing
