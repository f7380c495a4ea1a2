from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    collection_policy_id = fields.Many2one(
        "credit.collection.policy",
        "Default dunning policy",
        help="The daily run reminds the customers of companies that have a default policy.",
    )
    collection_policy_consumer_id = fields.Many2one(
        "credit.collection.policy",
        "Default policy for consumers",
        domain="[('customer_type', '=', 'consumer')]",
        help="The policy of customers who are consumers, unless they or their invoice have a consumer policy of "
        "their own. Empty: consumers get the default policy without recovery indemnity nor interest.",
    )
    collection_legal_form = fields.Char(
        "Legal form", help="Printed in the legal mentions of the documents sent, e.g. SAS, SARL, SA."
    )
    collection_share_capital = fields.Monetary(
        "Share capital",
        currency_field="currency_id",
        help="Printed in the legal mentions of the documents sent (French companies: mandatory).",
    )
    collection_trade_register = fields.Char(
        "Trade register", help="Registry and city printed before the company ID, e.g. RCS Lyon."
    )
    collection_fee_product_id = fields.Many2one(
        "product.product", "Collection fee product", help="Used to invoice recovery fees and late interest."
    )
    collection_alert_days = fields.Integer(
        "Alert days before an instalment",
        default=3,
        help="Instalments of payment plans due within this many days raise an alert.",
    )
    collection_limitation_years_b2b = fields.Integer(
        "Limitation period between merchants (years)",
        help="Years from the due date after which an invoice can no longer be claimed in court; 0: no alert "
        "(the French localisation sets 5 years, article L110-4 of the Code de commerce).",
    )
    collection_limitation_years_b2c = fields.Integer(
        "Limitation period against consumers (years)",
        help="Years from the due date after which an invoice to a consumer can no longer be claimed in court; "
        "0: no alert (the French localisation sets 2 years, article L218-2 of the Code de la consommation).",
    )
    collection_limitation_warning_days = fields.Integer(
        "Warn before limitation (days)",
        default=90,
        help="Alert on the case this many days before an open invoice can no longer be claimed.",
    )

    def _collection_lang(self):
        """The language of what the collection writes on its own for the company (scheduled actions have
        none): notes, alerts and names in the company's language."""
        self.ensure_one()
        return self.partner_id.lang or self.env.lang or "en_US"
