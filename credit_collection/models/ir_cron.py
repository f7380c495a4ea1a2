from odoo import fields, models


class IrCron(models.Model):
    _inherit = "ir.cron"

    def _collection_trigger(self):
        """Runs these jobs as soon as a cron worker is free.

        Like ``_trigger()``, but the moment is stored to the microsecond: Odoo deletes, when a job ends,
        the triggers older than the moment it started, and ``_trigger()`` rounds down to the second, so a
        job that triggers itself (or a lane still running) within its first second would lose the trigger.
        """
        if not self:
            return
        triggers = (
            self.env["ir.cron.trigger"]
            .sudo()
            .create([{"cron_id": cron.id, "call_at": fields.Datetime.now()} for cron in self])
        )
        triggers.flush_recordset()
        self.env.cr.execute(
            "UPDATE ir_cron_trigger SET call_at = clock_timestamp() AT TIME ZONE 'UTC' WHERE id IN %s",
            [tuple(triggers.ids)],
        )
        self.env.cr.postcommit.add(self[:1]._notifydb)
