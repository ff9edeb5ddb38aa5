#!/usr/bin/env bash
# Installs what the tests need on a Debian machine, and nothing when it is all
# there: PostgreSQL (tests start their own throwaway clusters), Chromium (the
# browser tests), rdflib (Debian's python3-rdflib, the independent RDF reader
# of the export tests), wrk and curl (the test that keeps bench/soak.sh
# running), Node.js and npm (the playground bundle).
set -euo pipefail

packages=(postgresql chromium make ca-certificates python3-rdflib wrk curl)

installed() {
	dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null | grep -qx 'install ok installed'
}

missing=()
for p in "${packages[@]}"; do
	installed "$p" || missing+=("$p")
done
command -v npm >/dev/null || missing+=(nodejs npm)

if ((${#missing[@]} == 0)); then
	echo "deps: already installed: ${packages[*]} node"
	exit 0
fi
if [[ $(id -u) != 0 ]]; then
	echo "deps: missing ${missing[*]}; install them as root: apt-get install ${missing[*]}" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Keep the package's postinst from starting the system-wide PostgreSQL service:
# tests start their own clusters. policy-rc.d is Debian's switch for that; one
# is added only if the machine has none, and removed after.
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get update
apt-get install -y --no-install-recommends "${missing[@]}"
