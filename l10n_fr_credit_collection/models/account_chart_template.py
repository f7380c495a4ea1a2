from odoo import models


class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"

    def _post_load_data(self, template_code, company, template_data):
        """A company that gets the French chart (a new one, or the demo's) gets the French collection
        defaults."""
        result = super()._post_load_data(template_code, company, template_data)
        if template_code and template_code.startswith("fr"):
            company._collection_set_french_defaults()
        return result
