from odoo import fields, models
from odoo.tools.misc import format_date, formatLang


class CreditCollectionActionLine(models.Model):
    """One due item in one reminder: the unique (item, level, channel) key that makes runs idempotent."""

    _name = "credit.collection.action.line"
    _description = "Item of a collection action"
    _order = "date_maturity, id"

    action_id = fields.Many2one("credit.collection.action", required=True, ondelete="cascade", index=True)
    # Indexed through the unique key, whose first column it is.
    move_line_id = fields.Many2one("account.move.line", "Due item", required=True, ondelete="cascade")
    move_id = fields.Many2one("account.move", "Invoice", required=True, ondelete="cascade", index=True)
    level_id = fields.Many2one("credit.collection.level", required=True, ondelete="restrict")
    channel = fields.Selection(related="action_id.channel", store=True)
    partner_id = fields.Many2one(related="action_id.partner_id", store=True)
    company_id = fields.Many2one(related="action_id.company_id", store=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_maturity = fields.Date("Due date")
    days_late = fields.Integer()
    amount_residual = fields.Monetary("Due at planning", currency_field="currency_id")
    fee_amount = fields.Monetary("Recovery fee", currency_field="currency_id")
    interest_amount = fields.Monetary("Late interest", currency_field="currency_id")
    # [{date_from, date_to, days, rate, amount}]: the half-years and rates the interest was computed with.
    interest_periods = fields.Json("Interest periods", readonly=True)
    state = fields.Selection(
        [("planned", "Planned"), ("done", "Done"), ("cancelled", "Cancelled")], default="planned", required=True
    )
    cancel_reason = fields.Char()

    _item_level_channel_unique = models.Constraint(
        "UNIQUE(move_line_id, level_id, channel)", "An item is reminded once per level and channel."
    )

    def _interest_ground(self):
        """The first words of the interest invoice line. Neutral default; a localisation names the
        article of its law (France: L441-10 C. com., 1231-6 C. civ.)."""
        self.ensure_one()
        if self.level_id.interest_mode == "legal_consumer":
            return self.env._("Late-payment interest at the legal interest rate")
        return self.env._("Late-payment interest")

    def _recovery_fee_label(self):
        """The fee invoice line of this item. Neutral default; a localisation names its law."""
        self.ensure_one()
        return self.env._("Fixed compensation for recovery costs - %s", self.move_id.name)

    def _interest_label(self):
        """The interest invoice line: the legal ground, then each half-year with its rate."""
        self.ensure_one()
        ground = self._interest_ground()
        periods = "; ".join(
            self.env._(
                "%(date_from)s to %(date_to)s, %(days)s days at %(rate)s %%",
                date_from=format_date(self.env, period["date_from"]),
                date_to=format_date(self.env, period["date_to"]),
                days=period["days"],
                rate=formatLang(self.env, period["rate"], digits=2),
            )
            for period in self.interest_periods or []
        )
        if not periods:
            return "%s - %s" % (ground, self.move_id.name)
        return self.env._(
            "%(ground)s - %(invoice)s: %(periods)s", ground=ground, invoice=self.move_id.name, periods=periods
        )
