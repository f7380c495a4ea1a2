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
    interest_rate = fields.Float("Late interest (% a year)", digits=(16, 4))
    interest_day_count = fields.Selection(
        [("365", "Actual/365"), ("360", "Actual/360")], default="365", required=True)
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

    _sql_constraints = [
        ("delay_unique", "unique(policy_id, delay_days)", "Two levels of a policy cannot share their delay."),
    ]

    @api.constrains("channel_email", "channel_sms", "channel_letter", "channel_phone", "escalate")
    def _check_channel(self):
        for level in self:
            if not level._channels() and not level.escalate:
                raise ValidationError(_("Level %s needs at least one channel.", level.name))

    def _channels(self):
        self.ensure_one()
        return [code for code, _label in CHANNELS if self["channel_%s" % code]]

    def _interest(self, amount, days_late):
        """Simple late interest on ``amount`` for ``days_late`` days, in the company currency."""
        self.ensure_one()
        if not self.interest_rate or days_late <= 0:
            return 0.0
        return self.currency_id.round(amount * self.interest_rate / 100 * days_late / int(self.interest_day_count))
