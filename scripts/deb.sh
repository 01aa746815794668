#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# deb.sh OUT TARBALL: the Debian source and binary packages, built from the
# release tarball (make dist's, which distcheck checked) with this tree's
# debian/ folder, into OUT; then lintian --pedantic on them, which must
# print no error and no warning.
set -eu -o pipefail
out=$1 tarball=$(realpath "$2")
src=$(cd "$(dirname "$0")/.." && pwd)
version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
upstream=${version%-*}
rm -rf "$out"
mkdir -p "$out"
cp "$tarball" "$out/pam-awsmfa_$upstream.orig.tar.gz"
tar -xzf "$tarball" -C "$out"
mv "$out/pam_awsmfa-$upstream" "$out/pam-awsmfa-$upstream"
cp -a "$src/debian" "$out/pam-awsmfa-$upstream/"
(cd "$out/pam-awsmfa-$upstream" && DEB_BUILD_OPTIONS=parallel=2 \
    dpkg-buildpackage -us -uc -j2)
cd "$out"
lintian --pedantic -I --fail-on error,warning,info,pedantic \
    "pam-awsmfa_${version}_$(dpkg --print-architecture).changes" | tee lintian.log
