"""French is first-class: no English left in what the add-ons ship, every user-facing string translatable
and translated. Checks every add-on of the product (those installed)."""

import ast
import io
import re
from datetime import timedelta
from pathlib import Path

import polib

from odoo import Command
from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import format_date
from odoo.tools.translate import trans_export

from .common import CollectionCommon

ADDONS_PREFIX = "credit_collection"  # the engine, every credit_collection* add-on and l10n_*_credit_collection
MODEL_PREFIXES = ("credit.collection.", "credit.insurance.")
# Words and names written the same in French and in English (compared without HTML tags).
SAME_IN_FRENCH = {
    "A - excellent",
    "Action",
    "Actions",
    "AUC (validation)",
    "BIC",
    "Coefficients",
    "Configuration",
    "Contact",
    "Date",
    "Description",
    "Document",
    "Documents",
    "DSO",
    "France B2B",
    "France B2C",
    "ID",
    "Journal",
    "Logo",
    "Message",
    "Messages",
    "Note",
    "Note...",
    "Notes",
    "Publication (BODACC)",
    "Score",
    "Segment",
    "SIREN",
    "SIRET",
    "SMS",
    "Total",
    "Type",
}
# What reaches the user from Python: exceptions raised with a message, and these keyword arguments.
USER_ERRORS = {
    "UserError",
    "ValidationError",
    "AccessError",
    "AccessDenied",
    "RedirectWarning",
    "MissingError",
    "SolvencyError",
}
USER_KEYWORDS = {"body", "summary", "note", "feedback", "subject", "reason", "error_message", "message", "title"}
FIELD_TYPES = {
    "Char",
    "Text",
    "Html",
    "Selection",
    "Many2one",
    "One2many",
    "Many2many",
    "Float",
    "Integer",
    "Monetary",
    "Boolean",
    "Date",
    "Datetime",
    "Binary",
    "Json",
}
# A record's raw date or amount in a message: ISO dates and 5580.0 instead of the reader's format.
RAW_VALUE = re.compile(r"(^|_)(date|deadline|amount|total|residual)(_|$)")


def _plain(text):
    return re.sub(r"<[^>]+>", "", text or "").strip()


def _needs_french(text):
    """Text a French reader would need translated: it has words, is no URL, not a bilingual label
    ("Invoice / Facture") and not one of the words written the same in both languages."""
    plain = re.sub(r"^[\s\-–—(]+|[\s,:;]+$", "", _plain(text))  # "- SIREN" between two fields of a letterhead
    if not re.search(r"[A-Za-z]{2}", plain) or plain.startswith(("http://", "https://")):
        return False
    return " / " not in plain and plain not in SAME_IN_FRENCH


def _is_text(node):
    """A string literal with words, also inside %-formatting, + or .format() and f-strings."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(re.search(r"[A-Za-z]{2}", node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_is_text(value) for value in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
        return _is_text(node.left) or _is_text(node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _is_text(node.func.value)
    return False


def _english_labels(node):
    """``dict(SELECTION)[value]`` or ``dict(field.selection)``: the English label of a selection."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id == "dict" and sub.args:
            arg = sub.args[0]
            if (isinstance(arg, ast.Name) and arg.id.isupper()) or (
                isinstance(arg, ast.Attribute) and arg.attr == "selection"
            ):
                yield ast.unparse(sub)


def _raw_values(node):
    """Record attributes holding a date or an amount, given as they are (not through a formatter)."""
    if isinstance(node, ast.Call):
        return []
    if isinstance(node, ast.Attribute) and RAW_VALUE.search(node.attr):
        return [ast.unparse(node)]
    return [raw for child in ast.iter_child_nodes(node) for raw in _raw_values(child)]


def _call_name(node):
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def python_findings(source, filename):
    """Every user-facing string of a Python source that escapes the French translation."""
    findings = []
    for node in ast.walk(ast.parse(source, filename)):
        where = "%s:%s" % (filename, getattr(node, "lineno", "?"))
        if (
            isinstance(node, ast.BinOp)
            and isinstance(node.op, ast.Mod)
            and isinstance(node.left, ast.Constant)
            and isinstance(node.left.value, str)
        ):
            values = node.right.elts if isinstance(node.right, ast.Tuple) else [node.right]
            for value in values:
                findings += ["%s: raw %s formatted into a text" % (where, raw) for raw in _raw_values(value)]
                findings += ["%s: English label %s" % (where, label) for label in _english_labels(value)]
        if not isinstance(node, ast.Call):
            continue
        name = _call_name(node)
        if name == "_":
            if not node.args or not isinstance(node.args[0], ast.Constant):
                findings.append("%s: _() of something else than a literal: %s" % (where, ast.unparse(node)[:80]))
            for value in node.args[1:] + [keyword.value for keyword in node.keywords]:
                findings += ["%s: raw %s in a message, format it" % (where, raw) for raw in _raw_values(value)]
                findings += ["%s: English label %s in a message" % (where, label) for label in _english_labels(value)]
            continue
        if name in USER_ERRORS and node.args and _is_text(node.args[0]):
            findings.append("%s: %s message not in _(): %s" % (where, name, ast.unparse(node.args[0])[:80]))
        if name not in FIELD_TYPES:
            for keyword in node.keywords:
                if keyword.arg in USER_KEYWORDS and _is_text(keyword.value):
                    findings.append("%s: %s= not in _(): %s" % (where, keyword.arg, ast.unparse(keyword.value)[:80]))
        if name == "message_post" and node.args and _is_text(node.args[0]):
            findings.append("%s: message_post body not in _()" % where)
    return findings


@tagged("post_install", "-at_install")
class TestFrenchEverywhere(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.addons = (
            cls.env["ir.module.module"]
            .search(
                [
                    "|",
                    ("name", "=like", ADDONS_PREFIX + "%"),
                    ("name", "=like", "l10n\\_%\\_" + ADDONS_PREFIX),
                    ("state", "=", "installed"),
                ]
            )
            .mapped("name")
        )
        if not cls.env["res.lang"]._lang_get("fr_FR").active:
            cls.env["res.lang"]._activate_lang("fr_FR")
            cls.env["ir.module.module"]._load_module_terms(cls.addons, ["fr_FR"])

    def _english_values(self, records):
        """[(record, field, English text)] of the records' translatable fields the same in French."""
        found = []
        for field in records._fields.values():
            if not field.translate or not field.store:
                continue
            english = records.with_context(lang="en_US")
            french = {record.id: record[field.name] for record in records.with_context(lang="fr_FR")}
            for record in english:
                value = record[field.name]
                if not value:
                    continue
                if callable(field.translate):  # HTML/XML: compared term by term
                    same = set(field.get_trans_terms(value)) & set(field.get_trans_terms(french[record.id]))
                else:
                    same = {value} if value == french[record.id] else set()
                found += [(record, field.name, term) for term in same if _needs_french(term)]
        return found

    def test_shipped_records_are_french(self):
        """Every record of the add-ons with an xmlid (data, views, menus, fields, selections, templates,
        products, sequences, groups...) and every record of their own models (the demo's copies), read
        in French: no text left as in English."""
        found = []
        data = self.env["ir.model.data"].sudo().search([("module", "in", self.addons)])
        by_model = {}
        for row in data:
            by_model.setdefault(row.model, set()).add(row.res_id)
        for model in self.env.registry:
            if model.startswith(MODEL_PREFIXES) and not self.env[model]._abstract:
                by_model.setdefault(model, set()).update(
                    self.env[model].sudo().with_context(active_test=False).search([]).ids
                )
        for model, ids in by_model.items():
            if model not in self.env:
                continue
            records = self.env[model].sudo().with_context(active_test=False).browse(ids).exists()
            found += self._english_values(records)
        self.assertFalse(
            found,
            "English in French:\n"
            + "\n".join("%s,%s %s: %r" % (record._name, record.id, field, term[:90]) for record, field, term in found),
        )

    def test_user_facing_messages_are_translatable(self):
        """No message, error, note or name built outside the translation, with an English selection label,
        or with a raw date or amount, in the Python of the add-ons."""
        findings = []
        for addon in self.addons:
            root = Path(get_module_path(addon))
            for path in sorted(root.rglob("*.py")):
                if "tests" not in path.relative_to(root).parts:
                    findings += python_findings(path.read_text(), str(path.relative_to(root.parent)))
        self.assertFalse(findings, "\n".join(findings))

    def test_scan_catches_what_it_must(self):
        """The scan above is not blind: each kind of fault in a sample is reported."""
        sample = """
raise UserError("The amount must be positive.")
record.message_post(body="Case opened")
activity_schedule(summary="Call %s" % name)
name = _("Run of %(date)s", date=run.date)
label = _("Opened (%s)", dict(REASONS)[reason])
text = _(variable)
title = "%s - %s" % (model.company_id.name, model.date)
fine = _("Run of %(date)s", date=format_date(env, run.date))
"""
        findings = python_findings(sample, "sample.py")
        self.assertEqual(
            sorted({line.split(": ", 1)[0] for line in findings}),
            ["sample.py:2", "sample.py:3", "sample.py:4", "sample.py:5", "sample.py:6", "sample.py:7", "sample.py:8"],
            findings,
        )

    def test_every_term_has_its_french(self):
        """The terms Odoo exports for each add-on are in its .pot, and fr.po translates each of them where
        Odoo looks for it: the same occurrences (records, Python or JavaScript code)."""
        problems = []
        for addon in self.addons:
            buffer = io.BytesIO()
            trans_export(None, [addon], buffer, "po", self.env)
            exported = polib.pofile(buffer.getvalue().decode())
            i18n = Path(get_module_path(addon)) / "i18n"
            pot = {entry.msgid for entry in polib.pofile(str(i18n / ("%s.pot" % addon)))}
            french = {entry.msgid: entry for entry in polib.pofile(str(i18n / "fr.po")) if not entry.obsolete}
            for entry in exported:
                if not entry.msgid:
                    continue
                if entry.msgid not in pot:
                    problems.append("%s: not in %s.pot: %r" % (addon, addon, entry.msgid[:80]))
                translated = french.get(entry.msgid)
                if not translated or not translated.msgstr:
                    problems.append("%s: no French for %r" % (addon, entry.msgid[:80]))
                    continue
                missing = set(entry.occurrences) - set(translated.occurrences)
                kinds = {kind for kind in ("odoo-python", "odoo-javascript") if kind in entry.comment}
                if missing or not kinds <= set(translated.comment.split("\n")):
                    problems.append(
                        "%s: fr.po does not translate %r at %s"
                        % (addon, entry.msgid[:60], sorted(o[0] for o in missing)[:3] or sorted(kinds))
                    )
            problems += [
                "%s: no French for %r in fr.po" % (addon, msgid[:80])
                for msgid in pot
                if msgid and not (french.get(msgid) and french[msgid].msgstr)
            ]
        self.assertFalse(problems, "\n".join(problems))


@tagged("post_install", "-at_install")
class TestScheduledJobsWriteFrench(CollectionCommon):
    """A scheduled action has no language: what it writes for a French company (notes, alerts, names) is
    in French, not French sentences around English labels ("Collection case créé")."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.env["res.lang"]._lang_get("fr_FR").active:
            cls.env["res.lang"]._activate_lang("fr_FR")
            cls.env["ir.module.module"]._load_module_terms(["credit_collection"], ["fr_FR"])
        cls.company.partner_id.lang = "fr_FR"
        shipped = cls.env.ref("credit_collection.policy_default")
        cls.company.collection_policy_id = shipped.sudo().copy({"company_id": cls.company.id})
        # As the scheduler runs it: as the system user, without a language.
        cls.cron_env = cls.env(user=cls.env.ref("base.user_root"), context={})

    def test_reminder_sent_by_the_queue(self):
        self._invoice(1200.0, self.today - timedelta(days=6))
        run = self._run(self.today)
        actions = run.action_ids.filtered(lambda action: action.channel == "email")
        self.assertEqual(actions.level_id.with_context(lang="fr_FR").name, "Relance 1")
        self._send_now(actions.with_env(self.cron_env))
        notes = " ".join(actions.case_id.message_ids.mapped("body"))
        self.assertIn("Relance 1", notes)
        self.assertIn("envoyée par", notes)
        self.assertNotIn("Reminder 1", notes)
        self.assertNotIn("Email", notes.replace("E-mail", ""))  # the channel's French label
        self.assertIn("Relance 1 - ", actions.with_context(lang="fr_FR").name)

    def test_broken_promise_noted_by_the_daily_follow_up(self):
        invoice = self._invoice(1000.0, self.today - timedelta(days=20))
        promise = self.env["credit.collection.promise"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(invoice.ids)],
                "amount": 1000.0,
                "promise_date": self.today - timedelta(days=2),
            }
        )
        self.env["credit.collection.alert"].with_env(self.cron_env)._cron_daily_follow_up()
        self.assertEqual(promise.state, "broken")
        activity = promise.case_id.activity_ids.filtered(lambda activity: "promesse" in (activity.summary or ""))
        self.assertTrue(activity, promise.case_id.activity_ids.mapped("summary"))
        # French words, French date (not ISO), French amount (not 1000.0).
        self.assertIn(format_date(self.env(context={"lang": "fr_FR"}), promise.promise_date), activity.summary)
        self.assertNotIn(str(promise.promise_date), activity.summary)
        self.assertIn("non tenue", activity.summary)
