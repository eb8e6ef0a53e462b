#!/usr/bin/env bash
# Build privdesk in release mode and install it for the current user:
#   the binary        -> $PREFIX/bin/privdesk          (PREFIX defaults to /usr/local for
#                                                        root, ~/.local for other users)
#   themes and data   -> $XDG_DATA_HOME/privdesk/      (defaults to ~/.local/share/privdesk)
# privdesk looks for its themes and data in that XDG data folder.
set -euo pipefail
cd "$(dirname "$0")"

if [ -z "${PREFIX:-}" ]; then
    if [ "$(id -u)" = 0 ]; then PREFIX=/usr/local; else PREFIX="$HOME/.local"; fi
fi
DATA_HOME="${XDG_DATA_HOME:-$HOME/.local/share}"
DEST="$DATA_HOME/privdesk"

if ! command -v cargo >/dev/null 2>&1; then
    echo "install.sh: cargo is not on PATH; install the Rust toolchain (https://rustup.rs) first" >&2
    exit 1
fi
# The bundled SQLite and the TLS library are C code: a C compiler is needed.
if ! command -v cc >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        echo "install.sh: installing a C compiler (gcc) with apt-get"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc libc6-dev >/dev/null
    else
        echo "install.sh: a C compiler is needed (Debian: sudo apt-get install gcc libc6-dev)" >&2
        exit 1
    fi
fi

cargo build --release --locked
install -d "$PREFIX/bin" "$DEST"
install -m 0755 target/release/privdesk "$PREFIX/bin/privdesk"
rm -rf "$DEST/themes" "$DEST/data"
cp -R themes data "$DEST/"
# Demo credentials are fictional, but secrets files are kept private all the same.
find "$DEST/data" -path '*secrets*' -type f -exec chmod 0600 {} +

echo "privdesk installed: $PREFIX/bin/privdesk (themes and data in $DEST)"
case ":$PATH:" in
    *":$PREFIX/bin:"*) ;;
    *) echo "note: $PREFIX/bin is not on your PATH; add it, e.g.  export PATH=\"$PREFIX/bin:\$PATH\"" ;;
esac
echo "try:  privdesk demo"
