from odoo import models


class CreditCollectionLevel(models.Model):
    _inherit = "credit.collection.level"

    def _portal_customer_label(self):
        """What the customer is told it received, in its words: never the level's internal name.

        Derived from the stage of the level, which every policy sets, so that a level named
        "Escalation" or "Formal notice - hard" by a collector shows as what the customer knows.
        """
        self.ensure_one()
        labels = {
            "pre_reminder": self.env._("Due date reminder"),
            "reminder_1": self.env._("Reminder"),
            "reminder_2": self.env._("Second reminder"),
            "formal_notice": self.env._("Formal notice"),
            "provision": self.env._("With our credit department"),
            "litigation": self.env._("Debt recovery proceedings"),
        }
        return labels.get(self.case_stage) or labels["reminder_1"]
