"""The customer's balance on the portal: open and paid invoices, statement, payment, requests.

Who is the customer (``_balance_access``):
- a logged-in user: the commercial partner of its contact;
- a visitor who opened the link of a reminder: the link's commercial partner. The link carries its
  token in the URL fragment, which browsers never send; the page posts it once to
  ``/my/balance/access``, which keeps the grant in the session and redirects to the clean
  ``/my/balance``. Every request checks the grant again: expired, customer archived or links
  revoked since, the visitor is refused.
A link holder sees, downloads and pays; what holds the reminders or asks the credit department
(dispute, promise, payment plan) needs the login of a user of the customer. No route takes a token
or a partner id in its URL: one presented there is refused (404, or 410 for a genuine old link).

Everything is then read and written with sudo, always filtered on that commercial partner: portal
users get no access right on the collection models, which hold the collectors' internal data.
"""

import math
from collections import namedtuple
from datetime import timedelta

from werkzeug.exceptions import NotFound, abort
from werkzeug.urls import url_encode

from odoo import fields, http
from odoo.exceptions import ValidationError
from odoo.fields import Command, Domain
from odoo.http import request
from odoo.tools import format_amount, format_date

from odoo.addons.account_payment.controllers.portal import PortalAccount
from odoo.addons.payment import utils as payment_utils

PAYABLE_TYPES = ("out_invoice", "out_receipt")
CUSTOMER_TYPES = ("out_invoice", "out_refund", "out_receipt")
MAX_ATTACHMENT_SIZE = 10 * 1024 * 1024
MAX_PROMISE_DAYS = 365
MAX_INSTALMENTS = 24
MAX_OPEN_PROMISES = 3
MAX_OPEN_PLAN_REQUESTS = 1
MAX_AMOUNT = 1e12  # beyond any invoice; keeps the currency rounding finite
PAID_SHOWN = 20
LINK_SESSION_KEY = "credit_collection_portal_link"
# The balance pages name the customer and its debts: no Referer leaves them, no cache keeps them.
SECURITY_HEADERS = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}
LINK_REFUSAL_STATUS = {"invalid": 404, "expired": 410}

BalanceAccess = namedtuple("BalanceAccess", "partner via_link")


class InvalidRequest(Exception):
    """A request the customer can correct: shown on the page, nothing is created."""


class CollectionPortal(PortalAccount):
    # ------------------------------------------------------------------ who is asking
    def _balance_access(self, requests=False, json=False):
        """``(access, response)``: who the customer is, or the response that refuses the request.

        ``requests``: the route creates a request for the credit department (login needed).
        ``json``: the route is a JSON-RPC one; a refusal is then raised with its HTTP status.
        """
        self._balance_secure_headers()
        partner_model = request.env["res.partner"]
        params = request.params  # query string, form and path of an HTTP route; params of a JSON one
        if "token" in params or "pid" in params:
            return None, self._balance_presented_link_refusal(params.get("pid"), params.get("token"), json)
        user = request.env.user
        if not user._is_public():
            return BalanceAccess(user.partner_id.commercial_partner_id.sudo(), False), None
        grant = request.session.get(LINK_SESSION_KEY)
        if not grant:
            return None, self._balance_login_needed(json)
        partner, status = partner_model._collection_portal_link_status(
            grant.get("partner_id"), grant.get("issued", 0), grant.get("generation")
        )
        if status != "valid":
            request.session.pop(LINK_SESSION_KEY, None)
            return None, self._balance_refusal(status, json, partner)
        if requests:
            return None, self._balance_login_needed(json)
        return BalanceAccess(partner, True), None

    def _balance_presented_link_refusal(self, pid, token, json=False):
        """A credential presented where none is taken is checked, never ignored: a genuine link of the
        first version (token in the query string, no expiry) is told it expired, anything else is 404."""
        legacy = request.env["res.partner"]._collection_portal_legacy_link_partner(pid, token)
        return self._balance_refusal("expired" if legacy else "invalid", json, legacy)

    @staticmethod
    def _balance_secure_headers():
        for name, value in SECURITY_HEADERS.items():
            request.future_response.headers.set(name, value)

    def _balance_login_needed(self, json=False):
        """Nobody identified: to the login page. A link holder asking what needs a login: told so."""
        if json:
            return self._json_refusal(403, request.env._("Log in to your customer account to do this."))
        if not request.session.get(LINK_SESSION_KEY):
            return self._login_redirect()
        return request.render("credit_collection_portal.portal_balance_login_needed", {}, status=403)

    def _balance_refusal(self, status, json=False, partner=None):
        """The answer to an expired or invalid link: what the customer can do instead, in its language
        when the link was genuine."""
        code = LINK_REFUSAL_STATUS[status]
        if partner and partner.lang and request.env["res.lang"]._lang_get(partner.lang).active:
            request.update_context(lang=partner.lang)
        if json:
            return self._json_refusal(code, request.env._("This link is no longer valid."))
        return request.render(
            "credit_collection_portal.portal_balance_link_refused", {"expired": status == "expired"}, status=code
        )

    @staticmethod
    def _json_refusal(status, message):
        """A JSON-RPC error with a real HTTP status; Odoo's rpc client reads the body all the same."""
        return request.make_json_response(
            {
                "jsonrpc": "2.0",
                "id": getattr(request.dispatcher, "request_id", None),
                "error": {
                    "code": status,
                    "message": message,
                    "data": {
                        "name": "odoo.exceptions.UserError",
                        "message": message,
                        "arguments": [message],
                        "context": {},
                        "debug": "",
                    },
                },
            },
            status=status,
        )

    @staticmethod
    def _is_customer_user(commercial):
        user = request.env.user
        return not user._is_public() and user.partner_id.commercial_partner_id == commercial

    def _balance_payer(self, commercial):
        """The partner paying: the logged-in user when it belongs to the customer, else the customer."""
        return request.env.user.partner_id.sudo() if self._is_customer_user(commercial) else commercial

    def _login_redirect(self):
        return request.redirect("/web/login?%s" % url_encode({"redirect": request.httprequest.full_path}))

    @staticmethod
    def _balance_url(path="/my/balance", **params):
        query = {key: value for key, value in params.items() if value}
        return "%s?%s" % (path, url_encode(query)) if query else path

    # ------------------------------------------------------------------ the link of the reminders
    @http.route("/my/balance/access", type="http", auth="public", methods=["GET", "POST"], website=True, sitemap=False)
    def portal_my_balance_access(self, **kwargs):
        """GET: the page that reads the token in the fragment and posts it; POST: the exchange."""
        self._balance_secure_headers()
        query = request.httprequest.args
        if "token" in query or "pid" in query:
            return self._balance_presented_link_refusal(query.get("pid"), query.get("token"))
        if request.httprequest.method != "POST":
            return request.render("credit_collection_portal.portal_balance_access", {})
        partner, grant, status = request.env["res.partner"]._collection_portal_read_token(
            request.httprequest.form.get("token")
        )
        if status != "valid":
            return self._balance_refusal(status, partner=partner)
        if not request.env.user._is_public():
            if self._is_customer_user(partner):
                return request.redirect("/my/balance")
            return request.render("credit_collection_portal.portal_balance_other_account", {}, status=409)
        request.session[LINK_SESSION_KEY] = grant
        request.session.should_rotate = True
        return self._redirect_in_language("/my/balance", partner.lang)

    @staticmethod
    def _redirect_in_language(path, lang_code):
        """The customer's language decides, not the browser's: the reminder was written in it."""
        lang = request.env["res.lang"]._lang_get(lang_code) if lang_code else None
        if not lang or not lang.active:
            return request.redirect(path)
        if lang != request.env["ir.http"]._get_default_lang():
            path = "/%s%s" % (lang.url_code, path)
        # Through the future response: after the cookie the frontend sets from the browser's language.
        request.future_response.set_cookie("frontend_lang", lang.code)
        return request.redirect(path)

    # ------------------------------------------------------------------ what it owes
    def _balance_moves_domain(self, partner):
        return Domain(
            [("commercial_partner_id", "=", partner.id), ("move_type", "in", CUSTOMER_TYPES), ("state", "=", "posted")]
        )

    def _balance_open_moves(self, partner):
        return (
            request.env["account.move"]
            .sudo()
            .search(
                self._balance_moves_domain(partner) & Domain("payment_state", "in", ("not_paid", "partial")),
                order="invoice_date_due, id",
            )
        )

    def _balance_paid_moves(self, partner):
        return (
            request.env["account.move"]
            .sudo()
            .search(
                self._balance_moves_domain(partner)
                & Domain([("move_type", "in", PAYABLE_TYPES), ("payment_state", "in", ("paid", "in_payment"))]),
                order="invoice_date desc, id desc",
                limit=PAID_SHOWN,
            )
        )

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

    def _balance_reminder_labels(self, moves):
        """Per invoice, the customer's words for the last reminder it was sent (not planned, not
        cancelled): never the internal name of the level."""
        lines = (
            request.env["credit.collection.action.line"]
            .sudo()
            .search([("move_id", "in", moves.ids), ("state", "!=", "cancelled"), ("action_id.state", "=", "sent")])
        )
        reached = {}
        for line in lines:
            if line.move_id.id not in reached or reached[line.move_id.id].delay_days < line.level_id.delay_days:
                reached[line.move_id.id] = line.level_id
        return {move_id: level._portal_customer_label() for move_id, level in reached.items()}

    def _balance_providers(self, partner, company, currency, amount=0.0):
        payer = self._balance_payer(partner)
        return (
            request.env["payment.provider"]
            .sudo()
            ._get_compatible_providers(company.id, payer.id, amount, currency_id=currency.id)
        )

    def _balance_values(self, access, **extra):
        partner = access.partner
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
                    and move.currency_id == currency
                )
                due = sum(move.amount_residual * (-1 if move.move_type == "out_refund" else 1) for move in moves)
                late = sum(move.amount_residual for move in moves & overdue)
                totals.append(
                    {
                        "company": company,
                        "currency": currency,
                        "due": due,
                        "overdue": late,
                        "online": bool(self._balance_providers(partner, company, currency)),
                    }
                )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "collection_balance",
                "partner": partner,
                "via_link": access.via_link,
                "balance_url": self._balance_url,
                "request_url": lambda path: ("/web/login?%s" % url_encode({"redirect": path}))
                if access.via_link
                else path,
                "open_moves": open_moves,
                "overdue_ids": set(overdue.ids),
                "payable_ids": set(payable.ids),
                "paid_moves": paid_moves,
                "status": self._balance_status(open_moves),
                "reminder_labels": self._balance_reminder_labels(open_moves),
                "promise_label": lambda promise: request.env._(
                    "Payment promised for %s", format_date(request.env, promise.promise_date)
                ),
                "totals": totals,
                "companies": companies,
                "multi_company": len(companies) > 1,
                "today": today,
                "invoice_url": self._invoice_url,
                **extra,
            }
        )
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
            values["collection_open_count"] = (
                request.env["account.move"]
                .sudo()
                .search_count(
                    self._balance_moves_domain(partner)
                    & Domain([("move_type", "in", PAYABLE_TYPES), ("payment_state", "in", ("not_paid", "partial"))])
                )
            )
        return values

    # ------------------------------------------------------------------ pages
    @http.route("/my/balance", type="http", auth="public", website=True, sitemap=False)
    def portal_my_balance(self, done=None, **kwargs):
        access, response = self._balance_access()
        if response:
            return response
        messages = {
            "paid": request.env._("Thank you: your payment has been received and applied to your invoices."),
            "dispute": request.env._(
                "Your dispute has been sent to our credit department; reminders on this invoice are on hold."
            ),
            "promise": request.env._("Thank you: your payment promise has been recorded."),
            "plan": request.env._("Your request for a payment plan has been sent; we will come back to you shortly."),
        }
        return request.render(
            "credit_collection_portal.portal_my_balance", self._balance_values(access, success=messages.get(done))
        )

    @http.route("/my/balance/statement", type="http", auth="public", website=True, sitemap=False)
    def portal_my_balance_statement(self, company_id=None, **kwargs):
        access, response = self._balance_access()
        if response:
            return response
        partner = access.partner
        companies = request.env["account.move"].sudo().search(self._balance_moves_domain(partner)).company_id
        try:
            company = companies.filtered(lambda company: company.id == int(company_id or companies[:1].id))
        except ValueError:
            raise NotFound() from None
        if not company:
            raise NotFound()
        report = request.env.ref("credit_collection.action_report_statement").sudo()
        content, kind = (
            report.with_company(company)
            .with_context(
                collection_company_id=company.id,
                lang=partner.lang or request.env.lang,
            )
            ._render_qweb_pdf(report.report_name, partner.ids)
        )
        if kind != "pdf":  # Odoo renders HTML under the test server: wkhtmltopdf would call back into it
            return request.make_response(content, [("Content-Type", "text/html; charset=utf-8")])
        title = request.env._("Statement")  # apart: Odoo's term extractor reads the next tuple as a term
        filename = "%s - %s.pdf" % (title, (partner.name or "").replace("/", "-"))
        return request.make_response(
            content,
            [
                ("Content-Type", "application/pdf"),
                ("Content-Length", len(content)),
                ("Content-Disposition", http.content_disposition(filename)),
            ],
        )

    # ------------------------------------------------------------------ payment
    def _balance_checked_invoices(self, partner, invoice_ids, payable=True):
        """The invoices asked for, all the customer's and open; 404 for anything else."""
        ids = self._parse_ids(invoice_ids)
        if not ids:
            raise InvalidRequest(request.env._("Select at least one invoice."))
        moves = request.env["account.move"].sudo().browse(ids).exists()
        domain = self._balance_moves_domain(partner) + [
            ("id", "in", ids),
            ("payment_state", "in", ("not_paid", "partial")),
            ("move_type", "in", PAYABLE_TYPES if payable else CUSTOMER_TYPES),
        ]
        if len(moves) != len(ids) or request.env["account.move"].sudo().search_count(domain) != len(ids):
            raise NotFound()
        if len(moves.company_id) > 1 or len(moves.currency_id) > 1:
            raise InvalidRequest(
                request.env._("Invoices of different companies or currencies must be paid separately.")
            )
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
        if any(not 0 < value < 2**31 for value in ids):
            raise NotFound()
        return sorted(set(ids))

    @staticmethod
    def _parse_amount(amount, currency, default):
        if amount in (None, "", False):
            return default
        try:
            value = float(str(amount).replace(",", ".").replace(" ", ""))
        except ValueError:
            raise InvalidRequest(request.env._("The amount is not a number.")) from None
        # float() reads "inf", "nan" and "1e309" (infinite): none is an amount.
        if not math.isfinite(value) or abs(value) > MAX_AMOUNT:
            raise InvalidRequest(request.env._("The amount is not a number.")) from None
        return currency.round(value)

    def _balance_check_amount(self, moves, amount):
        currency = moves.currency_id
        total = sum(moves.mapped("amount_residual"))
        amount = self._parse_amount(amount, currency, total)
        if currency.compare_amounts(amount, 0.0) <= 0:
            raise InvalidRequest(request.env._("The amount must be positive."))
        if currency.compare_amounts(amount, total) > 0:
            raise InvalidRequest(
                request.env._(
                    "The amount cannot exceed what is due on the selected invoices (%s).",
                    format_amount(request.env, total, currency),
                )
            )
        return amount

    def _balance_error(self, access, message):
        return request.render(
            "credit_collection_portal.portal_my_balance", self._balance_values(access, error=message), status=400
        )

    @http.route("/my/balance/pay", type="http", auth="public", methods=["POST"], website=True, sitemap=False)
    def portal_my_balance_pay(self, amount=None, **kwargs):
        access, response = self._balance_access()
        if response:
            return response
        partner = access.partner
        try:
            moves = self._balance_checked_invoices(partner, request.httprequest.form.getlist("invoice_ids"))
            amount = self._balance_check_amount(moves, amount)
        except InvalidRequest as error:
            return self._balance_error(access, str(error))
        company, currency = moves.company_id, moves.currency_id
        payer = self._balance_payer(partner)
        ids_key = "-".join(str(move_id) for move_id in moves.ids)
        providers = self._balance_providers(partner, company, currency, amount)
        payment_methods = (
            request.env["payment.method"]
            .sudo()
            ._get_compatible_payment_methods(providers.ids, payer.id, currency_id=currency.id)
        )
        tokens = request.env["payment.token"].sudo()._get_available_tokens(providers.ids, payer.id)
        values = self._balance_values(access)
        values.update(
            {
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
                "landing_route": self._balance_url(done="paid"),
                "access_token": payment_utils.generate_access_token(payer.id, amount, currency.id, ids_key),
                "bank_accounts": company.partner_id.bank_ids,
                "company_mismatch": not self._can_partner_pay_in_company(payer, company),
                "expected_company": company,
            }
        )
        return request.render("credit_collection_portal.portal_my_balance_pay", values)

    @http.route("/my/balance/transaction/<string:invoice_ids>", type="jsonrpc", auth="public")
    def portal_my_balance_transaction(self, invoice_ids, access_token=None, amount=None, **kwargs):
        """Creates one transaction for the selected invoices, after checking everything again.

        Refusals carry their HTTP status (and the JSON-RPC error the payment form shows).
        """
        access, response = self._balance_access(json=True)
        if response:
            abort(response)
        if not request.validate_csrf(kwargs.pop("csrf_token", None)):
            abort(self._json_refusal(400, request.env._("Your session expired: reload the page.")))
        try:
            moves = self._balance_checked_invoices(access.partner, self._parse_ids(invoice_ids))
            amount = self._balance_check_amount(moves, amount)
        except NotFound:
            abort(self._json_refusal(404, request.env._("These invoices cannot be paid any more.")))
        except InvalidRequest as error:
            abort(self._json_refusal(400, str(error)))
        partner, company, currency = access.partner, moves.company_id, moves.currency_id
        payer = self._balance_payer(partner)
        ids_key = "-".join(str(move_id) for move_id in moves.ids)
        if not payment_utils.check_access_token(access_token, payer.id, amount, currency.id, ids_key):
            abort(self._json_refusal(403, request.env._("The access token is invalid.")))
        try:
            self._validate_transaction_kwargs(kwargs)
        except ValidationError as error:
            abort(self._json_refusal(400, str(error)))
        self._balance_check_payment_option(partner, payer, company, currency, amount, kwargs)
        kwargs.update(
            {
                "amount": amount,
                "currency_id": currency.id,
                "partner_id": payer.id,
                "is_validation": False,
                # Set here, not taken from the browser.
                "landing_route": self._balance_url(done="paid"),
            }
        )
        tx = self._create_transaction(custom_create_values={"invoice_ids": [Command.set(moves.ids)]}, **kwargs)
        return tx._get_processing_values()

    def _balance_check_payment_option(self, partner, payer, company, currency, amount, kwargs):
        """The provider, method or saved token must be one the invoices' company offers this payer:
        a provider id is client input, and a provider of another company posts into its books."""
        providers = self._balance_providers(partner, company, currency, amount)
        for key in ("provider_id", "payment_method_id", "token_id"):
            kwargs[key] = self._as_id(kwargs.get(key))
        if kwargs.get("flow") == "token":
            tokens = request.env["payment.token"].sudo()._get_available_tokens(providers.ids, payer.id)
            allowed = kwargs["token_id"] in tokens.ids
        elif kwargs.get("flow") in ("direct", "redirect"):
            methods = (
                request.env["payment.method"]
                .sudo()
                ._get_compatible_payment_methods(providers.ids, payer.id, currency_id=currency.id)
            )
            allowed = kwargs["provider_id"] in providers.ids and kwargs["payment_method_id"] in methods.ids
        else:
            allowed = False
        if not allowed:
            abort(self._json_refusal(403, request.env._("This payment method is not available for these invoices.")))

    @staticmethod
    def _as_id(value):
        try:
            return int(value)
        except (TypeError, ValueError):
            return None

    # ------------------------------------------------------------------ customer requests
    def _balance_case(self, partner, company):
        return request.env["credit.collection.case"].sudo().with_company(company)._get_or_open(partner, company).sudo()

    def _request_page(self, template, access, **extra):
        extra.setdefault("page_name", "collection_" + template.rsplit("_", 1)[-1])  # breadcrumbs
        values = self._balance_values(access, **extra)
        return request.render(template, values, status=400 if extra.get("error") else 200)

    # --- dispute
    @http.route(
        "/my/balance/dispute/<int:invoice_id>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=True,
        sitemap=False,
    )
    def portal_my_balance_dispute(self, invoice_id, **post):
        access, response = self._balance_access(requests=True)
        if response:
            return response
        partner = access.partner
        move = self._balance_checked_invoices(partner, [invoice_id])
        dispute = self._balance_status(move)[move.id]["dispute"]
        if dispute:
            return self._balance_error(
                access,
                request.env._(
                    "%(invoice)s is already disputed (%(dispute)s, sent on %(date)s): our credit department is "
                    "looking into it.",
                    invoice=move.name,
                    dispute=dispute.name,
                    date=format_date(request.env, dispute.create_date),
                ),
            )
        reasons = self._dispute_reasons()
        template = "credit_collection_portal.portal_my_balance_dispute"
        if request.httprequest.method != "POST":
            return self._request_page(template, access, move=move, reasons=reasons, form={})
        try:
            reason = post.get("reason")
            if reason not in dict(reasons):
                raise InvalidRequest(request.env._("Choose the reason of the dispute."))
            description = (post.get("description") or "").strip()
            if not description:
                raise InvalidRequest(request.env._("Tell us what is wrong with this invoice."))
            upload = request.httprequest.files.get("attachment")
            content = upload.read(MAX_ATTACHMENT_SIZE + 1) if upload and upload.filename else b""
            if len(content) > MAX_ATTACHMENT_SIZE:
                raise InvalidRequest(request.env._("The attachment is too large (10 MB at most)."))
        except InvalidRequest as error:
            return self._request_page(template, access, move=move, reasons=reasons, form=post, error=str(error))
        company = move.company_id
        case = self._balance_case(partner, company)
        # The model writes the customer's message on the dispute, the case and the invoice.
        dispute = (
            request.env["credit.collection.dispute"]
            .sudo()
            .with_company(company)
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "case_id": case.id,
                    "move_ids": [Command.set(move.ids)],
                    "reason": reason,
                    "description": description,
                    "user_id": case.user_id.id,
                    "source": "portal",
                }
            )
        )
        if content:
            attachment = (
                request.env["ir.attachment"]
                .sudo()
                .create({"name": upload.filename, "raw": content, "res_model": dispute._name, "res_id": dispute.id})
            )
            for record in (dispute, case):
                record.message_post(
                    body=request.env._("Document sent by the customer with dispute %s.", dispute.name),
                    attachment_ids=attachment.copy({"res_model": record._name, "res_id": record.id}).ids
                    if record != dispute
                    else attachment.ids,
                    message_type="comment",
                    subtype_xmlid="mail.mt_note",
                )
        return request.redirect(self._balance_url(done="dispute"))

    def _dispute_reasons(self):
        field = request.env["credit.collection.dispute"]._fields["reason"]
        return field._description_selection(request.env)

    # --- promise
    def _preselected(self, partner, busy):
        """The invoices ticked on a request form: those named in the link (checked), else the open
        ones not ``busy`` already (under a promise, in a plan)."""
        asked = request.httprequest.args.getlist("invoice_ids")
        if asked:
            try:
                return set(self._balance_checked_invoices(partner, asked).ids)
            except InvalidRequest:
                return set()
        moves = self._balance_open_moves(partner).filtered(lambda move: move.move_type in PAYABLE_TYPES)
        status = self._balance_status(moves)
        return {move.id for move in moves if not status[move.id][busy]}

    def _check_promise_limits(self, partner, moves):
        promises = (
            request.env["credit.collection.promise"]
            .sudo()
            .search([("partner_id", "=", partner.id), ("state", "=", "open")])
        )
        promised = promises.filtered(lambda promise: promise.move_ids & moves)
        if promised:
            promise = promised[0]
            raise InvalidRequest(
                request.env._(
                    "%(invoices)s already have a payment promise for %(date)s: it holds until then.",
                    invoices=", ".join((promise.move_ids & moves).mapped("name")),
                    date=format_date(request.env, promise.promise_date),
                )
            )
        if len(promises) >= MAX_OPEN_PROMISES:
            raise InvalidRequest(
                request.env._(
                    "You already have %s payment promises pending: keep them, or contact our credit department.",
                    len(promises),
                )
            )

    @http.route("/my/balance/promise", type="http", auth="public", methods=["GET", "POST"], website=True, sitemap=False)
    def portal_my_balance_promise(self, **post):
        access, response = self._balance_access(requests=True)
        if response:
            return response
        partner = access.partner
        template = "credit_collection_portal.portal_my_balance_promise"
        if request.httprequest.method != "POST":
            return self._request_page(template, access, form={}, selected=self._preselected(partner, "promise"))
        selected = request.httprequest.form.getlist("invoice_ids")
        try:
            moves = self._balance_checked_invoices(partner, selected)
            amount = self._balance_check_amount(moves, post.get("amount"))
            promise_date = self._parse_date(post.get("promise_date"), MAX_PROMISE_DAYS)
            self._check_promise_limits(partner, moves)
        except InvalidRequest as error:
            return self._request_page(
                template, access, form=post, error=str(error), selected=set(self._parse_ids(selected))
            )
        company = moves.company_id
        case = self._balance_case(partner, company)
        note = (post.get("note") or "").strip()
        request.env["credit.collection.promise"].sudo().with_company(company).create(
            {
                "partner_id": partner.id,
                "company_id": company.id,
                "case_id": case.id,
                "move_ids": [Command.set(moves.ids)],
                "amount": amount,
                "currency_id": moves.currency_id.id,
                "promise_date": promise_date,
                "source": "portal",
                "note": note,
                "user_id": case.user_id.id,
            }
        )
        return request.redirect(self._balance_url(done="promise"))

    # --- payment plan
    def _check_plan_limits(self, partner, moves):
        plans = (
            request.env["credit.collection.payment.plan"]
            .sudo()
            .search([("partner_id", "=", partner.id), ("state", "in", ("draft", "running"))])
        )
        requested = plans.filtered(lambda plan: plan.state == "draft" and plan.source == "portal")
        if len(requested) >= MAX_OPEN_PLAN_REQUESTS:
            raise InvalidRequest(
                request.env._(
                    "Your request for a payment plan of %s is being reviewed by our credit department: "
                    "we will come back to you.",
                    format_date(request.env, requested[0].create_date),
                )
            )
        planned = plans.filtered(lambda plan: plan.move_ids & moves)
        if planned:
            raise InvalidRequest(
                request.env._("%s are already in a payment plan.", ", ".join((planned.move_ids & moves).mapped("name")))
            )

    @http.route("/my/balance/plan", type="http", auth="public", methods=["GET", "POST"], website=True, sitemap=False)
    def portal_my_balance_plan(self, **post):
        access, response = self._balance_access(requests=True)
        if response:
            return response
        partner = access.partner
        template = "credit_collection_portal.portal_my_balance_plan"
        if request.httprequest.method != "POST":
            return self._request_page(
                template, access, form={}, max_instalments=MAX_INSTALMENTS, selected=self._preselected(partner, "plan")
            )
        selected = request.httprequest.form.getlist("invoice_ids")
        try:
            moves = self._balance_checked_invoices(partner, selected)
            try:
                count = int(post.get("instalment_count") or 0)
            except ValueError:
                count = 0
            if not 2 <= count <= MAX_INSTALMENTS:
                raise InvalidRequest(request.env._("Choose between 2 and %s instalments.", MAX_INSTALMENTS))
            first_date = self._parse_date(post.get("first_date"), 90)
            self._check_plan_limits(partner, moves)
        except InvalidRequest as error:
            return self._request_page(
                template,
                access,
                form=post,
                error=str(error),
                max_instalments=MAX_INSTALMENTS,
                selected=set(self._parse_ids(selected)),
            )
        company = moves.company_id
        case = self._balance_case(partner, company)
        note = (post.get("note") or "").strip()
        request.env["credit.collection.payment.plan"].sudo().with_company(company).create(
            {
                "partner_id": partner.id,
                "company_id": company.id,
                "case_id": case.id,
                "move_ids": [Command.set(moves.ids)],
                "instalment_count": count,
                "first_date": first_date,
                "source": "portal",
                "note": note,
                "state": "draft",
                "user_id": case.user_id.id,
            }
        )
        return request.redirect(self._balance_url(done="plan"))

    @staticmethod
    def _parse_date(value, max_days):
        today = fields.Date.context_today(request.env.user)
        try:
            date = fields.Date.to_date(value)
        except ValueError:
            date = None
        if not date:
            raise InvalidRequest(request.env._("Enter a valid date."))
        if date < today or date > today + timedelta(days=max_days):
            raise InvalidRequest(request.env._("The date must be between today and %s days from now.", max_days))
        return date
