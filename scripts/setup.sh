#!/usr/bin/env bash
# Installs the Debian packages that building and testing ftpsniff need, if
# any are missing. Run as root (or with sudo available).
set -euo pipefail

packages=(
    g++ cmake make pkg-config    # toolchain
    libpcap-dev libfmt-dev libcli11-dev libabsl-dev  # libraries
    libgtest-dev nlohmann-json3-dev python3  # tests
    vsftpd                       # the live-capture test's server
    clang libclang-rt-14-dev     # the libFuzzer targets
    clang-format clang-tidy      # scripts/tidy.sh
    tshark time                  # the benchmark (bench/run.py)
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}" >&2
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
