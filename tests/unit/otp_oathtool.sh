#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Our TOTP codes against oathtool's, an independent implementation, for
# random secrets, algorithms, digit counts, periods and times from 1970
# to far beyond 2106.  AWSMFA_OTP_SEED and AWSMFA_OTP_CASES override the
# defaults to explore more cases.
# shellcheck source=tests/lib.sh
. "$AWSMFA_SRCDIR/tests/lib.sh"

command -v oathtool >/dev/null || skip_all "oathtool not installed"

seed=${AWSMFA_OTP_SEED:-20240601}
cases=${AWSMFA_OTP_CASES:-1200}
check_prog="$AWSMFA_BUILDDIR/tests/unit/otp_check"

diag "seed $seed, $cases cases"
if "$check_prog" "$seed" "$cases" >"$SANDBOX/cases"; then
	ok "otp_check generated cases"
else
	not_ok "otp_check generated cases"
fi
is "number of cases" "$cases" "$(wc -l <"$SANDBOX/cases" | tr -d ' ')"

# One oathtool per case: a few milliseconds each.
compare() {
	local n=0 bad=0 hex alg digits period t ours theirs
	while read -r hex alg digits period t ours; do
		n=$((n + 1))
		theirs=$(oathtool --totp="$alg" --digits="$digits" \
		    --time-step-size="${period}s" -N "@$t" "$hex" 2>&1)
		if [ "$theirs" != "$ours" ]; then
			bad=$((bad + 1))
			diag "mismatch: oathtool --totp=$alg --digits=$digits" \
			    "--time-step-size=${period}s -N @$t $hex" \
			    "gives '$theirs', we give '$ours'"
		fi
	done
	[ "$n" -gt 0 ] && [ "$bad" -eq 0 ]
}

# Split by era so a failure says where: before 2038, 2038 to 2106, after.
awk '$5 < 2147483648' "$SANDBOX/cases" >"$SANDBOX/early"
awk '$5 >= 2147483648 && $5 < 4294967296' "$SANDBOX/cases" >"$SANDBOX/mid"
awk '$5 >= 4294967296' "$SANDBOX/cases" >"$SANDBOX/late"
check "codes equal oathtool's before 2038 ($(wc -l <"$SANDBOX/early") cases)" \
    compare <"$SANDBOX/early"
check "codes equal oathtool's from 2038 to 2106 ($(wc -l <"$SANDBOX/mid") cases)" \
    compare <"$SANDBOX/mid"
check "codes equal oathtool's after 2106 ($(wc -l <"$SANDBOX/late") cases)" \
    compare <"$SANDBOX/late"

# The comparison itself must be able to fail: a corrupted code is caught.
awk 'NR == 1 { $6 = ($6 ~ /^0/) ? "1" substr($6, 2) : "0" substr($6, 2) } NR == 1' \
    "$SANDBOX/cases" >"$SANDBOX/wrong"
if compare <"$SANDBOX/wrong" >/dev/null; then
	not_ok "a wrong code is detected"
else
	ok "a wrong code is detected"
fi

done_testing
