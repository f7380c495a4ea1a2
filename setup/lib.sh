# Shared by setup/run and setup/test: find or install everything the add-ons need.
# Sourced, not executed. Every step checks first and only installs what is missing.

set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_DIR="${CC_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/credit_collection}"
LOCAL_DIR="$REPO_DIR/.local"
ODOO_BRANCH=19.0
PYTHON_BIN="${CC_PYTHON:-python3.11}"
# One virtualenv per Odoo series: the pinned requirements differ between series.
VENV_DIR="${CC_VENV:-$CACHE_DIR/venv-odoo${ODOO_BRANCH%%.*}-py311}"
ODOO_OFFICIAL_URL="https://github.com/odoo/odoo/archive/refs/heads/${ODOO_BRANCH}.tar.gz"
HTTP_PORT="${CC_HTTP_PORT:-8069}"
EMBEDDED_PG_PORT="${CC_PG_PORT:-54329}"
ADDONS="credit_collection,credit_collection_insurance,credit_collection_portal,credit_collection_sale,credit_collection_sms,credit_collection_accounting,credit_collection_litigation,credit_collection_kpi,credit_collection_solvency,credit_collection_scoring,credit_collection_credit_limit,credit_collection_segmentation,l10n_fr_credit_collection,credit_collection_worklist,credit_collection_reply"

log() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root for: $*"; fi; }

mkdir -p "$CACHE_DIR" "$LOCAL_DIR"

# --- System packages ---------------------------------------------------------------------------
ensure_system_packages() {
    local missing=()
    [ -x /usr/lib/postgresql/15/bin/postgres ] || [ -n "${PGHOST:-}" ] || missing+=(postgresql)
    command -v psql >/dev/null || missing+=(postgresql-client)
    command -v wkhtmltopdf >/dev/null || missing+=(wkhtmltopdf)
    command -v chromium >/dev/null || missing+=(chromium)
    command -v pdftoppm >/dev/null || missing+=(poppler-utils)  # the PDF tests read the letters as text and PNG
    [ -f /usr/include/postgresql/libpq-fe.h ] || missing+=(libpq-dev)
    [ -f /usr/include/ldap.h ] || missing+=(libldap2-dev)
    [ -f /usr/include/sasl/sasl.h ] || missing+=(libsasl2-dev)
    command -v "$PYTHON_BIN" >/dev/null || missing+=(python3.11 python3.11-venv python3.11-dev)
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing system packages: ${missing[*]}"
        command -v apt-get >/dev/null || die "apt-get not found; install by hand: ${missing[*]}"
        as_root apt-get update -q >/dev/null
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
            "${missing[@]}" fonts-dejavu-core >/dev/null
    fi
}

# --- Odoo source -------------------------------------------------------------------------------
# Order: an importable odoo in the venv, ODOO_SRC, the cache folder, the official $ODOO_BRANCH source.
find_odoo_src() {
    if [ -n "${ODOO_SRC:-}" ]; then
        [ -f "$ODOO_SRC/odoo-bin" ] || die "ODOO_SRC=$ODOO_SRC has no odoo-bin"
        echo "$ODOO_SRC"; return
    fi
    if [ -x "$VENV_DIR/bin/python" ]; then
        local importable
        # odoo.release, not odoo: since 19.0 odoo is a namespace package (no __file__); right series only.
        importable=$(cd / && "$VENV_DIR/bin/python" -c 'import odoo.release as r, os, sys
if r.series == sys.argv[1]: print(os.path.dirname(os.path.dirname(r.__file__)))' "$ODOO_BRANCH" 2>/dev/null || true)
        if [ -n "$importable" ] && [ -f "$importable/odoo-bin" ]; then echo "$importable"; return; fi
    fi
    if [ -f "$CACHE_DIR/odoo-$ODOO_BRANCH/odoo-bin" ]; then echo "$CACHE_DIR/odoo-$ODOO_BRANCH"; return; fi
    log "downloading the official Odoo $ODOO_BRANCH source into $CACHE_DIR"
    local tmp="$CACHE_DIR/odoo-$ODOO_BRANCH.partial"
    rm -rf "$tmp" && mkdir -p "$tmp"
    curl -fsSL --retry 3 "$ODOO_OFFICIAL_URL" | tar -xz -C "$tmp" --strip-components=1 \
        || die "could not download Odoo $ODOO_BRANCH; set ODOO_SRC to an Odoo $ODOO_BRANCH source tree"
    mv "$tmp" "$CACHE_DIR/odoo-$ODOO_BRANCH"
    echo "$CACHE_DIR/odoo-$ODOO_BRANCH"
}

odoo_addons_dir() {
    # Release layout: odoo/addons + addons/; nightly layout: everything under odoo/addons.
    local src=$1 paths="$src/odoo/addons"
    [ -d "$src/addons/account" ] && paths="$src/addons,$paths"
    echo "$paths"
}

# --- Python environment ------------------------------------------------------------------------
ensure_venv() {
    local src=$1 stamp="$VENV_DIR/.credit_collection-requirements"
    local want
    want=$(cat "$src/requirements.txt" "$REPO_DIR/setup/requirements.txt" | sha1sum | cut -c1-12)
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return; fi
    log "preparing the Python environment in $VENV_DIR (first time: a few minutes)"
    [ -x "$VENV_DIR/bin/python" ] || "$PYTHON_BIN" -m venv "$VENV_DIR"
    local pip=("$VENV_DIR/bin/python" -m pip install -q --disable-pip-version-check)
    # Some pinned sdists still import pkg_resources: build them without isolation on an old setuptools.
    "${pip[@]}" "setuptools<70" wheel Cython
    "${pip[@]}" --no-build-isolation -r "$src/requirements.txt"
    "${pip[@]}" --no-build-isolation -r "$REPO_DIR/setup/requirements.txt"
    echo "$want" >"$stamp"
}

# --- Lint tools --------------------------------------------------------------------------------
# pre-commit in its own virtualenv; the hooks' environments (ruff, pylint-odoo, prettier, ...) are
# built by pre-commit from PyPI and npm at the versions pinned in .pre-commit-config.yaml, once, in
# the cache folder.
LINT_VENV_DIR="${CC_LINT_VENV:-$CACHE_DIR/venv-lint}"
export PRE_COMMIT_HOME="${PRE_COMMIT_HOME:-$CACHE_DIR/pre-commit}"

ensure_lint_tools() {
    local missing=()
    command -v git >/dev/null || missing+=(git)
    command -v node >/dev/null || missing+=(nodejs)
    command -v npm >/dev/null || missing+=(npm)
    command -v "$PYTHON_BIN" >/dev/null || missing+=(python3.11 python3.11-venv)
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing system packages: ${missing[*]}"
        command -v apt-get >/dev/null || die "apt-get not found; install by hand: ${missing[*]}"
        as_root apt-get update -q >/dev/null
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
    fi
    local stamp="$LINT_VENV_DIR/.credit_collection-lint" want
    want=$(cat "$REPO_DIR/setup/lint-requirements.txt" "$REPO_DIR/.pre-commit-config.yaml" | sha1sum | cut -c1-12)
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return; fi
    log "preparing the lint tools in $LINT_VENV_DIR and $PRE_COMMIT_HOME (first time: a few minutes)"
    [ -x "$LINT_VENV_DIR/bin/python" ] || "$PYTHON_BIN" -m venv "$LINT_VENV_DIR"
    "$LINT_VENV_DIR/bin/python" -m pip install -q --disable-pip-version-check -r "$REPO_DIR/setup/lint-requirements.txt"
    (cd "$REPO_DIR" && "$LINT_VENV_DIR/bin/pre-commit" install-hooks) || die "could not build the pre-commit hooks"
    echo "$want" >"$stamp"
}

# --- PostgreSQL --------------------------------------------------------------------------------
# Embedded by default: a cluster in .local/pgdata on its own port, run by a non-root user.
# With PGHOST set, the existing server given by PGHOST/PGPORT/PGUSER/PGPASSWORD is used instead.
PG_BIN=/usr/lib/postgresql/15/bin
PG_DATA="$LOCAL_DIR/pgdata"
PG_SOCKET_DIR="$LOCAL_DIR/pgrun"
PG_LOG_DIR="$LOCAL_DIR/pglog"
PG_SUPERUSER=odoo  # Odoo refuses to connect as "postgres"

pg_owner() {
    if [ "$(id -u)" = 0 ]; then echo postgres; else id -un; fi
}

run_as_pg_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

make_traversable_for() {
    # The cluster user must reach .local/ through every parent folder: add the traverse bit only.
    local user=$1 dir=$2
    [ "$(id -u)" = 0 ] || return 0
    while [ "$dir" != / ]; do
        if ! runuser -u "$user" -- test -x "$dir"; then
            log "allowing $user to traverse $dir (chmod o+x)"
            chmod o+x "$dir"
        fi
        dir=$(dirname "$dir")
    done
}

ensure_postgres() {
    if [ -n "${PGHOST:-}" ]; then
        export PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-$(id -un)}"
        DB_HOST=$PGHOST DB_PORT=$PGPORT DB_USER=$PGUSER DB_PASSWORD="${PGPASSWORD:-}"
        psql -d postgres -Atc 'select 1' >/dev/null || die "cannot reach PostgreSQL at $PGHOST:$PGPORT as $PGUSER"
        return
    fi
    local owner
    owner=$(pg_owner)
    id "$owner" >/dev/null 2>&1 || as_root useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    make_traversable_for "$owner" "$LOCAL_DIR"
    mkdir -p "$PG_DATA" "$PG_SOCKET_DIR" "$PG_LOG_DIR"
    if [ "$(id -u)" = 0 ]; then chown "$owner" "$PG_DATA" "$PG_SOCKET_DIR" "$PG_LOG_DIR"; fi
    if [ ! -f "$PG_DATA/PG_VERSION" ]; then
        log "creating the project PostgreSQL cluster in $PG_DATA"
        run_as_pg_owner "$PG_BIN/initdb" -D "$PG_DATA" -U "$PG_SUPERUSER" --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
        cat >>"$PG_DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $EMBEDDED_PG_PORT
unix_socket_directories = '$PG_SOCKET_DIR'
shared_buffers = 512MB
work_mem = 32MB
maintenance_work_mem = 256MB
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
    fi
    if ! run_as_pg_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
        log "starting PostgreSQL on port $EMBEDDED_PG_PORT"
        run_as_pg_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG_DIR/postgresql.log" -w start >/dev/null \
            || die "PostgreSQL did not start, see $PG_LOG_DIR/postgresql.log"
    fi
    export PGHOST=127.0.0.1 PGPORT=$EMBEDDED_PG_PORT PGUSER=$PG_SUPERUSER
    DB_HOST=$PGHOST DB_PORT=$PGPORT DB_USER=$PGUSER DB_PASSWORD=""
}

db_exists() { [ "$(psql -d postgres -Atc "select 1 from pg_database where datname='$1'")" = 1 ]; }

addons_installed_in() {
    local db=$1
    db_exists "$db" || return 1
    [ "$(psql -d "$db" -Atc "select count(*) from ir_module_module where state='installed'
        and name = any(string_to_array('$ADDONS', ','))" 2>/dev/null)" = "$(echo "$ADDONS" | tr ',' '\n' | wc -l)" ]
}

# --- Odoo configuration ------------------------------------------------------------------------
write_odoo_conf() {
    local conf=$1 src=$2 port=$3
    cat >"$conf" <<CONF
[options]
addons_path = $(odoo_addons_dir "$src"),$REPO_DIR
data_dir = $LOCAL_DIR/filestore
db_host = $DB_HOST
db_port = $DB_PORT
db_user = $DB_USER
http_interface = 127.0.0.1
http_port = $port
list_db = False
max_cron_threads = 1
with_demo = True
CONF
    if [ -n "${DB_PASSWORD:-}" ]; then echo "db_password = $DB_PASSWORD" >>"$conf"; fi
}

prepare_environment() {
    ensure_system_packages
    ODOO_SRC_DIR=$(find_odoo_src)
    ensure_venv "$ODOO_SRC_DIR"
    ensure_postgres
    ODOO_BIN=("$VENV_DIR/bin/python" "$ODOO_SRC_DIR/odoo-bin")
    # Odoo restarts itself (after a time limit, a module install) by exec'ing "python" found on the PATH:
    # it must be the virtualenv's, or the restarted server misses its packages and stays down.
    export PATH="$VENV_DIR/bin:$PATH"
    export ODOO_SRC_DIR VENV_DIR
}
