from odoo import api, models
from odoo.exceptions import ValidationError


class CreditCollectionLevel(models.Model):
    """French law on the engine's extension points, for the levels of French companies only."""

    _inherit = "credit.collection.level"

    def _collection_french_law(self):
        self.ensure_one()
        company = self.company_id or self.policy_id.company_id or self.env.company
        return company._collection_is_french()

    def _late_interest_margin(self):
        """Article L441-10 of the Code de commerce: the ECB rate plus 10 points."""
        return 10.0 if self._collection_french_law() else super()._late_interest_margin()

    def _contract_rate_floor_kind(self):
        """Article L441-10: a contract rate is never below three times the legal interest rate."""
        return self._legal_rate_kind() if self._collection_french_law() else super()._contract_rate_floor_kind()

    def _contract_rate_floor(self, legal_rate):
        return 3 * legal_rate if self._collection_french_law() else super()._contract_rate_floor(legal_rate)

    def _contract_rate_floor_error(self, floor):
        if not self._collection_french_law():
            return super()._contract_rate_floor_error(floor)
        return self.env._(
            "Level %(level)s: the contract rate (%(rate).2f %%) cannot be below three times the legal "
            "interest rate of the half-year, %(floor).2f %% (article L441-10 of the Code de commerce).",
            level=self.name,
            rate=self.interest_rate,
            floor=floor,
        )

    @api.constrains("recovery_fee", "interest_start", "interest_mode", "policy_id")
    def _check_consumer_charges(self):
        """Articles 1231-6 and 1344-1 of the Code civil: a consumer owes late interest from the formal notice."""
        result = super()._check_consumer_charges()
        for level in self.filtered(lambda level: level.policy_id.customer_type == "consumer"):
            if (
                level._collection_french_law()
                and level.interest_mode != "none"
                and level.interest_start != "formal_notice"
            ):
                raise ValidationError(
                    self.env._(
                        "Level %s: a consumer owes late interest only from the formal notice (article 1231-6 of "
                        "the Code civil).",
                        level.name,
                    )
                )
        return result
