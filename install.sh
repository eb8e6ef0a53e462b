#!/usr/bin/env bash
# Build privdesk in release mode and install it.
#
#   ./install.sh            for the current user:
#     the binary        -> $PREFIX/bin/privdesk          (PREFIX defaults to /usr/local for
#                                                         root, ~/.local for other users)
#     themes and data   -> $XDG_DATA_HOME/privdesk/      (defaults to ~/.local/share/privdesk)
#
#   ./install.sh --system   (as root) a shared host: the above into /usr/local, and
#     the system user `privdesk` and the operators' group `privdesk-operators`;
#     /etc/privdesk/config.toml (root:privdesk 0640, never overwritten) and
#     /etc/privdesk/secrets/ (root:privdesk 0750); /var/lib/privdesk (privdesk, 0700)
#     for the store and the packages; the systemd unit privdesk.service, enabled and
#     started when systemd runs (otherwise the command to start it is printed).
set -euo pipefail
cd "$(dirname "$0")"

SYSTEM=no
case "${1:-}" in
    "") ;;
    --system) SYSTEM=yes ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown option $1 (try --system or --help)" >&2; exit 2 ;;
esac

if [ "$SYSTEM" = yes ] && [ "$(id -u)" != 0 ]; then
    echo "install.sh: --system sets up users, /etc/privdesk and a service: run it as root" >&2
    exit 1
fi

if [ -z "${PREFIX:-}" ]; then
    if [ "$(id -u)" = 0 ]; then PREFIX=/usr/local; else PREFIX="$HOME/.local"; fi
fi
if [ "$SYSTEM" = yes ]; then
    DEST="$PREFIX/share/privdesk"
else
    DATA_HOME="${XDG_DATA_HOME:-$HOME/.local/share}"
    DEST="$DATA_HOME/privdesk"
fi

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

if [ "$SYSTEM" = no ]; then
    case ":$PATH:" in
        *":$PREFIX/bin:"*) ;;
        *) echo "note: $PREFIX/bin is not on your PATH; add it, e.g.  export PATH=\"$PREFIX/bin:\$PATH\"" ;;
    esac
    echo "try:  privdesk demo"
    exit 0
fi

# ---- A shared host -------------------------------------------------------
USER_=privdesk
GROUP_OPS=privdesk-operators
ETC=/etc/privdesk
STATE=/var/lib/privdesk

getent group "$GROUP_OPS" >/dev/null || groupadd --system "$GROUP_OPS"
if ! getent passwd "$USER_" >/dev/null; then
    useradd --system --user-group --home-dir "$STATE" --no-create-home \
        --shell /usr/sbin/nologin --comment "privdesk server" "$USER_"
fi
# The server gives its socket to the operators' group: it must be a member.
usermod -a -G "$GROUP_OPS" "$USER_"

install -d -m 0750 -o root -g "$USER_" "$ETC" "$ETC/secrets"
if [ -e "$ETC/config.toml" ]; then
    echo "kept $ETC/config.toml as it is"
else
    install -m 0640 -o root -g "$USER_" data/server/config.toml "$ETC/config.toml"
    echo "wrote $ETC/config.toml (add your operators and systems to it)"
fi
install -d -m 0700 -o "$USER_" -g "$USER_" "$STATE"
PDBIN="$PREFIX/bin/privdesk"
# The audit key file and the checkpoint signing key: outside the store, readable by the server, writable by
# root alone (the server cannot replace it). Kept when it exists.
"$PDBIN" audit init-keys --key-file "$ETC/secrets/audit.key" \
    --checkpoint-key-file "$ETC/secrets/checkpoint.key"
chown root:"$USER_" "$ETC/secrets/audit.key" "$ETC/secrets/checkpoint.key"
chmod 0640 "$ETC/secrets/audit.key" "$ETC/secrets/checkpoint.key"
install -d /etc/systemd/system
sed "s#/usr/local/bin/privdesk#$PDBIN#g" data/server/privdesk.service > /etc/systemd/system/privdesk.service
chmod 0644 /etc/systemd/system/privdesk.service

echo "checking the configuration:"
runuser -u "$USER_" -- "$PDBIN" server --check --config "$ETC/config.toml"

if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    systemctl daemon-reload
    systemctl enable --now privdesk.service
    echo "privdesk.service is enabled and running (systemctl status privdesk; journalctl -u privdesk)"
else
    install -d -m 0755 -o "$USER_" -g "$USER_" /run/privdesk
    echo "systemd does not run here; start the server as its own user with:"
    echo "  runuser -u $USER_ -g $USER_ -G $GROUP_OPS -- $PDBIN server --config $ETC/config.toml"
fi
cat <<EOT

Next, for each operator (a Unix user on this host):
  usermod -a -G $GROUP_OPS USER                       # may connect to the server
  and an [operators.USER] entry in $ETC/config.toml   # display_name, role
They then run plain \`privdesk\` (the TUI) or \`privdesk case list\`: no configuration,
store or secret of theirs is needed, or read.
EOT
