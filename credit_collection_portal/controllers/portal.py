"""The customer's balance on the portal: open and paid invoices, statement, payment, requests.

Who is the customer: the commercial partner of the logged-in portal user, or the commercial partner
named by `pid` with a valid signed `token` (the link in every reminder). Everything is then read
and written with sudo, always filtered on that commercial partner: portal users get no access right
on the collection models, which hold the collectors' internal data.
"""

from datetime import timedelta

from werkzeug.exceptions import NotFound
from werkzeug.urls import url_encode

from odoo import _, fields, http
from odoo.exceptions import ValidationError
from odoo.fields import Command, Domain
from odoo.http import request
from odoo.tools import format_amount

from odoo.addons.account_payment.controllers.portal import PortalAccount
from odoo.addons.payment import utils as payment_utils

PAYABLE_TYPES = ("out_invoice", "out_receipt")
CUSTOMER_TYPES = ("out_invoice", "out_refund", "out_receipt")
MAX_ATTACHMENT_SIZE = 10 * 1024 * 1024
MAX_PROMISE_DAYS = 365
MAX_INSTALMENTS = 24
PAID_SHOWN = 20


class InvalidRequest(Exception):
    """A request the customer can correct: shown on the page, nothing is created."""


class CollectionPortal(PortalAccount):

    # ------------------------------------------------------------------ who is asking
    def _balance_partner(self, pid=None, token=None):
        """The commercial partner whose balance is shown; None when a login is needed.

        A wrong or foreign token is a 404, whoever is logged in: ids are not confirmed to exist.
        """
        if token or pid:
            try:
                partner = request.env["res.partner"].sudo().browse(int(pid)).exists()
            except (TypeError, ValueError):
                raise NotFound() from None
            if not partner or not partner._collection_portal_check_token(token):
                raise NotFound()
            return partner
        if request.env.user._is_public():
            return None
        return request.env.user.partner_id.commercial_partner_id.sudo()

    def _balance_auth(self, partner, token=None):
        """The query parameters that keep the token through links and forms."""
        return {"pid": partner.id, "token": token} if token else {}

    def _balance_url(self, auth, path="/my/balance", **params):
        query = {**auth, **{key: value for key, value in params.items() if value}}
        return "%s?%s" % (path, url_encode(query)) if query else path

    @staticmethod
    def _is_customer_user(commercial):
        user = request.env.user
        return not user._is_public() and user.partner_id.commercial_partner_id == commercial

    def _balance_payer(self, commercial):
        """The partner paying: the logged-in user when it belongs to the customer, else the customer."""
        return request.env.user.partner_id.sudo() if self._is_customer_user(commercial) else commercial

    def _login_redirect(self):
        return request.redirect("/web/login?%s" % url_encode({"redirect": request.httprequest.full_path}))

    # ------------------------------------------------------------------ what it owes
    def _balance_moves_domain(self, partner):
        return Domain([("commercial_partner_id", "=", partner.id), ("move_type", "in", CUSTOMER_TYPES),
                       ("state", "=", "posted")])

    def _balance_open_moves(self, partner):
        return request.env["account.move"].sudo().search(
            self._balance_moves_domain(partner) & Domain("payment_state", "in", ("not_paid", "partial")),
            order="invoice_date_due, id")

    def _balance_paid_moves(self, partner):
        return request.env["account.move"].sudo().search(
            self._balance_moves_domain(partner) & Domain([("move_type", "in", PAYABLE_TYPES),
                                                          ("payment_state", "in", ("paid", "in_payment"))]),
            order="invoice_date desc, id desc", limit=PAID_SHOWN)

    def _balance_status(self, moves):
        """Per invoice: its open dispute, open promise, requested or running payment plan."""
        status = {move.id: {"dispute": False, "promise": False, "plan": False} for move in moves}
        env = request.env
        searches = [
            ("dispute", "credit.collection.dispute", [("state", "=", "open")]),
            ("promise", "credit.collection.promise", [("state", "=", "open")]),
            ("plan", "credit.collection.payment.plan", [("state", "in", ("draft", "running"))]),
        ]
        for key, model, domain in searches:
            for record in env[model].sudo().search(Domain(domain) & Domain("move_ids", "in", moves.ids)):
                for move in record.move_ids:
                    if move.id in status:
                        status[move.id][key] = record
        return status

    def _balance_providers(self, partner, company, currency, amount=0.0):
        payer = self._balance_payer(partner)
        return request.env["payment.provider"].sudo()._get_compatible_providers(
            company.id, payer.id, amount, currency_id=currency.id)

    def _balance_values(self, partner, auth, **extra):
        today = fields.Date.context_today(request.env.user)
        open_moves = self._balance_open_moves(partner)
        payable = open_moves.filtered(lambda move: move.move_type in PAYABLE_TYPES)
        overdue = payable.filtered(lambda move: move.invoice_date_due and move.invoice_date_due < today)
        paid_moves = self._balance_paid_moves(partner)
        companies = open_moves.company_id | paid_moves.company_id
        totals = []
        for company in open_moves.company_id:
            for currency in open_moves.filtered(lambda move, company=company: move.company_id == company).currency_id:
                moves = open_moves.filtered(
                    lambda move, company=company, currency=currency: move.company_id == company
                    and move.currency_id == currency)
                due = sum(move.amount_residual * (-1 if move.move_type == "out_refund" else 1) for move in moves)
                late = sum(move.amount_residual for move in moves & overdue)
                totals.append({"company": company, "currency": currency, "due": due, "overdue": late,
                               "online": bool(self._balance_providers(partner, company, currency))})
        values = self._prepare_portal_layout_values()
        values.update({
            "page_name": "collection_balance",
            "partner": partner,
            "auth": auth,
            "balance_url": lambda path="/my/balance", **params: self._balance_url(auth, path, **params),
            "open_moves": open_moves,
            "overdue_ids": set(overdue.ids),
            "payable_ids": set(payable.ids),
            "paid_moves": paid_moves,
            "status": self._balance_status(open_moves),
            "totals": totals,
            "companies": companies,
            "multi_company": len(companies) > 1,
            "today": today,
            "invoice_url": self._invoice_url,
            **extra,
        })
        return values

    @staticmethod
    def _invoice_url(move, **params):
        """Odoo's own invoice page, reachable with the invoice's access token whoever is logged in."""
        move = move.sudo()
        move._portal_ensure_token()
        return move.get_portal_url(**params)

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "collection_open_count" in counters:
            partner = request.env.user.partner_id.commercial_partner_id
            values["collection_open_count"] = request.env["account.move"].sudo().search_count(
                self._balance_moves_domain(partner) & Domain([("move_type", "in", PAYABLE_TYPES),
                                                              ("payment_state", "in", ("not_paid", "partial"))]))
        return values

    # ------------------------------------------------------------------ pages
    @http.route("/my/balance", type="http", auth="public", website=True, sitemap=False)
    def portal_my_balance(self, pid=None, token=None, **kwargs):
        partner = self._balance_partner(pid, token)
        if partner is None:
            return self._login_redirect()
        auth = self._balance_auth(partner, token)
        messages = {
            "paid": _("Thank you: your payment has been received and applied to your invoices."),
            "dispute": _("Your dispute has been sent to our credit department; reminders on this invoice are on hold."),
            "promise": _("Thank you: your payment promise has been recorded."),
            "plan": _("Your request for a payment plan has been sent; we will come back to you shortly."),
        }
        return request.render("credit_collection_portal.portal_my_balance", self._balance_values(
            partner, auth, success=messages.get(kwargs.get("done"))))

    @http.route("/my/balance/statement", type="http", auth="public", website=True, sitemap=False)
    def portal_my_balance_statement(self, company_id=None, pid=None, token=None, **kwargs):
        partner = self._balance_partner(pid, token)
        if partner is None:
            return self._login_redirect()
        companies = request.env["account.move"].sudo().search(self._balance_moves_domain(partner)).company_id
        try:
            company = companies.filtered(lambda company: company.id == int(company_id or companies[:1].id))
        except ValueError:
            raise NotFound() from None
        if not company:
            raise NotFound()
        report = request.env.ref("credit_collection.action_report_statement").sudo()
        content, kind = report.with_company(company).with_context(
            collection_company_id=company.id, lang=partner.lang or request.env.lang,
        )._render_qweb_pdf(report.report_name, partner.ids)
        if kind != "pdf":  # Odoo renders HTML under the test server: wkhtmltopdf would call back into it
            return request.make_response(content, [("Content-Type", "text/html; charset=utf-8")])
        filename = "%s - %s.pdf" % (_("Statement"), (partner.name or "").replace("/", "-"))
        return request.make_response(content, [
            ("Content-Type", "application/pdf"), ("Content-Length", len(content)),
            ("Content-Disposition", http.content_disposition(filename)),
        ])

    # ------------------------------------------------------------------ payment
    def _balance_checked_invoices(self, partner, invoice_ids, payable=True):
        """The invoices asked for, all the customer's and open; 404 for anything else."""
        ids = self._parse_ids(invoice_ids)
        if not ids:
            raise InvalidRequest(_("Select at least one invoice."))
        moves = request.env["account.move"].sudo().browse(ids).exists()
        domain = self._balance_moves_domain(partner) + [
            ("id", "in", ids), ("payment_state", "in", ("not_paid", "partial")),
            ("move_type", "in", PAYABLE_TYPES if payable else CUSTOMER_TYPES)]
        if len(moves) != len(ids) or request.env["account.move"].sudo().search_count(domain) != len(ids):
            raise NotFound()
        if len(moves.company_id) > 1 or len(moves.currency_id) > 1:
            raise InvalidRequest(_("Invoices of different companies or currencies must be paid separately."))
        return moves

    @staticmethod
    def _parse_ids(invoice_ids):
        if isinstance(invoice_ids, (list, tuple)):
            raw = invoice_ids
        else:
            raw = str(invoice_ids or "").replace("-", ",").split(",")
        try:
            ids = [int(value) for value in raw if str(value).strip()]
        except ValueError:
            raise NotFound() from None
        if any(value <= 0 for value in ids):
            raise NotFound()
        return sorted(set(ids))

    @staticmethod
    def _parse_amount(amount, currency, default):
        if amount in (None, "", False):
            return default
        try:
            value = float(str(amount).replace(",", ".").replace(" ", ""))
        except ValueError:
            raise InvalidRequest(_("The amount is not a number.")) from None
        return currency.round(value)

    def _balance_check_amount(self, moves, amount):
        currency = moves.currency_id
        total = sum(moves.mapped("amount_residual"))
        amount = self._parse_amount(amount, currency, total)
        if currency.compare_amounts(amount, 0.0) <= 0:
            raise InvalidRequest(_("The amount must be positive."))
        if currency.compare_amounts(amount, total) > 0:
            raise InvalidRequest(_("The amount cannot exceed what is due on the selected invoices (%s).",
                                   format_amount(request.env, total, currency)))
        return amount

    def _balance_error(self, partner, auth, message):
        return request.render("credit_collection_portal.portal_my_balance",
                              self._balance_values(partner, auth, error=message), status=400)

    @http.route("/my/balance/pay", type="http", auth="public", methods=["POST"], website=True, sitemap=False)
    def portal_my_balance_pay(self, pid=None, token=None, amount=None, **kwargs):
        partner = self._balance_partner(pid, token)
        if partner is None:
            return self._login_redirect()
        auth = self._balance_auth(partner, token)
        try:
            moves = self._balance_checked_invoices(partner, request.httprequest.form.getlist("invoice_ids"))
            amount = self._balance_check_amount(moves, amount)
        except InvalidRequest as error:
            return self._balance_error(partner, auth, str(error))
        company, currency = moves.company_id, moves.currency_id
        payer = self._balance_payer(partner)
        ids_key = "-".join(str(move_id) for move_id in moves.ids)
        providers = self._balance_providers(partner, company, currency, amount)
        payment_methods = request.env["payment.method"].sudo()._get_compatible_payment_methods(
            providers.ids, payer.id, currency_id=currency.id)
        tokens = request.env["payment.token"].sudo()._get_available_tokens(providers.ids, payer.id)
        values = self._balance_values(partner, auth)
        values.update({
            "page_name": "collection_pay",
            "moves": moves,
            "pay_company": company,
            "amount": amount,
            "currency": currency,
            "partner_id": payer.id,
            "providers_sudo": providers,
            "payment_methods_sudo": payment_methods,
            "tokens_sudo": tokens,
            "show_tokenize_input_mapping": self._compute_show_tokenize_input_mapping(providers),
            "transaction_route": "/my/balance/transaction/%s" % ids_key,
            "landing_route": self._balance_url(auth, done="paid"),
            "access_token": payment_utils.generate_access_token(payer.id, amount, currency.id, ids_key),
            "bank_accounts": company.partner_id.bank_ids,
            "company_mismatch": not self._can_partner_pay_in_company(payer, company),
            "expected_company": company,
        })
        return request.render("credit_collection_portal.portal_my_balance_pay", values)

    @http.route("/my/balance/transaction/<string:invoice_ids>", type="jsonrpc", auth="public")
    def portal_my_balance_transaction(self, invoice_ids, access_token=None, amount=None, **kwargs):
        """Creates one transaction for the selected invoices, after checking everything again."""
        try:
            ids = self._parse_ids(invoice_ids)
        except NotFound:
            raise ValidationError(_("The access token is invalid.")) from None
        moves = request.env["account.move"].sudo().browse(ids).exists()
        partner = moves.commercial_partner_id
        if len(moves) != len(ids) or len(partner) != 1:
            raise ValidationError(_("The access token is invalid."))
        payer = self._balance_payer(partner)
        ids_key = "-".join(str(move_id) for move_id in ids)
        amount = amount and float(amount)
        if not payment_utils.check_access_token(access_token, payer.id, amount, moves.currency_id[:1].id, ids_key):
            raise ValidationError(_("The access token is invalid."))
        try:
            moves = self._balance_checked_invoices(partner, ids)
            amount = self._balance_check_amount(moves, amount)
        except InvalidRequest as error:
            raise ValidationError(str(error)) from None
        except NotFound:
            raise ValidationError(_("These invoices cannot be paid any more.")) from None
        self._validate_transaction_kwargs(kwargs)
        kwargs.update({
            "amount": amount,
            "currency_id": moves.currency_id.id,
            "partner_id": payer.id,
            "is_validation": False,
            # Set here, not taken from the browser: back to the balance, signed when not logged in.
            "landing_route": "/my/balance?done=paid" if self._is_customer_user(partner)
            else partner._collection_portal_url(done="paid"),
        })
        kwargs.pop("csrf_token", None)
        tx = self._create_transaction(custom_create_values={"invoice_ids": [Command.set(moves.ids)]}, **kwargs)
        return tx._get_processing_values()

    # ------------------------------------------------------------------ customer requests
    def _balance_case(self, partner, company):
        return request.env["credit.collection.case"].sudo().with_company(company)._get_or_open(partner, company).sudo()

    def _request_page(self, template, partner, auth, **extra):
        extra.setdefault("page_name", "collection_" + template.rsplit("_", 1)[-1])  # breadcrumbs
        values = self._balance_values(partner, auth, **extra)
        return request.render(template, values, status=400 if extra.get("error") else 200)

    # --- dispute
    @http.route("/my/balance/dispute/<int:invoice_id>", type="http", auth="public", methods=["GET", "POST"],
                website=True, sitemap=False)
    def portal_my_balance_dispute(self, invoice_id, pid=None, token=None, **post):
        partner = self._balance_partner(pid, token)
        if partner is None:
            return self._login_redirect()
        auth = self._balance_auth(partner, token)
        move = self._balance_checked_invoices(partner, [invoice_id])
        reasons = self._dispute_reasons()
        template = "credit_collection_portal.portal_my_balance_dispute"
        if request.httprequest.method != "POST":
            return self._request_page(template, partner, auth, move=move, reasons=reasons, form={})
        try:
            reason = post.get("reason")
            if reason not in dict(reasons):
                raise InvalidRequest(_("Choose the reason of the dispute."))
            description = (post.get("description") or "").strip()
            if not description:
                raise InvalidRequest(_("Tell us what is wrong with this invoice."))
            upload = request.httprequest.files.get("attachment")
            content = upload.read(MAX_ATTACHMENT_SIZE + 1) if upload and upload.filename else b""
            if len(content) > MAX_ATTACHMENT_SIZE:
                raise InvalidRequest(_("The attachment is too large (10 MB at most)."))
        except InvalidRequest as error:
            return self._request_page(template, partner, auth, move=move, reasons=reasons, form=post,
                                      error=str(error))
        company = move.company_id
        case = self._balance_case(partner, company)
        # The model writes the customer's message on the dispute, the case and the invoice.
        dispute = request.env["credit.collection.dispute"].sudo().with_company(company).create({
            "partner_id": partner.id, "company_id": company.id, "case_id": case.id,
            "move_ids": [Command.set(move.ids)], "reason": reason, "description": description,
            "user_id": case.user_id.id, "source": "portal",
        })
        if content:
            attachment = request.env["ir.attachment"].sudo().create({
                "name": upload.filename, "raw": content, "res_model": dispute._name, "res_id": dispute.id})
            for record in (dispute, case):
                record.message_post(
                    body=_("Document sent by the customer with dispute %s.", dispute.name),
                    attachment_ids=attachment.copy({"res_model": record._name, "res_id": record.id}).ids
                    if record != dispute else attachment.ids,
                    message_type="comment", subtype_xmlid="mail.mt_note")
        return request.redirect(self._balance_url(auth, done="dispute"))

    def _dispute_reasons(self):
        field = request.env["credit.collection.dispute"]._fields["reason"]
        return field._description_selection(request.env)

    # --- promise
    @http.route("/my/balance/promise", type="http", auth="public", methods=["GET", "POST"],
                website=True, sitemap=False)
    def portal_my_balance_promise(self, pid=None, token=None, **post):
        partner = self._balance_partner(pid, token)
        if partner is None:
            return self._login_redirect()
        auth = self._balance_auth(partner, token)
        template = "credit_collection_portal.portal_my_balance_promise"
        if request.httprequest.method != "POST":
            return self._request_page(template, partner, auth, form={}, selected=set(
                self._balance_open_moves(partner).filtered(
                    lambda move: move.move_type in PAYABLE_TYPES).ids))
        selected = request.httprequest.form.getlist("invoice_ids")
        try:
            moves = self._balance_checked_invoices(partner, selected)
            amount = self._balance_check_amount(moves, post.get("amount"))
            promise_date = self._parse_date(post.get("promise_date"), MAX_PROMISE_DAYS)
        except InvalidRequest as error:
            return self._request_page(template, partner, auth, form=post, error=str(error),
                                      selected=set(self._parse_ids(selected)))
        company = moves.company_id
        case = self._balance_case(partner, company)
        note = (post.get("note") or "").strip()
        request.env["credit.collection.promise"].sudo().with_company(company).create({
            "partner_id": partner.id, "company_id": company.id, "case_id": case.id,
            "move_ids": [Command.set(moves.ids)], "amount": amount, "currency_id": moves.currency_id.id,
            "promise_date": promise_date, "source": "portal", "note": note, "user_id": case.user_id.id,
        })
        return request.redirect(self._balance_url(auth, done="promise"))

    # --- payment plan
    @http.route("/my/balance/plan", type="http", auth="public", methods=["GET", "POST"], website=True, sitemap=False)
    def portal_my_balance_plan(self, pid=None, token=None, **post):
        partner = self._balance_partner(pid, token)
        if partner is None:
            return self._login_redirect()
        auth = self._balance_auth(partner, token)
        template = "credit_collection_portal.portal_my_balance_plan"
        if request.httprequest.method != "POST":
            return self._request_page(template, partner, auth, form={}, max_instalments=MAX_INSTALMENTS, selected=set(
                self._balance_open_moves(partner).filtered(lambda move: move.move_type in PAYABLE_TYPES).ids))
        selected = request.httprequest.form.getlist("invoice_ids")
        try:
            moves = self._balance_checked_invoices(partner, selected)
            try:
                count = int(post.get("instalment_count") or 0)
            except ValueError:
                count = 0
            if not 2 <= count <= MAX_INSTALMENTS:
                raise InvalidRequest(_("Choose between 2 and %s instalments.", MAX_INSTALMENTS))
            first_date = self._parse_date(post.get("first_date"), 90)
        except InvalidRequest as error:
            return self._request_page(template, partner, auth, form=post, error=str(error),
                                      max_instalments=MAX_INSTALMENTS, selected=set(self._parse_ids(selected)))
        company = moves.company_id
        case = self._balance_case(partner, company)
        note = (post.get("note") or "").strip()
        request.env["credit.collection.payment.plan"].sudo().with_company(company).create({
            "partner_id": partner.id, "company_id": company.id, "case_id": case.id,
            "move_ids": [Command.set(moves.ids)], "instalment_count": count, "first_date": first_date,
            "source": "portal", "note": note, "state": "draft", "user_id": case.user_id.id,
        })
        return request.redirect(self._balance_url(auth, done="plan"))

    @staticmethod
    def _parse_date(value, max_days):
        today = fields.Date.context_today(request.env.user)
        try:
            date = fields.Date.to_date(value)
        except ValueError:
            date = None
        if not date:
            raise InvalidRequest(_("Enter a valid date."))
        if date < today or date > today + timedelta(days=max_days):
            raise InvalidRequest(_("The date must be between today and %s days from now.", max_days))
        return date

