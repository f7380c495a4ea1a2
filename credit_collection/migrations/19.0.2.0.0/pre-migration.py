"""Databases from before the split of credit_collection into one add-on per concern (19.0.2.0.0).

The models, fields, views, rules, crons and data that moved to another add-on are still recorded under
``credit_collection``. Left as they are, the upgrade would delete what the engine no longer declares
(a model's table with its rows) and the new add-ons would create their data a second time. So before the
engine loads:
- each add-on that took over something of the engine is marked to install (with its dependencies),
  when the dependencies it has outside the product are installed (the French defaults only on a
  database with the French localisation);
- the external ids it now declares are moved to it, so that its installation updates the existing
  records (and keeps their rows) instead of creating new ones.
Models and fields the add-ons declare in Python keep their rows too: their installation gives them
an external id of the add-on, and the end of the upgrade then only drops the engine's one.
"""

import csv
import logging
import os

from lxml import etree

from odoo import SUPERUSER_ID, api
from odoo.modules.module import Manifest

from odoo.addons.credit_collection.models.credit_collection_demo import DEMO_COMPANY_XMLID

_logger = logging.getLogger(__name__)

ENGINE = "credit_collection"
# The add-ons the engine's concerns went to; the order does not matter.
TAKEN_OVER_BY = (
    "credit_collection_sms",
    "credit_collection_accounting",
    "credit_collection_litigation",
    "credit_collection_kpi",
    "credit_collection_solvency",
    "credit_collection_scoring",
    "credit_collection_credit_limit",
    "credit_collection_segmentation",
    "l10n_fr_credit_collection",
)


def declared_xmlids(manifest):
    """Names of the external ids an add-on declares in its data and demo files, without module prefix."""
    names = set()
    for filename in manifest.get("data", []) + manifest.get("demo", []):
        path = os.path.join(manifest.path, filename)
        if filename.endswith(".csv"):
            with open(path, encoding="utf-8") as csv_file:
                names.update(row["id"] for row in csv.DictReader(csv_file) if row.get("id"))
        elif filename.endswith(".xml"):
            names.update(element.get("id") for element in etree.parse(path).iter() if element.get("id"))
    own_prefix = manifest.name + "."
    return {name.removeprefix(own_prefix) for name in names if "." not in name.removeprefix(own_prefix)}


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    Module = env["ir.module.module"]
    engine_names = declared_xmlids(Manifest.for_addon(ENGINE))
    cr.execute("SELECT name FROM ir_model_data WHERE module = %s", [ENGINE])
    engine_owned = {name for (name,) in cr.fetchall()} - engine_names
    to_install = Module.browse()
    for addon in TAKEN_OVER_BY:
        manifest = Manifest.for_addon(addon, display_warning=False)
        module = Module.search([("name", "=", addon), ("state", "=", "uninstalled")])
        if not manifest or not module:
            continue
        names = declared_xmlids(manifest) & engine_owned
        if not names:
            continue
        outside = set(manifest["depends"]) - {ENGINE, *TAKEN_OVER_BY}
        missing = outside - set(
            Module.search([("name", "in", list(outside)), ("state", "=", "installed")]).mapped("name")
        )
        if missing:
            _logger.info("%s not installed: %s not installed", addon, ", ".join(sorted(missing)))
            continue
        cr.execute(
            """
            UPDATE ir_model_data d SET module = %s
             WHERE d.module = %s AND d.name IN %s
               AND NOT EXISTS (SELECT FROM ir_model_data o WHERE o.module = %s AND o.name = d.name)
            """,
            [addon, ENGINE, tuple(names), addon],
        )
        _logger.info("%s takes over %s records of %s", addon, cr.rowcount, ENGINE)
        engine_owned -= names
        to_install |= module
    # Views the engine dropped still extend its views with fields it no longer has: off until the end of
    # the upgrade deletes them (they would fail the validation of the engine's own views).
    cr.execute(
        """
        UPDATE ir_ui_view SET active = FALSE
         WHERE id IN (SELECT res_id FROM ir_model_data WHERE module = %s AND model = 'ir.ui.view' AND name IN %s)
        """,
        [ENGINE, tuple(engine_owned) or ("",)],
    )
    # The engine's own extensions still show the fields that moved away until it reloads them, one file
    # after the other: emptied now, each gets its arch back from its file.
    cr.execute(
        """
        UPDATE ir_ui_view SET arch_db = jsonb_build_object('en_US', '<data/>')
         WHERE inherit_id IS NOT NULL
           AND id IN (SELECT res_id FROM ir_model_data WHERE module = %s AND model = 'ir.ui.view' AND name IN %s)
        """,
        [ENGINE, tuple(engine_names)],
    )
    keep_provisioned_in_snapshots(cr)
    if to_install:
        mark_demo_parts_loaded(cr, to_install.mapped("name"))
        to_install.button_install()


def keep_provisioned_in_snapshots(cr):
    """The KPI snapshots had a column of their own for the provisions, now a KPI the accounting add-on
    registers: its values go where the KPI add-on keeps the registered KPIs before the column goes."""
    cr.execute(
        """
        SELECT FROM information_schema.columns
         WHERE table_name = 'credit_collection_kpi_snapshot' AND column_name = 'provisioned'
        """
    )
    if not cr.rowcount:
        return
    cr.execute(
        """
        ALTER TABLE credit_collection_kpi_snapshot ADD COLUMN IF NOT EXISTS registered_kpis jsonb;
        UPDATE credit_collection_kpi_snapshot
           SET registered_kpis = COALESCE(registered_kpis, '{}'::jsonb)
                                 || jsonb_build_object('provisioned', provisioned)
         WHERE provisioned IS NOT NULL
        """
    )


def demo_parts(manifest):
    """The parts of the engine's demo an add-on's demo files load (``_load_demo_part``)."""
    parts = []
    for filename in manifest.get("demo", []):
        if filename.endswith(".xml"):
            for function in etree.parse(os.path.join(manifest.path, filename)).iter("function"):
                if function.get("name") == "_load_demo_part":
                    parts += [value.text.strip() for value in function.iter("value")]
    return parts


def mark_demo_parts_loaded(cr, addons):
    """The engine loaded every part of the demo before the split: the add-ons installed now must not
    load theirs a second time (``credit.collection.demo._load_demo_part`` skips a part marked done)."""
    cr.execute("SELECT demo FROM ir_module_module WHERE name = %s", [ENGINE])
    if not cr.fetchone()[0]:
        return
    parts = [part for addon in addons for part in demo_parts(Manifest.for_addon(addon))]
    module, name = DEMO_COMPANY_XMLID.split(".")
    cr.execute(
        """
        INSERT INTO ir_model_data (module, name, model, res_id, noupdate)
        SELECT 'credit_collection_' || part, 'demo_part_done', 'res.company', d.res_id, TRUE
          FROM ir_model_data d, unnest(%s::varchar[]) AS part
         WHERE d.module = %s AND d.name = %s
        ON CONFLICT DO NOTHING
        """,
        [parts, module, name],
    )
