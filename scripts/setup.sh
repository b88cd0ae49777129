#!/usr/bin/env bash
# Installs the Debian packages that building and testing ftpsniff need, if
# any are missing, and the npm packages of the report's diagram check
# (tests/mermaid). Run as root (or with sudo available).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

packages=(
    g++ cmake make pkg-config    # toolchain
    libpcap-dev libfmt-dev libcli11-dev libabsl-dev  # libraries
    libgtest-dev nlohmann-json3-dev python3  # tests
    vsftpd                       # the live-capture test's server
    clang libclang-rt-14-dev     # the libFuzzer targets
    clang-format clang-tidy      # scripts/tidy.sh
    tshark time                  # the benchmark (bench/run.py), Community ID and merge checks
)
# Mermaid's parser runs on node; a node from elsewhere (NodeSource's bundles
# npm and conflicts with Debian's npm package) is used as it is.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    "${as_root[@]}" apt-get update -qq
    "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The pinned mermaid and jsdom, again only when the lockfile has changed.
mermaid="$root/tests/mermaid"
if ! cmp -s "$mermaid/package-lock.json" "$mermaid/node_modules/.installed-lock.json"; then
    echo "setup: npm ci in tests/mermaid" >&2
    npm ci --prefix "$mermaid" --ignore-scripts --no-audit --no-fund --prefer-offline --loglevel=error >/dev/null
    cp "$mermaid/package-lock.json" "$mermaid/node_modules/.installed-lock.json"
fi
