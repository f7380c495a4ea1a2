from odoo import fields, models

from ..tools.xlsx import workbook_bytes


class CreditCollectionAction(models.Model):
    _inherit = "credit.collection.action"

    def action_export_xlsx(self):
        """The selected reminders as an action list: who, what, how much, by whom, with totals."""
        states = dict(self._fields["state"]._description_selection(self.env))
        channels = dict(self._fields["channel"]._description_selection(self.env))
        columns = [
            (self.env._("Date"), "date", 12, False),
            (self.env._("Customer"), "text", 32, False),
            (self.env._("Phone"), "text", 18, False),
            (self.env._("Level"), "text", 18, False),
            (self.env._("Channel"), "text", 12, False),
            (self.env._("Status"), "text", 12, False),
            (self.env._("Collector"), "text", 18, False),
            (self.env._("Case"), "text", 14, False),
            (self.env._("Invoices"), "integer", 9, True),
            (self.env._("Amount due"), "money", 14, True),
            (self.env._("Fees and interest"), "money", 14, True),
            (self.env._("Company"), "text", 20, False),
        ]
        rows = [
            (
                action.date,
                action.partner_id.display_name,
                action.partner_id.phone or "",
                action.level_id.name,
                channels.get(action.channel, ""),
                states.get(action.state, ""),
                action.user_id.name or "",
                action.case_id.name or "",
                len(action.line_ids),
                action.amount_due,
                action.fee_amount + action.interest_amount,
                action.company_id.name,
            )
            for action in self.sorted(lambda action: (action.date, action.partner_id.display_name or ""))
        ]
        content = workbook_bytes([(self.env._("Actions"), columns, rows, self.env._("Total"))])
        return self.env["credit.collection.kpi"]._download(
            self.env._("Collection actions %s.xlsx", fields.Date.to_string(fields.Date.context_today(self))), content
        )
