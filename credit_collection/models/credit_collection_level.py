from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

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
        "Days after due date", required=True,
        help="Days relative to the due date; a negative number is a pre-reminder before the due date.")
    tone = fields.Selection(
        [("courteous", "Courteous"), ("firm", "Firm"), ("formal", "Formal notice")],
        required=True, default="courteous")
    channel_email = fields.Boolean("Email", default=True)
    channel_sms = fields.Boolean("SMS")
    channel_letter = fields.Boolean("Postal letter")
    channel_phone = fields.Boolean("Phone call")
    email_template_id = fields.Many2one(
        "mail.template", domain=[("model", "=", "credit.collection.action")])
    sms_template_id = fields.Many2one("sms.template", domain=[("model", "=", "credit.collection.action")])
    call_script = fields.Html(translate=True, sanitize=True)
    min_overdue_amount = fields.Monetary(
        "Minimum overdue", currency_field="currency_id",
        help="The customer's items at this level must add up to at least this amount.")
    recovery_fee = fields.Monetary(
        "Recovery fee per invoice", currency_field="currency_id",
        help="Fixed compensation for recovery costs, charged once per invoice "
             "(France: EUR 40, article L441-10 of the Code de commerce).")
    interest_rate = fields.Float(
        "Late interest (% a year)", digits=(16, 4),
        help="France, between professionals: the contract's rate, by default the ECB rate + 10 points "
             "(article L441-10 of the Code de commerce). Consumers: the legal interest rate of the half-year.")
    interest_day_count = fields.Selection(
        [("365", "Actual/365"), ("360", "Actual/360")], default="365", required=True)
    interest_start = fields.Selection(
        [("due_date", "From the due date"), ("formal_notice", "From the formal notice")],
        "Interest runs", default="due_date", required=True,
        help="Between professionals late interest runs from the day after the due date (L441-10 C. com.); "
             "against a consumer only from the formal notice (articles 1231-6 and 1344-1 of the Code civil).")
    is_formal_notice = fields.Boolean(
        "Formal notice", compute="_compute_is_formal_notice", store=True, readonly=False, help="This level puts the customer on notice to pay (mise en demeure, article 1344 of the "
                              "Code civil): levels that require a formal notice wait for it.")
    notice_days = fields.Integer(
        "Days given to pay", default=8,
        help="The deadline the formal notice gives, from its receipt; a level that requires a formal notice "
             "is not reached before it has passed.")
    requires_formal_notice = fields.Boolean(
        "Requires a formal notice",
        help="Never reached for an invoice that was not sent a formal notice first, nor before that notice's "
             "deadline: an older invoice first gets the formal notice.")
    min_gap_days = fields.Integer(
        "Days after the previous reminder",
        help="Minimum number of days between the last reminder sent about an invoice and this level.")
    invoice_fees = fields.Boolean(
        "Invoice fees and interest", help="Post a customer invoice for the fee and the interest.")
    case_stage = fields.Selection(CASE_STAGES, required=True, default="reminder_1")
    escalate = fields.Boolean(
        help="The customer leaves automated dunning and goes to its collector.")
    auto_send = fields.Boolean(
        "Send automatically", default=True,
        help="Otherwise the run leaves the actions to review for a collector.")
    # An email carries the amounts and the link to the balance page; PDFs cost a rendering each.
    email_attach_letter = fields.Boolean(
        "Attach the letter to the email", help="The reminder letter as a PDF, e.g. the formal notice.")
    email_attach_statement = fields.Boolean(
        "Attach the statement to the email", help="The customer's statement of account as a PDF.")

    _delay_unique = models.Constraint(
        "UNIQUE(policy_id, delay_days)", "Two levels of a policy cannot share their delay.")
    _notice_days_positive = models.Constraint(
        "CHECK(notice_days >= 0 AND min_gap_days >= 0)",
        "Days given to pay and days after the previous reminder cannot be negative.")

    @api.constrains("channel_email", "channel_sms", "channel_letter", "channel_phone", "escalate")
    def _check_channel(self):
        for level in self:
            if not level._channels() and not level.escalate:
                raise ValidationError(_("Level %s needs at least one channel.", level.name))

    @api.depends("case_stage")
    def _compute_is_formal_notice(self):
        for level in self:
            level.is_formal_notice = level.case_stage == "formal_notice"

    @api.constrains("recovery_fee", "interest_start", "policy_id")
    def _check_consumer_charges(self):
        for level in self.filtered(lambda level: level.policy_id.customer_type == "consumer"):
            if level.recovery_fee:
                raise ValidationError(_(
                    "Level %s: the fixed recovery indemnity (article L441-10 of the Code de commerce) applies "
                    "between professionals only, not to consumers.", level.name))
            if level.interest_rate and level.interest_start != "formal_notice":
                raise ValidationError(_(
                    "Level %s: a consumer owes late interest only from the formal notice (article 1231-6 of "
                    "the Code civil).", level.name))

    def _channels(self):
        self.ensure_one()
        return [code for code, _label in CHANNELS if self["channel_%s" % code]]

    def _interest(self, amount, days_late):
        """Simple late interest on ``amount`` for ``days_late`` days, in the company currency."""
        self.ensure_one()
        if not self.interest_rate or days_late <= 0:
            return 0.0
        return self.currency_id.round(amount * self.interest_rate / 100 * days_late / int(self.interest_day_count))

    def _interest_between(self, amount, start, end):
        """Late interest on ``amount`` from ``start`` (excluded) to ``end``; the one place where a rate
        that changes over time (half-yearly legal rates) can be applied period by period."""
        self.ensure_one()
        if not start or not end:
            return 0.0
        return self._interest(amount, (end - start).days)

    def _interest_start_date(self, due_date, notice_date):
        """When the interest of an item starts: its due date, or the date its formal notice was sent
        (None when it has had none yet, or when the notice is this level itself)."""
        self.ensure_one()
        return due_date if self.interest_start == "due_date" else notice_date
