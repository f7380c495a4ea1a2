"""Each add-on installs on its own, without demo data, in a database of its own."""

import subprocess

import psycopg2
import pytest
from conftest import odoo_command


def installed_modules(db):
    with psycopg2.connect(dbname=db) as conn, conn.cursor() as cr:
        cr.execute("SELECT name FROM ir_module_module WHERE state = 'installed' AND name LIKE '%%credit_collection%%'")
        return {row[0] for row in cr.fetchall()}


@pytest.fixture()
def scratch_db(odoo_settings):
    name = odoo_settings["db"] + "_one_by_one"
    subprocess.run(["dropdb", "--if-exists", "--force", name], check=True)
    yield name
    subprocess.run(["dropdb", "--if-exists", "--force", name], check=True)


def install(settings, db, module):
    result = subprocess.run(
        odoo_command(settings, "-d", db, "-i", module, "--without-demo", "--stop-after-init", "--log-level=warn"),
        capture_output=True,
        text=True,
        timeout=900,
    )
    errors = [line for line in result.stderr.splitlines() if " ERROR " in line or " CRITICAL " in line]
    assert result.returncode == 0 and not errors, result.stderr[-3000:]


# In an order where each add-on's dependencies come first: each brings in nothing but itself.
ONE_BY_ONE = [
    "credit_collection",
    "credit_collection_reply",
    "credit_collection_portal",
    "credit_collection_insurance",
    "credit_collection_sms",
    "credit_collection_accounting",
    "credit_collection_litigation",
    "credit_collection_kpi",
    "credit_collection_solvency",
    "credit_collection_scoring",
    "credit_collection_worklist",
    "credit_collection_credit_limit",
    "credit_collection_segmentation",
]


def test_addons_install_one_by_one(odoo_settings, scratch_db):
    expected = set()
    for module in ONE_BY_ONE:
        install(odoo_settings, scratch_db, module)
        expected.add(module)
        assert installed_modules(scratch_db) == expected
    # The sale bridge installs by itself once the sale app is there (with credit limits and scoring).
    install(odoo_settings, scratch_db, "sale")
    assert installed_modules(scratch_db) == expected | {"credit_collection_sale"}
    # The French localisation brings the French collection defaults by itself, as Odoo's l10n bridges do,
    # to a database with a French company (the add-on is for France: Odoo auto-installs it only there).
    with psycopg2.connect(dbname=scratch_db) as conn, conn.cursor() as cr:
        cr.execute(
            """UPDATE res_partner SET country_id = (SELECT id FROM res_country WHERE code = 'FR')
                WHERE id = (SELECT partner_id FROM res_company ORDER BY id LIMIT 1)"""
        )
    install(odoo_settings, scratch_db, "l10n_fr_account")
    assert installed_modules(scratch_db) == expected | {"credit_collection_sale", "l10n_fr_credit_collection"}
