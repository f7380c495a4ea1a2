from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..tools.field_access import check_fields_access, is_addon_field
from .credit_collection_insolvency import PROCEDURES as INSOLVENCY_PROCEDURES
from .credit_collection_policy import CUSTOMER_TYPES

COLLECTION_USER = "credit_collection.group_collection_user"
COLLECTION_MANAGER = "credit_collection.group_collection_manager"


class ResPartner(models.Model):
    _inherit = ["res.partner", "credit.collection.field.access.mixin"]

    # Every field below is the collectors' internal data: readable by collection users only
    # (readme/CONFIGURE.md, "Roles and rights"); the sale bridge opens the risk summary to sales people.
    collection_policy_id = fields.Many2one(
        "credit.collection.policy",
        "Dunning policy",
        company_dependent=True,
        groups=COLLECTION_USER,
        help="Empty: the company's default policy (its policy for consumers, for a consumer).",
    )
    collection_user_id = fields.Many2one("res.users", "Collector", company_dependent=True, groups=COLLECTION_USER)
    collection_customer_type = fields.Selection(
        CUSTOMER_TYPES,
        "Customer type",
        compute="_compute_collection_customer_type",
        store=True,
        readonly=False,
        recursive=True,
        groups=COLLECTION_USER,
        help="A consumer is a person without VAT number nor company ID (SIREN): a sole trader with a SIREN is "
        "a professional. Set by hand when the rule guesses wrong. Consumers get the consumer dunning "
        "policy, wording and limitation period.",
    )
    collection_insolvency_ids = fields.One2many(
        "credit.collection.insolvency", "partner_id", "Insolvency proceedings", groups=COLLECTION_USER
    )
    collection_insolvency_id = fields.Many2one(
        "credit.collection.insolvency",
        "Open insolvency proceedings",
        compute="_compute_collection_insolvency",
        groups=COLLECTION_USER,
    )
    collection_insolvency_procedure = fields.Selection(
        INSOLVENCY_PROCEDURES, "Insolvency", compute="_compute_collection_insolvency", groups=COLLECTION_USER
    )
    collection_blocked = fields.Boolean("Dunning blocked", tracking=True, copy=False, groups=COLLECTION_USER)
    collection_block_reason = fields.Char("Dunning block reason", tracking=True, copy=False, groups=COLLECTION_USER)
    collection_escalated = fields.Boolean(
        "Escalated",
        help="Left automated dunning: a collector follows the customer.",
        tracking=True,
        copy=False,
        groups=COLLECTION_USER,
    )
    collection_action_ids = fields.One2many(
        "credit.collection.action", "partner_id", "Collection actions", groups=COLLECTION_USER
    )
    # compute_sudo: sales people read the overdue amount without reading the collection models.
    collection_overdue_amount = fields.Monetary(
        "Total overdue",
        compute="_compute_collection_overdue",
        currency_field="collection_currency_id",
        compute_sudo=True,
        groups=COLLECTION_USER,
    )
    collection_oldest_days_late = fields.Integer(
        "Days late (oldest)", compute="_compute_collection_overdue", compute_sudo=True, groups=COLLECTION_USER
    )
    collection_currency_id = fields.Many2one(
        "res.currency", compute="_compute_collection_overdue", compute_sudo=True, groups="base.group_user"
    )

    @api.depends("is_company", "vat", "company_registry", "parent_id.collection_customer_type")
    def _compute_collection_customer_type(self):
        for partner in self:
            if partner.parent_id:  # a contact or an address: the type of what it belongs to
                partner.collection_customer_type = partner.parent_id.collection_customer_type
                continue
            professional = partner.is_company or partner.vat or partner.company_registry
            partner.collection_customer_type = "professional" if professional else "consumer"

    def _collection_is_consumer(self):
        self.ensure_one()
        return self.commercial_partner_id.collection_customer_type == "consumer"

    @api.depends_context("company")
    def _compute_collection_insolvency(self):
        open_proceedings = self.env["credit.collection.insolvency"].search(
            [
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
                ("state", "=", "open"),
            ],
            order="opening_date",
        )
        by_partner = {}
        for proceeding in open_proceedings:
            by_partner.setdefault(proceeding.partner_id.id, proceeding)
        for partner in self:
            proceeding = by_partner.get(partner.commercial_partner_id.id)
            partner.collection_insolvency_id = proceeding
            partner.collection_insolvency_procedure = proceeding.procedure if proceeding else False

    def _compute_collection_overdue(self):
        today = fields.Date.context_today(self)
        company = self.env.company
        groups = self.env["account.move.line"]._read_group(
            [
                ("partner_id", "child_of", self.commercial_partner_id.ids),
                ("company_id", "=", company.id),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("date_maturity", "<", today),
            ],
            ["partner_id"],
            ["amount_residual:sum", "date_maturity:min"],
        )
        by_commercial = {}
        for partner, residual, oldest in groups:
            total, first = by_commercial.get(partner.commercial_partner_id.id, (0.0, oldest))
            by_commercial[partner.commercial_partner_id.id] = (total + residual, min(first, oldest))
        for partner in self:
            total, oldest = by_commercial.get(partner.commercial_partner_id.id, (0.0, None))
            partner.collection_currency_id = company.currency_id
            partner.collection_overdue_amount = total
            partner.collection_oldest_days_late = (today - oldest).days if oldest else 0

    # ------------------------------------------------------------------ rights
    @property
    def _mail_post_access(self):
        # Collectors note calls and reminders and plan activities on the customers they may read,
        # without the right to edit contacts; mail reads this attribute for messages and activities.
        return "read" if self.env.user.has_group(COLLECTION_USER) else "write"

    @api.model
    def _collection_manager_fields(self):
        """Collection controls of a customer only a Collection Manager sets (collectors block dunning
        through their button; the engine writes them as the system)."""
        return {"collection_policy_id", "collection_user_id"}

    def _collection_check_write(self, names):
        """``names`` are fields about to be written: the add-ons' fields need their group (Odoo checks
        it on write, not on create) and the manager's fields the Collection Manager group."""
        if self.env.su:
            return
        collection_fields = [name for name in names if name in self._fields and is_addon_field(self._fields[name])]
        check_fields_access(self, collection_fields, "write")
        reserved = self._collection_manager_fields().intersection(names)
        if reserved and not self.env.user.has_group(COLLECTION_MANAGER):
            raise AccessError(
                self.env._(
                    "Only a Collection Manager can change %s on a customer.",
                    ", ".join(sorted(self._fields[name]._description_string(self.env) for name in reserved)),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._collection_check_write({name for vals in vals_list for name in vals})
        return super().create(vals_list)

    def write(self, vals):
        self._collection_check_write(vals)
        return super().write(vals)

    @api.model
    def _collection_segment_sql(self, partner_alias, company_sql):
        """SQL expression of the name of the segment of the commercial partner ``partner_alias`` in the company
        ``company_sql`` (in the language of the query's ``%(lang)s`` parameter), for the aged balance and the
        KPIs: none here, segmentation gives its rule's name."""
        return "NULL::varchar"

    def _collection_check_collector(self):
        if not self.env.su and not self.env.user.has_group(COLLECTION_USER):
            raise AccessError(self.env._("Only collectors can block or resume the dunning of a customer."))

    def action_collection_block(self):
        """Opens the dialog that asks why the dunning of the customers is blocked."""
        self._collection_check_collector()
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_collection.action_collection_block")
        action["context"] = {"active_model": self._name, "active_ids": self.ids}
        return action

    def action_collection_unblock(self):
        self._collection_set_blocked(False)
        return True

    def _collection_set_blocked(self, reason):
        """Blocks the dunning of the customers with ``reason``, or resumes it (``reason`` False).

        A collector may block the customers it can read, without the right to edit contacts: the
        flag is written by the system once that is checked. The change is tracked on the customer in
        the collector's name, seen by collection users only (the fields' group), not by sales people.
        """
        self._collection_check_collector()
        self.check_access("read")
        self.commercial_partner_id.sudo().write(
            {"collection_blocked": bool(reason), "collection_block_reason": reason or False}
        )

    def _collection_escalate(self, action):
        self.ensure_one()
        if self.collection_escalated:
            return
        case = action.case_id or self.env["credit.collection.case"]._get_or_open(self, action.company_id)
        case._escalate(
            self.env._(
                "the customer left automated dunning after %(level)s with %(amount)s due",
                level=action.level_id.name,
                amount=action._format_amount(action.amount_due),
            )
        )

    def action_open_collection_actions(self):
        self.env["credit.collection.action"].check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_collection.action_collection_actions")
        action["domain"] = [("partner_id", "child_of", self.commercial_partner_id.ids)]
        action["context"] = {}
        return action

    def action_open_collection_insolvency(self):
        self.env["credit.collection.insolvency"].check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_collection.action_collection_insolvencies")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    def action_open_collection_cases(self):
        self.env["credit.collection.case"].check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_collection.action_collection_cases")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action
