from datetime import UTC, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from html import escape

from odoo import fields, models
from odoo.tools.misc import formatLang


class CreditCollectionDemo(models.AbstractModel):
    _inherit = "credit.collection.demo"

    def _demo_reply(self, env, company, customers, today):
        """Claire's late payer answers its reminder by email with a payment date and an amount: delivered
        through Odoo's mail gateway like a real email, the case shows the reply, the pause and the proposal."""
        claire = self.env.ref("credit_collection.demo_user_claire")
        # Odoo loads an add-on's translations after its demo data: the labels the case shows are French now.
        self.env["ir.module.module"]._load_module_terms(["credit_collection_reply"], ["fr_FR"])
        for partner, profile in customers:
            if (
                profile.code != "chronic_late"
                or partner.with_company(company).collection_user_id != claire
                or not partner.email
            ):
                continue
            overdue = env["account.move"].search(
                [
                    ("commercial_partner_id", "=", partner.id),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                    ("invoice_date_due", "<", today),
                ]
            )
            promised = env["credit.collection.promise"].search_count([("partner_id", "=", partner.id)])
            if not overdue or promised:
                continue
            promise_date = today + timedelta(days=12)
            message = EmailMessage()
            message["From"] = "Service comptabilité <%s>" % partner.email
            message["To"] = company._collection_reply_to() or "recouvrement@ateliers-dupont.example"
            message["Subject"] = "Re: Relance - factures impayées"
            message["Message-Id"] = make_msgid(domain="demo.example")
            message["Date"] = format_datetime(fields.Datetime.now().replace(tzinfo=UTC))
            amount = formatLang(env, sum(overdue.mapped("amount_residual")), currency_obj=company.currency_id)
            text = (
                "Bonjour,\n\nSuite à votre relance, nous vous confirmons un virement de %s le %s.\n"
                "Vous recevrez l'avis de virement dès son émission.\n\nCordialement,\nLa comptabilité\n"
                % (amount, promise_date.strftime("%d/%m/%Y"))
            )
            message.set_content(text)
            message.add_alternative(
                "<p>%s</p>" % "</p><p>".join(escape(line) for line in text.split("\n\n")), subtype="html"
            )
            env["mail.thread"].message_process(False, message.as_bytes())
            return
