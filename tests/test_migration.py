"""A database of the single add-on before the split (issue 16) upgraded to the add-ons of today.

The database is installed with the code of the last commit before the split, taken from the repository's
history, with the demo ledger and a few records the demo does not make; ``-u credit_collection`` with
today's code must keep every row, install the add-ons that took over the engine's concerns, and create
no second copy of their data.
"""

import configparser
import subprocess

import psycopg2
import pytest
from conftest import REPO, odoo_command

PRE_SPLIT_COMMIT = "afa28273d45f229d15d6f94198fcc5c270f2fc1b"
PRE_SPLIT_ADDONS = [
    "credit_collection",
    "credit_collection_insurance",
    "credit_collection_portal",
    "credit_collection_sale",
]
TAKEN_OVER_BY = [
    "credit_collection_sms",
    "credit_collection_accounting",
    "credit_collection_litigation",
    "credit_collection_kpi",
    "credit_collection_solvency",
    "credit_collection_scoring",
    "credit_collection_credit_limit",
    "credit_collection_segmentation",
    "l10n_fr_credit_collection",
]

# What the demo does not make, made with the code of the time (odoo-bin shell).
BEFORE_SPLIT_RECORDS = """
env["credit.collection.sms.gateway"].create({"name": "Passerelle SMS", "url": "http://127.0.0.1:9/sms"})
snapshot = env["credit.collection.kpi.snapshot"].search([], order="date_to desc", limit=1)
snapshot.provisioned = 1234.56
env.cr.commit()
"""


def query(db, sql, params=None):
    with psycopg2.connect(dbname=db) as conn, conn.cursor() as cr:
        cr.execute(sql, params)
        return cr.fetchall()


def table_counts(db):
    tables = [
        name
        for (name,) in query(
            db, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'credit\\_%%'"
        )
    ]
    return {table: query(db, f'SELECT count(*) FROM "{table}"')[0][0] for table in tables}


def counts_by(db, table, column):
    return dict(query(db, f'SELECT {column}::text, count(*) FROM "{table}" GROUP BY 1'))


def partner_collection_columns(db):
    """A digest of each collection column of the customers (the ones the add-ons took over among them)."""
    columns = [
        name
        for (name,) in query(
            db,
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'res_partner' AND column_name LIKE 'collection\\_%%'",
        )
    ]
    return {
        column: query(db, f"SELECT md5(string_agg(\"{column}\"::text, ',' ORDER BY id)) FROM res_partner")[0][0]
        for column in columns
    }


def run_odoo(command, stdin=None):
    result = subprocess.run(command, capture_output=True, text=True, timeout=1200, input=stdin)
    errors = [line for line in result.stderr.splitlines() if " ERROR " in line or " CRITICAL " in line]
    assert result.returncode == 0 and not errors, result.stderr[-4000:]
    return result


@pytest.fixture()
def pre_split_db(odoo_settings, tmp_path):
    """A database installed with the add-ons as they were before the split, and the config of that code."""
    old_tree = tmp_path / "pre_split"
    old_tree.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", PRE_SPLIT_COMMIT, *PRE_SPLIT_ADDONS], capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(old_tree)], input=archive.stdout, check=True)
    config = configparser.ConfigParser()
    config.read(odoo_settings["conf"])
    paths = [path for path in config["options"]["addons_path"].split(",") if path.rstrip("/") != str(REPO)]
    config["options"]["addons_path"] = ",".join([*paths, str(old_tree)])
    old_conf = tmp_path / "pre_split.conf"
    with open(old_conf, "w") as conf_file:
        config.write(conf_file)
    old_settings = dict(odoo_settings, conf=str(old_conf))

    db = odoo_settings["db"] + "_pre_split"
    subprocess.run(["dropdb", "--if-exists", "--force", db], check=True)
    run_odoo(
        odoo_command(
            old_settings,
            "-d",
            db,
            "-i",
            "l10n_fr_account,credit_collection_sale,credit_collection_insurance,credit_collection_portal",
            "--stop-after-init",
            "--log-level=warn",
        )
    )
    shell = odoo_command(old_settings, "-d", db, "--log-level=warn")
    shell.insert(2, "shell")  # the sub-command comes before the options
    run_odoo(shell, stdin=BEFORE_SPLIT_RECORDS)
    yield db
    subprocess.run(["dropdb", "--if-exists", "--force", db], check=True)


def test_upgrade_from_before_the_split_keeps_every_row(odoo_settings, pre_split_db):
    db = pre_split_db
    assert query(db, "SELECT latest_version FROM ir_module_module WHERE name = 'credit_collection'") == [
        ("19.0.1.1.0",)
    ]
    rows_before = table_counts(db)
    policies_before = {row[0] for row in query(db, "SELECT id FROM credit_collection_policy")}
    levels_before = {row[0] for row in query(db, "SELECT id FROM credit_collection_level")}
    companies_without_policy = [
        row[0] for row in query(db, "SELECT id FROM res_company WHERE collection_policy_id IS NULL")
    ]
    crons_before = counts_by(db, "ir_cron", "cron_name")
    sequences_before = counts_by(db, "ir_sequence", "code")
    partner_fields_before = partner_collection_columns(db)
    assert rows_before["credit_collection_payer_profile"] and rows_before["credit_collection_sms_gateway"] == 1

    result = run_odoo(odoo_command(odoo_settings, "-d", db, "-u", "credit_collection", "--stop-after-init"))

    states = dict(query(db, "SELECT name, state FROM ir_module_module WHERE name LIKE %s", ["%credit_collection%"]))
    for addon in [*PRE_SPLIT_ADDONS, *TAKEN_OVER_BY]:
        assert states[addon] == "installed", (addon, states[addon])
    # Every row kept (the KPI snapshots lost a column, not a row), nothing made twice (the demo's parts,
    # the scheduled actions, the sequences, the policies of the moved data).
    rows_after = table_counts(db)
    policy_tables = {"credit_collection_policy", "credit_collection_level"}
    assert {table: rows_after.get(table) for table in rows_before if table not in policy_tables} == {
        table: count for table, count in rows_before.items() if table not in policy_tables
    }
    # The policies: every one kept; new are only the engine's standard policy and the French policies of
    # the French companies that had none (the French add-on's install gives them).
    new_policies = query(
        db,
        """SELECT p.company_id, d.module || '.' || d.name FROM credit_collection_policy p
        LEFT JOIN ir_model_data d ON d.model = 'credit.collection.policy' AND d.res_id = p.id
            WHERE p.id NOT IN %s ORDER BY p.id""",
        [tuple(policies_before)],
    )
    assert {xmlid for _company, xmlid in new_policies if xmlid} == {"credit_collection.policy_default"}
    assert {company for company, xmlid in new_policies if not xmlid} <= set(companies_without_policy), new_policies
    assert not policies_before - {row[0] for row in query(db, "SELECT id FROM credit_collection_policy")}
    assert not levels_before - {row[0] for row in query(db, "SELECT id FROM credit_collection_level")}
    assert not query(
        db,
        "SELECT id FROM credit_collection_level WHERE id NOT IN %s AND policy_id IN %s",
        [tuple(levels_before), tuple(policies_before)],
    ), "no level added to an existing policy"
    assert counts_by(db, "ir_cron", "cron_name") == crons_before
    assert counts_by(db, "ir_sequence", "code") == sequences_before
    assert partner_collection_columns(db) == partner_fields_before
    # The provisions of a snapshot are now a KPI the accounting add-on registers.
    assert query(
        db,
        "SELECT (registered_kpis->>'provisioned')::float FROM credit_collection_kpi_snapshot "
        "ORDER BY date_to DESC LIMIT 1",
    ) == [(pytest.approx(1234.56),)]
    # The moved models, their data and rules now belong to their add-on, not to the engine.
    assert query(
        db,
        """SELECT module FROM ir_model_data
            WHERE model = 'ir.model' AND name = 'model_credit_collection_payer_profile' ORDER BY module""",
    ) == [("credit_collection_scoring",)]
    assert not query(
        db,
        """SELECT d.name FROM ir_model_data d JOIN ir_model m ON d.model = 'ir.model' AND m.id = d.res_id
            WHERE d.module = 'credit_collection' AND m.model IN (
                'credit.collection.sms.gateway', 'credit.collection.outcome', 'credit.collection.case.transfer',
                'credit.collection.kpi.snapshot', 'credit.collection.solvency.provider',
                'credit.collection.payer.profile', 'credit.collection.credit.group',
                'credit.collection.segment.rule')""",
    )
    # The end of the upgrade deletes only what no add-on declares any more: the snapshots' provisions
    # column (carried over above), the aged balance's segment (a SQL view's column, renamed), and the
    # engine's copies of two constraints the add-ons declare again.
    deleted = {line.rsplit("(", 1)[1].rstrip(") ") for line in result.stderr.splitlines() if " Deleting " in line}
    assert deleted <= {
        "credit_collection.field_credit_collection_kpi_snapshot__provisioned",
        "credit_collection.field_credit_collection_aged_balance__segment_id",
        "credit_collection.constraint_credit_collection_kpi_snapshot_company_period_uniq",
        "credit_collection.constraint_credit_collection_payer_profile_partner_company_uniq",
    }, deleted
    assert query(
        db,
        """SELECT conname FROM pg_constraint WHERE conname IN (
               'credit_collection_kpi_snapshot_company_period_uniq',
               'credit_collection_payer_profile_partner_company_uniq') ORDER BY 1""",
    ) == [
        ("credit_collection_kpi_snapshot_company_period_uniq",),
        ("credit_collection_payer_profile_partner_company_uniq",),
    ]
