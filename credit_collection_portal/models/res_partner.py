from werkzeug.urls import url_encode

from odoo import Command, api, models
from odoo.tools import consteq
from odoo.tools.misc import hmac

TOKEN_SCOPE = "credit_collection_portal.balance"
DEMO_USER_XMLID = "credit_collection_portal.demo_portal_user"


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _collection_portal_token(self):
        """A signed token that opens the balance page of this commercial partner without a login.

        Signed with the database secret (like Odoo's portal and payment tokens), so it cannot be
        forged from a partner id; it changes if the database secret is rotated.
        """
        self.ensure_one()
        return hmac(self.env(su=True), TOKEN_SCOPE, self.commercial_partner_id.id)

    def _collection_portal_check_token(self, token):
        self.ensure_one()
        return bool(token) and self == self.commercial_partner_id and consteq(
            self._collection_portal_token(), str(token))

    def _collection_portal_url(self, path="/my/balance", **params):
        self.ensure_one()
        partner = self.commercial_partner_id
        query = {"pid": partner.id, "token": partner._collection_portal_token(), **params}
        return "%s?%s" % (path, url_encode(query))

    @api.model
    def _collection_portal_load_demo(self):
        """Demo: a portal user for one late-paying demo customer, the demo company's bank account."""
        customer = self.env.ref("credit_collection.demo_customer_29", raise_if_not_found=False)
        company = self.env.ref("credit_collection.demo_company_fr", raise_if_not_found=False)
        if not customer or not company or self.env.ref(DEMO_USER_XMLID, raise_if_not_found=False):
            return
        if not company.partner_id.bank_ids:
            # Trusted by the administrator, as account requires before invoices can show it (the
            # superuser outside an install may not trust an account).
            self.env["res.partner.bank"].with_user(self.env.ref("base.user_admin")).create({
                "partner_id": company.partner_id.id, "acc_number": "FR76 3000 4000 0312 3456 7890 143",
                "allow_out_payment": True,
            })
        contact = self.create({
            "name": "Nathalie Roche", "parent_id": customer.id, "type": "contact",
            "email": "compta.portal@example.com", "lang": customer.lang,
        })
        user = self.env["res.users"].with_context(no_reset_password=True).create({
            "login": "customer", "password": "customer", "partner_id": contact.id,
            "company_id": company.id, "company_ids": [Command.set(company.ids)],
            "group_ids": [Command.set([self.env.ref("base.group_portal").id])],
        })
        self.env["ir.model.data"]._update_xmlids([
            {"xml_id": DEMO_USER_XMLID, "record": user, "noupdate": True}])
        # Where Odoo's demo provider is installed (the demo database), the demo company takes payments too.
        provider = self.env.ref("payment.payment_provider_demo", raise_if_not_found=False)
        if provider and provider.module_state == "installed":
            journal = self.env["account.journal"].search([("company_id", "=", company.id), ("type", "=", "bank")], limit=1)
            copy = provider.copy({"company_id": company.id, "state": "test", "is_published": True,
                                  "payment_method_ids": [Command.set(provider.payment_method_ids.ids)]})
            copy.journal_id = journal
