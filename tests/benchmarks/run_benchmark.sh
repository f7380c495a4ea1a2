#!/usr/bin/env bash
# Runs a benchmark with the project's Odoo and PostgreSQL (see setup/lib.sh).
#   tests/benchmarks/run_benchmark.sh [--customers N] [--invoices M] [--db cc_bench...]   the collection run
#   tests/benchmarks/run_benchmark.sh --kpi [--invoices M] [--db cc_bench...]            aged balance and KPIs
#   tests/benchmarks/run_benchmark.sh --sending [--workers 1,2,4] [--daily 2000]         sending, end to end
#   tests/benchmarks/run_benchmark.sh --worklist [--customers N] [--invoices M]          Today's work ranking
source "$(dirname "$0")/../../setup/lib.sh"
prepare_environment
write_odoo_conf "$LOCAL_DIR/odoo-bench.conf" "$ODOO_SRC_DIR" 8569
SCRIPT=bench_collection_run.py
if [ "${1:-}" = "--kpi" ]; then
    SCRIPT=bench_kpi.py
    shift
elif [ "${1:-}" = "--sending" ]; then
    SCRIPT=bench_sending.py
    shift
elif [ "${1:-}" = "--worklist" ]; then
    SCRIPT=bench_worklist.py
    shift
fi
exec "$VENV_DIR/bin/python" "$REPO_DIR/tests/benchmarks/$SCRIPT" --conf "$LOCAL_DIR/odoo-bench.conf" "$@"
