from datetime import UTC, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from odoo import fields, models
from odoo.tools.misc import formatLang


class CreditCollectionDemo(models.AbstractModel):
    _inherit = "credit.collection.demo"

    def _demo_reply(self, env, company, customers, today):
        """Claire's late payer answers its reminder by email with a payment date and an amount: delivered
        through Odoo's mail gateway like a real email, the case shows the reply, the pause and the proposal."""
        claire = self.env.ref("credit_collection.demo_user_claire")
        for partner, profile in customers:
            if profile.code != "chronic_late" or partner.with_company(company).collection_user_id != claire or not partner.email:
                continue
            case = env["credit.collection.case"]._get_or_open(partner, company)
            if company.currency_id.compare_amounts(case.amount_overdue, 0) <= 0:
                continue
            promised = today + timedelta(days=12)
            message = EmailMessage()
            message["From"] = "Service comptabilité <%s>" % partner.email
            message["To"] = company._collection_reply_to() or "recouvrement@ateliers-dupont.example"
            message["Subject"] = "Re: Relance - factures impayées"
            message["Message-Id"] = make_msgid(domain="demo.example")
            message["Date"] = format_datetime(fields.Datetime.now().replace(tzinfo=UTC))
            message.set_content(
                "Bonjour,\n\nSuite à votre relance, nous vous confirmons un virement de %s le %s.\n"
                "Vous trouverez l'avis de virement en pièce jointe dès son émission.\n\nCordialement,\n"
                "La comptabilité\n"
                % (
                    formatLang(env, case.amount_overdue, currency_obj=company.currency_id),
                    promised.strftime("%d/%m/%Y"),
                )
            )
            env["mail.thread"].message_process(False, message.as_bytes())
            return
