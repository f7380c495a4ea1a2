"""Class-wide security tests (issue 14): they enumerate what the add-ons add, so that the next field,
model or method is covered without anyone writing a test for it.

- every field the add-ons add to a model a portal user may read is unreadable to it, unless allow-listed;
- every field the add-ons add to a model a salesman may write is unwritable to it, unless allow-listed;
- every stored model of the add-ons with a company has a multi-company record rule;
- every public method the add-ons define is refused to a portal user over JSON-RPC, unless allow-listed.

The add-ons' fields and methods are found by the module that defines them (credit_collection*), in the
registry of the test database where the four add-ons are installed.
"""

import contextlib
import inspect
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from .common import CollectionCommon

ADDON_PREFIX = "credit_collection"
# (model, field) a portal user may read on its own records. None: the portal reads everything with
# sudo in its controllers, always filtered on the customer.
PORTAL_READABLE = set()
# (model, field) a salesman (Sales, contacts, no accounting or collection rights) may write.
SALESMAN_WRITABLE = set()
# (model, method) a portal user may call over RPC. None: the portal's pages are its only door.
PORTAL_CALLABLE = set()


class _Rollback(Exception):
    pass


def addon_fields(model):
    return [
        name
        for name, field in model._fields.items()
        if any(module.startswith(ADDON_PREFIX) for module in field._modules)
    ]


def addon_public_methods(model):
    """{name: function} of the public methods the add-ons define on ``model`` (not their overrides of
    Odoo's own methods: those keep Odoo's checks)."""
    own, foreign = {}, set()
    for klass in type(model).__mro__:
        from_addon = (getattr(klass, "__module__", "") or "").startswith("odoo.addons.%s" % ADDON_PREFIX)
        for name, value in vars(klass).items():
            if name.startswith("_") or not inspect.isfunction(value):
                continue
            if from_addon:
                own.setdefault(name, value)
            else:
                foreign.add(name)
    return {name: function for name, function in own.items() if name not in foreign}


@tagged("post_install", "-at_install")
class TestRoleBoundaries(CollectionCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contact = cls.env["res.partner"].create(
            {"name": "Léa Portal", "parent_id": cls.customer.id, "email": "lea@durand.example"}
        )
        cls.portal = (
            cls.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "login": "boundary_portal",
                    "password": "boundary_portal",
                    "partner_id": cls.contact.id,
                    "company_id": cls.company.id,
                    "company_ids": [Command.set(cls.company.ids)],
                    "group_ids": [Command.set([cls.env.ref("base.group_portal").id])],
                }
            )
        )
        salesman_groups = "base.group_user,base.group_partner_manager"  # an internal user, with or without Sales
        if cls.env.ref("sales_team.group_sale_salesman", raise_if_not_found=False):
            salesman_groups += ",sales_team.group_sale_salesman"
        cls.salesman = new_test_user(
            cls.env,
            "boundary_salesman",
            groups=salesman_groups,
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.invoice = cls._invoice(640.0, cls.today - timedelta(days=20))
        # Collection data on the customer and its invoice, so that every field has something to leak.
        cls.customer.write(
            {"collection_blocked": True, "collection_block_reason": "Negotiating", "collection_escalated": True}
        )
        cls.env["credit.collection.dispute"].create(
            {"partner_id": cls.customer.id, "move_ids": [Command.set(cls.invoice.ids)], "reason": "price"}
        )
        # The customer's own records on the models a portal user reads: {model: records}.
        cls.own_records = {
            "res.partner": cls.customer | cls.contact,
            "account.move": cls.invoice,
            "account.move.line": cls.invoice.line_ids,
            "res.users": cls.portal,  # the customer's fields again, through its own user
        }
        if "sale.order" in cls.env:
            # The order is the fixture (the test user has no sales rights in 19.0), not the flow under test.
            order = (
                cls.env["sale.order"]
                .sudo()
                .with_company(cls.company)
                .create(
                    {
                        "partner_id": cls.contact.id,
                        "company_id": cls.company.id,
                        "user_id": cls.salesman.id,
                        "order_line": [
                            Command.create(
                                {
                                    "name": "Pallets",
                                    "product_id": cls.env["product.product"]
                                    .create({"name": "Pallet", "type": "service"})
                                    .id,
                                    "product_uom_qty": 1,
                                    "price_unit": 50.0,
                                }
                            )
                        ],
                    }
                )
            )
            order.action_confirm()
            cls.own_records["sale.order"] = order.sudo(False)

    # ------------------------------------------------------------------ helpers
    def _rpc(self, model, method, args, kwargs=None):
        """The error name of a refused call, else None."""
        try:
            self.make_jsonrpc_request(
                "/web/dataset/call_kw/%s/%s" % (model, method),
                {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
            )
        except JsonRpcException as error:
            return error.args[0] if error.args else str(error)
        return None

    def _addon_models(self):
        return [
            self.env[name]
            for name in sorted(self.env.registry)
            if (self.env[name]._original_module or "").startswith(ADDON_PREFIX)
        ]

    @staticmethod
    def _other_value(record, name):
        """A value of the field ``name`` different from the record's."""
        field = record._fields[name]
        current = record.sudo()[name]
        if field.type == "boolean":
            return not current
        if field.type in ("char", "text", "html"):
            return "written by someone else"
        if field.type in ("integer", "float", "monetary"):
            return (current or 0) + 999999
        if field.type == "selection":
            values = [value for value, _label in field._description_selection(record.env)]
            return next(value for value in values if value != current)
        if field.type == "date":
            return fields.Date.to_string((current or fields.Date.today()) + timedelta(days=3))
        if field.type == "datetime":
            return fields.Datetime.to_string((current or fields.Datetime.now()) + timedelta(days=3))
        if field.type == "many2one":
            other = record.env[field.comodel_name].sudo().search([("id", "!=", current.id)], limit=1)
            return other.id
        return [Command.clear()]  # x2many: unlink what the record holds

    # ------------------------------------------------------------------ fields
    def test_portal_reads_no_internal_field(self):
        self.authenticate(self.portal.login, self.portal.login)
        checked = 0
        for model_name, records in self.own_records.items():
            names = addon_fields(self.env[model_name])
            self.assertIsNone(
                self._rpc(model_name, "read", [records.ids, ["id"]]), "the portal user reads its own %s" % model_name
            )
            for name in names:
                readable = self._rpc(model_name, "read", [records.ids, [name]]) is None
                # A search on the field would answer yes or no about its value: refused as well.
                searchable = (
                    self._rpc(model_name, "search_count", [[("id", "in", records.ids), (name, "!=", False)]]) is None
                    if self.env[model_name]._fields[name]._description_searchable
                    else False
                )
                checked += 1
                if (model_name, name) in PORTAL_READABLE:
                    continue
                self.assertFalse(readable, "a portal user reads %s.%s of its own record" % (model_name, name))
                self.assertFalse(searchable, "a portal user searches on %s.%s" % (model_name, name))
        # The fields a client is told about (what a read without field names returns) hold none either.
        for model_name in self.own_records:
            described = self.make_jsonrpc_request(
                "/web/dataset/call_kw/%s/fields_get" % model_name,
                {"model": model_name, "method": "fields_get", "args": [], "kwargs": {"attributes": ["type"]}},
            )
            leaked = {(model_name, name) for name in addon_fields(self.env[model_name]) if name in described}
            self.assertFalse(leaked - PORTAL_READABLE)
        self.assertGreater(checked, 30, "the add-ons' fields on the portal's models were enumerated")

    def test_salesman_writes_no_collection_control(self):
        records = dict(self.own_records)
        records["res.partner"] = self.customer
        records["account.move.line"] = self.invoice.line_ids[:1]
        salesman = self.env(user=self.salesman)
        # The salesman does edit customers: the check below is about the collection fields only.
        self.customer.with_user(self.salesman).write({"phone": "+33 4 00 00 00 00"})
        writable = []
        for model_name, record in records.items():
            record = record.with_company(self.company)
            for name in addon_fields(self.env[model_name]):
                value = self._other_value(record, name)
                before = record.sudo().read([name])[0][name]
                with contextlib.suppress(AccessError, _Rollback):
                    with self.env.cr.savepoint():
                        record.with_env(salesman).with_company(self.company).write({name: value})
                        self.env.flush_all()
                        self.env.invalidate_all()
                        if record.sudo().read([name])[0][name] != before:
                            writable.append((model_name, name))
                        raise _Rollback()
                self.env.invalidate_all()
        self.assertFalse(set(writable) - SALESMAN_WRITABLE, "a salesman writes these collection fields")

    # ------------------------------------------------------------------ records
    def test_every_company_model_has_a_multi_company_rule(self):
        missing = []
        checked = 0
        for model in self._addon_models():
            if model._abstract or model._transient or "company_id" not in model._fields:
                continue
            checked += 1
            rules = self.env["ir.rule"].sudo().search([("model_id.model", "=", model._name), ("global", "=", True)])
            if not any("company_ids" in rule.domain_force and "company_id" in rule.domain_force for rule in rules):
                missing.append(model._name)
        self.assertGreater(checked, 10)  # the engine alone has 12
        self.assertFalse(missing, "models with a company and no multi-company rule")

    def test_run_messages_stay_in_their_company(self):
        """Issue 14, finding 8: a collector of company 2 reads no run message of company 1."""
        self._invoice(
            50.0,
            self.today - timedelta(days=10),
            partner=self.env["res.partner"].create({"name": "No Mail SARL", "is_company": True}),
        )
        run = self._run(self.today)
        self._send_now(run.action_ids)  # no email address: the failure is a run message
        message = run.message_ids_report
        self.assertTrue(message)
        self.assertEqual(message.company_id, self.company)
        company_2 = self.company_data_2["company"]
        collector_2 = new_test_user(
            self.env,
            "boundary_collector_2",
            groups="credit_collection.group_collection_user",
            company_id=company_2.id,
            company_ids=[company_2.id],
        )
        Message = self.env["credit.collection.run.message"].with_user(collector_2)
        self.assertFalse(Message.search([("id", "in", message.ids)]))
        with self.assertRaises(AccessError):
            message.with_user(collector_2).read(["reason"])

    def test_demo_generator_is_not_callable(self):
        """Issue 14, finding 3: the demo ledger generator runs as the system; no user calls it."""
        self.assertFalse(addon_public_methods(self.env["credit.collection.demo"]))
        companies = self.env["res.company"].sudo().search_count([])
        manager = new_test_user(
            self.env,
            "boundary_manager",
            groups="credit_collection.group_collection_manager",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        for user in (self.portal, manager):
            self.authenticate(user.login, user.login)
            for method in ("_generate", "_load_demo"):
                self.assertEqual(self._rpc("credit.collection.demo", method, []), "odoo.exceptions.AccessError")
        self.assertEqual(self.env["res.company"].sudo().search_count([]), companies)

    # ------------------------------------------------------------------ methods
    def _method_fixtures(self):
        """A record of each of the add-ons' models to call record methods on: the portal's own ones for
        the models it reads, a wizard left by a collector for the transient ones, any existing one for
        the others."""
        collector = new_test_user(
            self.env,
            "boundary_collector",
            groups="credit_collection.group_collection_user",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        dispute = self.env["credit.collection.dispute"].search([("partner_id", "=", self.customer.id)], limit=1)
        wizards = {
            "credit.collection.block": {"partner_ids": [Command.set(self.customer.ids)], "reason": "Kept"},
            "credit.collection.dispute.resolve": {"dispute_id": dispute.id, "resolution": "rejected"},
            "credit.collection.report.wizard": {},
        }
        fixtures = {name: records[:1] for name, records in self.own_records.items()}
        for model in self._addon_models():
            if model._name in fixtures or model._abstract:
                continue
            if model._name in wizards:
                fixtures[model._name] = model.with_user(collector).create(wizards[model._name])
                continue
            # A model without any record (in the demo data or above): an id no record has. The portal's
            # refusal is its access right on the model, checked before the record is looked up.
            fixtures[model._name] = model.sudo().with_context(active_test=False).search([], limit=1) or model.browse(
                2**31 - 1
            )
        return fixtures

    def _addon_record_counts(self):
        counts = {
            model._name: model.sudo().with_context(active_test=False).search_count([])
            for model in self._addon_models()
            if not model._abstract and not model._transient
        }
        counts["res.company"] = self.env["res.company"].sudo().search_count([])
        counts["res.partner"] = self.env["res.partner"].sudo().with_context(active_test=False).search_count([])
        return counts

    def test_portal_calls_no_public_method(self):
        fixtures = self._method_fixtures()
        before = self._addon_record_counts()
        self.authenticate(self.portal.login, self.portal.login)
        called, not_refused, without_record = 0, [], []
        for model_name in sorted(self.env.registry):
            model = self.env[model_name]
            for name, function in sorted(addon_public_methods(model).items()):
                if (model_name, name) in PORTAL_CALLABLE:
                    continue
                signature = list(inspect.signature(function).parameters.values())[1:]
                extra = [
                    None
                    for parameter in signature
                    if parameter.default is inspect.Parameter.empty
                    and parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD)
                ]
                if getattr(function, "_api_model", False):  # @api.model, @api.model_create_multi
                    args = extra
                else:
                    records = fixtures.get(model_name)
                    if not records:
                        without_record.append(model_name)
                        continue
                    args = [records.ids] + extra
                error = self._rpc(model_name, name, args)
                called += 1
                if error != "odoo.exceptions.AccessError":
                    not_refused.append("%s.%s: %s" % (model_name, name, error or "answered"))
        self.assertFalse(without_record, "no record to call the methods of these models on")
        self.assertGreater(called, 30, "the add-ons' public methods were enumerated")
        self.assertFalse(not_refused, "public methods a portal user may call")
        self.assertEqual(self._addon_record_counts(), before, "a refused call created or deleted nothing")
