#!/usr/bin/env bash
# setup.sh — install what goboot needs on Debian bookworm or trixie (as root), then build.
# Idempotent: a second run installs nothing and rebuilds incrementally.
#   BUILD_DIR (default build)   where to configure and build
#   GOBOOT_CMAKE_ARGS           extra arguments for cmake
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$top/build}

need_root() { [ "$(id -u)" = 0 ] || { echo "setup.sh: run as root (it installs Debian packages)" >&2; exit 1; }; }

apt_install() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  need_root
  if [ ! -f /var/lib/apt/periodic/goboot-updated ] || [ -z "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v lock)" ]; then
    apt-get update -qq
    mkdir -p /var/lib/apt/periodic && touch /var/lib/apt/periodic/goboot-updated
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# The Debian archive mirror this machine already uses (not the security one).
debian_mirror() {
  local m
  m=$(grep -rhoE '(https?://[^ ]+/debian)/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null \
      | grep -v security | head -n1 | tr -d ' ' || true)
  echo "${m:-http://deb.debian.org/debian}"
}

# Unicorn 2.1.1 exactly as Debian 13 ships it. On trixie it is the ordinary package; on
# bookworm (which has 2.0.1) the two trixie .debs are fetched from the same mirror, checked
# against pinned sha256 sums (those of trixie's Packages index) and installed with apt,
# without adding trixie to the apt sources. They depend only on libc6 >= 2.34.
install_unicorn() {
  if pkg-config --exact-version=2.1.1 unicorn 2>/dev/null; then return 0; fi
  need_root
  local cand
  cand=$(apt-cache policy libunicorn-dev 2>/dev/null | awk '/Candidate:/{print $2}')
  if [ "$cand" = "2.1.1-2+b2" ]; then apt_install libunicorn-dev; return 0; fi
  local mirror dir pool=pool/main/u/unicorn-engine
  mirror=$(debian_mirror)
  dir=$(mktemp -d)
  declare -A sums=(
    [libunicorn2t64_2.1.1-2+b2_amd64.deb]=3f760a28c65a93662edbcb21fceb2e0a1c0ab0e8277564fc572e6532949e3e3f
    [libunicorn-dev_2.1.1-2+b2_amd64.deb]=479613e244a6023c03708951a5f0e00fc96c83a4b74b4d74c9fe7d3a9050208b
  )
  for deb in "${!sums[@]}"; do
    curl -fsSL --retry 3 -o "$dir/$deb" "$mirror/$pool/$deb" \
      || { echo "setup.sh: cannot download $mirror/$pool/$deb" >&2; exit 1; }
    echo "${sums[$deb]}  $dir/$deb" | sha256sum -c --quiet - \
      || { echo "setup.sh: sha256 mismatch for $deb" >&2; exit 1; }
  done
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$dir"/libunicorn2t64_*.deb "$dir"/libunicorn-dev_*.deb
  rm -rf "$dir"
}

mapfile -t pkgs < <(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$here/apt-packages.txt")
apt_install "${pkgs[@]}"
install_unicorn

cmake -S "$top" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGOBOOT_WERROR=ON ${GOBOOT_CMAKE_ARGS:-} >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)"
