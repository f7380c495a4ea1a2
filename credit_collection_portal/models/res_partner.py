import time

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import consteq
from odoo.tools.misc import hmac

TOKEN_SCOPE = "credit_collection_portal.balance_link"
# The links of the first version: an HMAC of the partner id, valid forever. Only recognised, to tell
# their holders that they expired.
LEGACY_TOKEN_SCOPE = "credit_collection_portal.balance"
LINK_DAYS_PARAM = "credit_collection_portal.link_validity_days"
DEFAULT_LINK_DAYS = 90
SIGNATURE_LENGTH = 32  # hex digits: 128 bits
DEMO_USER_XMLID = "credit_collection_portal.demo_portal_user"


class ResPartner(models.Model):
    _inherit = "res.partner"

    collection_portal_link_generation = fields.Integer(
        "Balance link generation",
        copy=False,
        readonly=True,
        groups="credit_collection.group_collection_user",
        help="Raised each time a collector revokes the customer's balance links: every link signed before "
        "stops working.",
    )

    # ------------------------------------------------------------------ the link of the reminders
    def _collection_portal_signature(self, issued, generation):
        return hmac(self.env(su=True), TOKEN_SCOPE, (self.id, issued, generation))[:SIGNATURE_LENGTH]

    def _collection_portal_token(self, issued=None):
        """A signed token that opens the balance page of this commercial partner without a login.

        ``<partner id>.<issue time>.<signature>`` (hexadecimal): signed with the database secret over
        the partner, the issue time and the partner's link generation, so that it cannot be forged,
        expires (the validity is read when the link is used) and is revoked by a new generation.
        """
        self.ensure_one()
        partner = self.commercial_partner_id.sudo()
        issued = int(time.time() if issued is None else issued)
        signature = partner._collection_portal_signature(issued, partner.collection_portal_link_generation)
        return "%x.%x.%s" % (partner.id, issued, signature)

    def _collection_portal_url(self):
        """The link of the reminders: the token travels in the fragment, which browsers never send to a
        server, so that it lands in no server or proxy log and in no Referer; the page posts it once to
        exchange it for a session (see readme/USAGE.md)."""
        self.ensure_one()
        return "/my/balance/access#%s" % self._collection_portal_token()

    @api.model
    def _collection_portal_link_days(self):
        try:
            days = int(self.env["ir.config_parameter"].sudo().get_param(LINK_DAYS_PARAM, DEFAULT_LINK_DAYS))
        except ValueError:
            days = DEFAULT_LINK_DAYS
        return max(days, 1)

    @api.model
    def _collection_portal_link_status(self, partner_id, issued, generation):
        """``(partner, status)`` of a link already signed: ``valid``, ``expired`` or ``invalid``.

        Invalid: the customer is unknown, archived or not a commercial entity, or its links were
        revoked since (another generation).
        """
        partner = self.sudo().browse(partner_id).exists() if isinstance(partner_id, int) else self.browse()
        if (
            not partner
            or not partner.active
            or partner != partner.commercial_partner_id
            or partner.collection_portal_link_generation != generation
        ):
            return self.browse(), "invalid"
        if issued + self._collection_portal_link_days() * 86400 < time.time():
            return partner, "expired"
        return partner, "valid"

    @api.model
    def _collection_portal_read_token(self, token):
        """``(partner, grant, status)`` of a token as received: the grant is what the session keeps."""
        try:
            partner_hex, issued_hex, signature = str(token or "").strip().split(".")
            partner_id, issued = int(partner_hex, 16), int(issued_hex, 16)
        except ValueError:
            return self.browse(), None, "invalid"
        if not 0 < partner_id < 2**31 or not 0 <= issued < 2**40:
            return self.browse(), None, "invalid"
        partner = self.sudo().browse(partner_id).exists()
        if not partner or not consteq(
            partner._collection_portal_signature(issued, partner.collection_portal_link_generation), signature
        ):
            return self.browse(), None, "invalid"
        grant = {"partner_id": partner.id, "issued": issued, "generation": partner.collection_portal_link_generation}
        partner, status = self._collection_portal_link_status(**grant)
        return partner, grant, status

    @api.model
    def _collection_portal_legacy_link_partner(self, partner_id, token):
        """The customer of a genuine link of the first version (no expiry), else an empty recordset."""
        try:
            partner = self.sudo().browse(int(partner_id)).exists() if 0 < int(partner_id) < 2**31 else self.browse()
        except (TypeError, ValueError):
            return self.browse()
        if partner and token and consteq(hmac(self.env(su=True), LEGACY_TOKEN_SCOPE, partner.id), str(token)):
            return partner
        return self.browse()

    def action_collection_portal_revoke_links(self):
        """Every balance link sent so far to these customers stops working, sessions opened with one too."""
        if not self.env.user.has_group("credit_collection.group_collection_user"):
            raise AccessError(self.env._("Only collectors can revoke the balance links of a customer."))
        for partner in self.commercial_partner_id.sudo():
            partner.collection_portal_link_generation += 1
            partner.message_post(
                body=self.env._(
                    "Balance links revoked by %s: the links of the reminders sent so far no longer open "
                    "the customer's account; the next reminders carry new links.",
                    self.env.user.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    # ------------------------------------------------------------------ demo
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
            self.env["res.partner.bank"].with_user(self.env.ref("base.user_admin")).create(
                {
                    "partner_id": company.partner_id.id,
                    "acc_number": "FR76 3000 4000 0312 3456 7890 143",
                    "allow_out_payment": True,
                }
            )
        contact = self.create(
            {
                "name": "Nathalie Roche",
                "parent_id": customer.id,
                "type": "contact",
                "email": "compta.portal@example.com",
                "lang": customer.lang,
            }
        )
        user = (
            self.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "login": "customer",
                    "password": "customer",
                    "partner_id": contact.id,
                    "company_id": company.id,
                    "company_ids": [Command.set(company.ids)],
                    "group_ids": [Command.set([self.env.ref("base.group_portal").id])],
                }
            )
        )
        self.env["ir.model.data"]._update_xmlids([{"xml_id": DEMO_USER_XMLID, "record": user, "noupdate": True}])
        # Where Odoo's demo provider is installed (the demo database), the demo company takes payments too.
        provider = self.env.ref("payment.payment_provider_demo", raise_if_not_found=False)
        if provider and provider.module_state == "installed":
            journal = self.env["account.journal"].search(
                [("company_id", "=", company.id), ("type", "=", "bank")], limit=1
            )
            copy = provider.copy(
                {
                    "company_id": company.id,
                    "state": "test",
                    "is_published": True,
                    "payment_method_ids": [Command.set(provider.payment_method_ids.ids)],
                }
            )
            copy.journal_id = journal
