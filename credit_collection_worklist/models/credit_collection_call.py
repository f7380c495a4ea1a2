from datetime import timedelta

from odoo import api, fields, models

from odoo.addons.credit_collection.tools.i18n import selection_label

OUTCOMES = [
    ("reached", "Reached"),
    ("promised", "Promised"),
    ("disputed", "Disputed"),
    ("no_answer", "No answer"),
    ("wrong_number", "Wrong number"),
]
# The customer answered: the contact rate counts these.
REACHED_OUTCOMES = ("reached", "promised", "disputed")


class CreditCollectionCall(models.Model):
    """A collection call and its outcome, logged from Today's work in one click."""

    _name = "credit.collection.call"
    _description = "Collection call"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", "Customer", required=True, index=True, readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True, default=lambda self: self.env.company
    )
    case_id = fields.Many2one("credit.collection.case", "Case", index=True, readonly=True)
    user_id = fields.Many2one(
        "res.users", "Called by", required=True, index=True, readonly=True, default=lambda self: self.env.user
    )
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now, index=True)
    outcome = fields.Selection(OUTCOMES, required=True, readonly=True)
    note = fields.Text()
    promise_id = fields.Many2one("credit.collection.promise", "Promise", readonly=True, index="btree_not_null")
    dispute_id = fields.Many2one("credit.collection.dispute", "Dispute", readonly=True, index="btree_not_null")
    activity_summary = fields.Char("Next step", readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("partner_id"):
                vals["partner_id"] = self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id.id
        calls = super().create(vals_list)
        for call in calls:
            if not call.case_id:
                call.case_id = self.env["credit.collection.case"]._get_or_open(call.partner_id, call.company_id)
            call._schedule_next_step()
            call._trace()
        return calls

    def _next_step(self):
        """The activity type, delay in days and summary of the step that follows the call; None: none here
        (a promise plans its check on its own date when it is saved, a dispute is followed on the dispute)."""
        company = self.company_id
        if self.outcome == "no_answer":
            return "mail.mail_activity_data_call", company.collection_worklist_callback_days, self.env._("Call back")
        if self.outcome == "wrong_number":
            return "mail.mail_activity_data_todo", 1, self.env._("Find the right phone number")
        if self.outcome == "reached":
            return (
                "mail.mail_activity_data_call",
                company.collection_worklist_followup_days,
                self.env._("Follow-up call"),
            )
        return None

    def _schedule_next_step(self):
        self.ensure_one()
        step = self._next_step()
        if step:
            activity_type, delay, summary = step
            self._schedule_on_case(activity_type, fields.Date.context_today(self) + timedelta(days=delay), summary)

    def _schedule_on_case(self, activity_type, deadline, summary):
        self.case_id.activity_schedule(activity_type, date_deadline=deadline, summary=summary, user_id=self.user_id.id)
        self.activity_summary = "%s (%s)" % (summary, fields.Date.to_string(deadline))

    def _trace(self):
        """The call on the customer's and the case's chatter."""
        self.ensure_one()
        body = self.env._(
            "Collection call by %(user)s: %(outcome)s.",
            user=self.user_id.name,
            outcome=selection_label(self, "outcome"),
        )
        if self.activity_summary:
            body = "%s %s" % (body, self.env._("Next step: %s.", self.activity_summary))
        if self.note:
            body = "%s\n%s" % (body, self.note)
        for record in (self.partner_id, self.case_id):
            record.sudo().message_post(body=body, subtype_xmlid="mail.mt_note", author_id=self.user_id.partner_id.id)

    def _link_promise(self, promise):
        """The promise the collector saved after the call: its check is planned on its date."""
        self.ensure_one()
        self.promise_id = promise
        self._schedule_on_case(
            "mail.mail_activity_data_todo", promise.promise_date, self.env._("Check the payment promise")
        )

    def _link_dispute(self, dispute):
        self.ensure_one()
        self.dispute_id = dispute

    @api.model
    def _link_from_context(self, records, kind):
        """Links the promise or dispute saved from a call's form to that call. The call's id comes from the
        client: it is only taken when it is the current user's call on the same customer, not yet linked."""
        call_id = self.env.context.get("collection_call_id")
        if not isinstance(call_id, int) or len(records) != 1:
            return
        call = self.search([("id", "=", call_id), ("user_id", "=", self.env.uid)])
        field = "%s_id" % kind
        if call and not call[field] and call.outcome == ("promised" if kind == "promise" else "disputed"):
            if call.partner_id == records.partner_id and call.company_id == records.company_id:
                getattr(call, "_link_%s" % kind)(records)
