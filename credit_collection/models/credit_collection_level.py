from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .credit_collection_legal_rate import MissingLegalRate, half_year_end, half_year_start

CASE_STAGES = [
    ("pre_reminder", "Pre-reminder"),
    ("reminder_1", "Reminder 1"),
    ("reminder_2", "Reminder 2"),
    ("formal_notice", "Formal notice"),
    ("provision", "Provision request"),
    ("litigation", "Litigation"),
]
CHANNELS = [("email", "Email"), ("sms", "SMS"), ("letter", "Postal letter"), ("phone", "Phone call")]


class CreditCollectionLevel(models.Model):
    _name = "credit.collection.level"
    _description = "Dunning level"
    _order = "policy_id, delay_days, id"

    name = fields.Char(required=True, translate=True)
    policy_id = fields.Many2one("credit.collection.policy", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="policy_id.company_id", store=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    active = fields.Boolean(default=True)
    delay_days = fields.Integer(
        "Days after due date",
        required=True,
        help="Days relative to the due date; a negative number is a pre-reminder before the due date.",
    )
    tone = fields.Selection(
        [("courteous", "Courteous"), ("firm", "Firm"), ("formal", "Formal notice")], required=True, default="courteous"
    )
    channel_email = fields.Boolean("Email", default=True)
    channel_sms = fields.Boolean("SMS")
    channel_letter = fields.Boolean("Postal letter")
    channel_phone = fields.Boolean("Phone call")
    email_template_id = fields.Many2one("mail.template", domain=[("model", "=", "credit.collection.action")])
    sms_template_id = fields.Many2one("sms.template", domain=[("model", "=", "credit.collection.action")])
    call_script = fields.Html(translate=True, sanitize=True)
    min_overdue_amount = fields.Monetary(
        "Minimum overdue",
        currency_field="currency_id",
        help="The customer's items at this level must add up to at least this amount.",
    )
    recovery_fee = fields.Monetary(
        "Recovery fee per invoice",
        currency_field="currency_id",
        help="Fixed compensation for recovery costs, charged once per invoice, between professionals only "
        "(Directive 2011/7/EU: at least EUR 40).",
    )
    interest_mode = fields.Selection(
        [
            ("none", "No late interest"),
            ("legal_b2b", "Legal rate (B2B: ECB + margin)"),
            ("legal_consumer", "Legal rate (consumer)"),
            ("contract", "Contract rate"),
        ],
        "Late interest",
        default="none",
        required=True,
        help="Legal rate (B2B): the ECB main refinancing rate in force on 1 January or 1 July plus the margin "
        "of the creditor's law (at least 8 points, Directive 2011/7/EU; France: 10 points). Legal rate "
        "(consumer): the legal interest rate of the half-year. Contract rate: the rate agreed, never below "
        "the floor of the creditor's law (France: three times the legal interest rate). A delay over several "
        "half-years is computed half-year by half-year.",
    )
    interest_rate = fields.Float(
        "Contract rate (% a year)",
        digits=(16, 4),
        help="The late-payment rate of the contract (general terms of sale); below the floor of the "
        "creditor's law (France: three times the legal interest rate), the floor applies.",
    )
    interest_day_count = fields.Selection([("365", "Actual/365"), ("360", "Actual/360")], default="365", required=True)
    interest_start = fields.Selection(
        [("due_date", "From the due date"), ("formal_notice", "From the formal notice")],
        "Interest runs",
        default="due_date",
        required=True,
        help="Between professionals late interest runs from the day after the due date (Directive "
        "2011/7/EU); against a consumer, in France, only from the formal notice.",
    )
    is_formal_notice = fields.Boolean(
        "Formal notice",
        compute="_compute_is_formal_notice",
        store=True,
        readonly=False,
        help="This level puts the customer on notice to pay: levels that require a formal notice wait for it.",
    )
    notice_days = fields.Integer(
        "Days given to pay",
        default=8,
        help="The deadline the formal notice gives, from its receipt; a level that requires a formal notice "
        "is not reached before it has passed.",
    )
    requires_formal_notice = fields.Boolean(
        "Requires a formal notice",
        help="Never reached for an invoice that was not sent a formal notice first, nor before that notice's "
        "deadline: an older invoice first gets the formal notice.",
    )
    min_gap_days = fields.Integer(
        "Days after the previous reminder",
        help="Minimum number of days between the last reminder sent about an invoice and this level.",
    )
    invoice_fees = fields.Boolean(
        "Invoice fees and interest", help="Post a customer invoice for the fee and the interest."
    )
    case_stage = fields.Selection(CASE_STAGES, required=True, default="reminder_1")
    escalate = fields.Boolean(help="The customer leaves automated dunning and goes to its collector.")
    auto_send = fields.Boolean(
        "Send automatically", default=True, help="Otherwise the run leaves the actions to review for a collector."
    )
    # An email carries the amounts and the link to the balance page; PDFs cost a rendering each.
    email_attach_letter = fields.Boolean(
        "Attach the letter to the email", help="The reminder letter as a PDF, e.g. the formal notice."
    )
    email_attach_statement = fields.Boolean(
        "Attach the statement to the email", help="The customer's statement of account as a PDF."
    )

    _delay_unique = models.Constraint(
        "UNIQUE(policy_id, delay_days)", "Two levels of a policy cannot share their delay."
    )
    _notice_days_positive = models.Constraint(
        "CHECK(notice_days >= 0 AND min_gap_days >= 0)",
        "Days given to pay and days after the previous reminder cannot be negative.",
    )

    @api.constrains("channel_email", "channel_sms", "channel_letter", "channel_phone", "escalate")
    def _check_channel(self):
        for level in self:
            if not level._channels() and not level.escalate:
                raise ValidationError(self.env._("Level %s needs at least one channel.", level.name))

    @api.depends("case_stage")
    def _compute_is_formal_notice(self):
        for level in self:
            level.is_formal_notice = level.case_stage == "formal_notice"

    @api.constrains("interest_mode", "interest_rate")
    def _check_contract_rate_floor(self):
        """A contract rate is checked against the floor of the half-year it is set in, when known; the
        computation applies the floor of each later half-year (a rate lawful today may fall below it)."""
        today = fields.Date.context_today(self)
        for level in self.filtered(lambda level: level.interest_mode == "contract"):
            floor_kind = level._contract_rate_floor_kind()
            legal = self.env["credit.collection.legal.rate"]._rates_by_half_year(floor_kind, today, today)
            floor = level._contract_rate_floor(legal.get(half_year_start(today), 0.0)) if floor_kind else 0.0
            if level.interest_rate <= 0 or level.interest_rate < floor:
                raise ValidationError(level._contract_rate_floor_error(floor))

    @api.constrains("recovery_fee", "interest_start", "interest_mode", "policy_id")
    def _check_consumer_charges(self):
        for level in self.filtered(lambda level: level.policy_id.customer_type == "consumer"):
            if level.recovery_fee:
                raise ValidationError(
                    self.env._(
                        "Level %s: the fixed recovery indemnity applies between professionals only, not to "
                        "consumers (Directive 2011/7/EU).",
                        level.name,
                    )
                )
            if level.interest_mode == "legal_b2b":
                raise ValidationError(
                    self.env._(
                        "Level %s: the late-payment rate between professionals (ECB + margin) does not apply to "
                        "consumers; a consumer owes the legal interest rate.",
                        level.name,
                    )
                )

    # ------------------------------------------------------------------ extension points of a country's law
    def _late_interest_margin(self):
        """Points added to the ECB rate for late interest between professionals ("legal_b2b").

        Neutral default: the minimum of Directive 2011/7/EU (article 2, 8 points). A localisation overrides
        it for its companies (France: 10 points, article L441-10 of the Code de commerce)."""
        self.ensure_one()
        return 8.0

    def _contract_rate_floor_kind(self):
        """The kind of legal rate the floor of a contract rate is computed from, or False for no floor
        (the neutral default). A localisation names the rate its law takes (France: the legal interest
        rate of the creditor)."""
        self.ensure_one()
        return False

    def _contract_rate_floor(self, legal_rate):
        """The lowest contract rate allowed given the half-year's ``legal_rate`` of the floor's kind
        (France: three times the legal interest rate). Neutral default: the legal rate itself."""
        self.ensure_one()
        return legal_rate

    def _contract_rate_floor_error(self, floor):
        """The message of a contract rate below the floor (a localisation names its law)."""
        self.ensure_one()
        return self.env._(
            "Level %(level)s: the contract rate (%(rate).2f %%) must be positive and not below the legal floor "
            "of the half-year, %(floor).2f %%.",
            level=self.name,
            rate=self.interest_rate,
            floor=floor,
        )

    def _channels(self):
        self.ensure_one()
        return [code for code, _label in CHANNELS if self["channel_%s" % code]]

    def _legal_rate_kind(self):
        """The legal interest rate of the creditor: a company is in the "other cases"; a person not acting
        for its trade (a company's partner that is a consumer) has the individuals' rate."""
        self.ensure_one()
        creditor = self.company_id.partner_id or self.env.company.partner_id
        return "legal_individual" if creditor._collection_is_consumer() else "legal_other"

    def _legal_rate_on(self, day):
        """The level's annual rate for ``day`` (legal rates of its half-year), None when not in the table."""
        self.ensure_one()
        if self.interest_mode == "none" or not day:
            return None
        try:
            periods = self._interest_periods(100.0, day - timedelta(days=1), day)
        except MissingLegalRate:
            return None
        return periods[0]["rate"]

    def _interest_periods(self, amount, start, end):
        """Late interest on ``amount`` from ``start`` (excluded) to ``end``, half-year by half-year: a list
        of {date_from, date_to, days, rate, amount}, each amount rounded in the company currency.
        Raises MissingLegalRate when a half-year's rate is not in the table."""
        self.ensure_one()
        if self.interest_mode == "none" or not start or not end or end <= start:
            return []
        rates = self.env["credit.collection.legal.rate"]
        first = start + timedelta(days=1)
        if self.interest_mode == "legal_b2b":
            kind = "ecb_mro"
        elif self.interest_mode == "contract":
            kind = self._contract_rate_floor_kind()
        else:
            kind = self._legal_rate_kind()
        table = rates._rates_by_half_year(kind, first, end) if kind else {}
        periods = []
        period_start = first
        while period_start <= end:
            period_end = min(half_year_end(period_start), end)
            half = half_year_start(period_start)
            if kind and half not in table:
                raise MissingLegalRate(
                    self.env._(
                        "no %(rate)s: enter it under Collection > Configuration > Legal rates",
                        rate=rates._half_year_label(kind, half),
                    )
                )
            if self.interest_mode == "legal_b2b":
                rate = table[half] + self._late_interest_margin()
            elif self.interest_mode == "contract":
                rate = max(self.interest_rate, self._contract_rate_floor(table[half])) if kind else self.interest_rate
            else:
                rate = table[half]
            days = (period_end - period_start).days + 1
            periods.append(
                {
                    "date_from": fields.Date.to_string(period_start),
                    "date_to": fields.Date.to_string(period_end),
                    "days": days,
                    "rate": rate,
                    "amount": self.currency_id.round(amount * rate / 100 * days / int(self.interest_day_count)),
                }
            )
            period_start = period_end + timedelta(days=1)
        return periods

    def _interest_total(self, amount, periods):
        """The interest of ``periods`` on ``amount``, rounded once (the periods' rounded amounts, shown in the
        letter, may differ from it by a cent)."""
        self.ensure_one()
        return self.currency_id.round(
            sum(amount * period["rate"] / 100 * period["days"] / int(self.interest_day_count) for period in periods)
        )

    def _interest_between(self, amount, start, end):
        """Late interest on ``amount`` from ``start`` (excluded) to ``end``, half-year by half-year."""
        return self._interest_total(amount, self._interest_periods(amount, start, end))

    def _interest_start_date(self, due_date, notice_date):
        """When the interest of an item starts: its due date, or the date its formal notice was sent
        (None when it has had none yet, or when the notice is this level itself)."""
        self.ensure_one()
        return due_date if self.interest_start == "due_date" else notice_date
