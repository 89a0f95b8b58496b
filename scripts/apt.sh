# Sourced by the set-up scripts: install_missing installs the Debian packages that are missing.
# shellcheck shell=bash

# Installs the Debian packages of "$@" that are missing (when run as root), after the flags
# before "--".
apt_updated=
install_missing() {
    local flags=() missing=()
    while [ "$1" != -- ]; do flags+=("$1"); shift; done
    shift
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    ((${#missing[@]})) || return 0
    if [ "$(id -u)" != 0 ]; then
        echo "== missing Debian packages (run as root or install them): ${missing[*]}" >&2
        return 0
    fi
    echo "== installing ${missing[*]}"
    [ -n "$apt_updated" ] || { apt-get update -qq; apt_updated=1; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${flags[@]}" "${missing[@]}" >/dev/null
}
