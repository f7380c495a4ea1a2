from odoo import api, models


class CreditCollectionKpi(models.AbstractModel):
    """Where the add-ons meet the KPIs: the registry of the KPIs they add and what they add to the cost of
    collection. Empty here; credit_collection_kpi computes the set, the other add-ons extend these methods
    (_inherit + super()) without depending on it."""

    _name = "credit.collection.kpi"
    _description = "Collection KPIs"

    @api.model
    def _kpi_registrations(self):
        """The KPIs the add-ons add to the set (credit_collection_kpi computes them after its own), each a dict:

        - ``name``: its key in the KPI values (and in a snapshot's ``registered_kpis``);
        - ``label``: translated, in the reader's language; ``kind``: "money", "number" or "integer";
        - ``compute``: the name of a method of this model, ``method(company, params, values)``, given the
          period's parameters (company, from, to, tz) and the KPIs computed so far; None is "not available";
        - ``higher_is_better`` (True, False or None), ``cumulative`` (a count or amount that grows until the
          period ends: no trend of a month to date against a whole month) and ``action`` (the xmlid of the
          window action its dashboard card opens).

        An add-on registers its KPI by overriding this method: ``return super()._kpi_registrations() + [...]``.
        """
        return []

    @api.model
    def _third_party_fees(self, params):
        """What third parties (agencies, lawyers, bailiffs) cost over the period: part of the cost of
        collection. None here; the add-on that transfers cases to them adds their fees."""
        return 0.0

    @api.model
    def _download(self, name, content):
        attachment = self.env["ir.attachment"].create(
            {
                "name": name,
                "raw": content,
                "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        )
        return {"type": "ir.actions.act_url", "target": "self", "url": "/web/content/%s?download=true" % attachment.id}
