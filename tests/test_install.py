"""Each add-on installs on its own, without demo data, in a database of its own."""

import subprocess

import psycopg2
import pytest
from conftest import odoo_command


def installed_modules(db):
    with psycopg2.connect(dbname=db) as conn, conn.cursor() as cr:
        cr.execute("SELECT name FROM ir_module_module WHERE state = 'installed' AND name LIKE 'credit_collection%%'")
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


def test_addons_install_one_by_one(odoo_settings, scratch_db):
    install(odoo_settings, scratch_db, "credit_collection")
    assert installed_modules(scratch_db) == {"credit_collection"}
    install(odoo_settings, scratch_db, "credit_collection_portal")
    assert installed_modules(scratch_db) == {"credit_collection", "credit_collection_portal"}
    install(odoo_settings, scratch_db, "credit_collection_insurance")
    assert installed_modules(scratch_db) == {
        "credit_collection",
        "credit_collection_portal",
        "credit_collection_insurance",
    }
    # The sale bridge installs by itself once the sale app is there.
    install(odoo_settings, scratch_db, "sale")
    assert installed_modules(scratch_db) == {
        "credit_collection",
        "credit_collection_portal",
        "credit_collection_insurance",
        "credit_collection_sale",
    }
