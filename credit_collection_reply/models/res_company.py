from odoo import models
from odoo.tools import formataddr

REPLY_ALIAS_XMLID = "credit_collection_reply.mail_alias_collection_reply"


class ResCompany(models.Model):
    _inherit = "res.company"

    def _collection_reply_alias(self):
        return self.env.ref(REPLY_ALIAS_XMLID, raise_if_not_found=False) or self.env["mail.alias"]

    def _collection_reply_to(self):
        """'Company <alias@domain>': the alias on its domain, else on the domain of the company's email (the
        alias matches its name on any domain); False when there is neither (Odoo's default Reply-To then)."""
        self.ensure_one()
        alias = self._collection_reply_alias().sudo()
        if not alias.alias_name:
            return False
        address = alias.alias_full_name if alias.alias_domain_id else False
        if not address and alias.alias_incoming_local and self.email and "@" in self.email:
            address = "%s@%s" % (alias.alias_name, self.email.rsplit("@", 1)[1].strip(" >"))
        return formataddr((self.name, address)) if address else False
