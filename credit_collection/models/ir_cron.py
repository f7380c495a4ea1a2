import threading
import time

from odoo import api, fields, models

# When the current run of cron jobs started in this process: a cron worker runs every job that is
# ready one after the other, and Odoo's time limit counts them all together. A cron worker process
# (prefork) also counts the sleep that preceded them: its watchdog is fed when the previous run ended.
_SEQUENCE = {"started": 0.0, "ended": time.monotonic(), "in_job": False}
# A worker that ended a job less than this ago is still in the same run of jobs.
SAME_SEQUENCE_GAP = 1.0


class IrCron(models.Model):
    _inherit = "ir.cron"

    @classmethod
    def _process_job(cls, db, cron_cr, job):
        now = time.monotonic()
        if now - _SEQUENCE["ended"] > SAME_SEQUENCE_GAP or not _SEQUENCE["started"]:
            _SEQUENCE["started"] = _SEQUENCE["ended"]
        _SEQUENCE["in_job"] = True
        try:
            return super()._process_job(db, cron_cr, job)
        finally:
            _SEQUENCE["ended"] = time.monotonic()
            _SEQUENCE["in_job"] = False

    @api.model
    def _collection_elapsed(self):
        """Seconds the current thread has been counted by Odoo's time limit: for a cron worker, across the
        jobs it ran in a row; for a request, since it started."""
        start = getattr(threading.current_thread(), "start_time", None)  # set by the threaded server
        if start:
            return time.time() - start
        if _SEQUENCE["in_job"]:
            return time.monotonic() - _SEQUENCE["started"]
        return 0.0

    def _collection_trigger(self):
        """Runs these jobs as soon as a cron worker is free.

        Like ``_trigger()``, but the moment is stored to the microsecond: Odoo deletes, when a job ends,
        the triggers older than the moment it started, and ``_trigger()`` rounds down to the second, so a
        job that triggers itself (or a lane still running) within its first second would lose the trigger.
        """
        if not self:
            return
        triggers = self.env["ir.cron.trigger"].sudo().create(
            [{"cron_id": cron.id, "call_at": fields.Datetime.now()} for cron in self])
        triggers.flush_recordset()
        self.env.cr.execute("UPDATE ir_cron_trigger SET call_at = clock_timestamp() AT TIME ZONE 'UTC' WHERE id IN %s",
                            [tuple(triggers.ids)])
        self.env.cr.postcommit.add(self[:1]._notifydb)
