# SPDX-License-Identifier: BSD-2-Clause
# Debian packages, shared by quickstart.sh and check.sh.
# shellcheck shell=bash

BUILD_DEPS="build-essential autoconf automake libtool pkg-config
    libssl-dev libconfig-dev libqrencode-dev libpng-dev libpam0g-dev
    libpq-dev libpskc-dev libxml2-dev"
RUN_DEPS="libpam-wrapper pamtester oathtool libfaketime"
TEST_DEPS="libcmocka-dev faketime zbar-tools python3 python3-pexpect
    openssh-server openssh-client sudo mandoc groff-base valgrind clang
    libclang-rt-14-dev cppcheck clang-tidy expect util-linux passwd openssl
    strace e2fsprogs postgresql postgresql-client pgbouncer debhelper dpkg-dev
    fakeroot lintian nftables iproute2 debootstrap systemd python3-pskc"

# Installs what is missing, and only that: a second run changes nothing
# and needs no network.
install_deps() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		    grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "Installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq &&
	    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

need_root() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "$0: must be run as root (it installs packages with apt-get)" >&2
		exit 1
	fi
}
