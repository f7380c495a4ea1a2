#!/usr/bin/env bash
# Runs the collection-run benchmark with the project's Odoo and PostgreSQL (see setup/lib.sh).
#   tests/benchmarks/run_benchmark.sh [--customers N] [--invoices M] [--db cc_bench...]
source "$(dirname "$0")/../../setup/lib.sh"
prepare_environment
write_odoo_conf "$LOCAL_DIR/odoo-bench.conf" "$ODOO_SRC_DIR" 8569
exec "$VENV_DIR/bin/python" "$REPO_DIR/tests/benchmarks/bench_collection_run.py" --conf "$LOCAL_DIR/odoo-bench.conf" "$@"
