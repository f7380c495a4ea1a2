from odoo import fields, models


class CreditCollectionPolicy(models.Model):
    _name = "credit.collection.policy"
    _description = "Dunning policy"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    level_ids = fields.One2many("credit.collection.level", "policy_id", string="Levels", copy=True)
    description = fields.Text(translate=True)

    def _levels_by_delay(self):
        self.ensure_one()
        return self.level_ids.filtered("active").sorted("delay_days")
