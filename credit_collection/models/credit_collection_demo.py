"""Seeded demo ledger: a French company and ~50 customers with distinct payment habits.

Loaded by the add-on's demo data (so by the README's run command) and reused by the tests.
Dates are relative to ``today`` so the ledger always has current and overdue items; with the same
seed and the same ``today`` the ledger is the same.
"""

import base64
import random
from dataclasses import dataclass
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools.misc import file_open

DEMO_COMPANY_XMLID = "credit_collection.demo_company_fr"


@dataclass(frozen=True)
class PaymentProfile:
    code: str
    count: int  # customers with this profile
    invoices: int  # invoices per customer over 18 months
    amount_range: tuple  # untaxed amount of one invoice
    delay_range: tuple  # days paid after the due date (negative = early)
    unpaid_rate: float = 0.0  # share of invoices left open although their payment date passed
    partial_rate: float = 0.0  # share of invoices paid in two parts, the second often late
    is_company: bool = True
    lang: str = "fr_FR"
    country: str = "FR"
    payment_term: str = "account.account_payment_term_30days"


PROFILES = (
    PaymentProfile("prompt", 18, 10, (400, 6000), (-6, 3)),
    PaymentProfile("regular", 10, 12, (300, 9000), (0, 20), payment_term="account.account_payment_term_45days"),
    PaymentProfile("chronic_late", 8, 12, (500, 12000), (15, 95), unpaid_rate=0.25),
    PaymentProfile("partial_payer", 4, 10, (800, 15000), (5, 40), partial_rate=0.7, unpaid_rate=0.1),
    PaymentProfile("disputer", 2, 10, (1000, 8000), (0, 15), unpaid_rate=0.2),
    PaymentProfile("receivership", 1, 8, (2000, 20000), (20, 60)),
    PaymentProfile(
        "consumer",
        4,
        4,
        (60, 900),
        (0, 45),
        unpaid_rate=0.15,
        is_company=False,
        payment_term="account.account_payment_term_immediate",
    ),
    PaymentProfile("foreign", 3, 8, (1000, 10000), (0, 30), lang="en_US", country="BE"),
)

COMPANY_NAMES = [
    "Boulangeries Martin",
    "Transports Lefèvre",
    "Menuiserie Garnier",
    "Clinique des Alpes",
    "Hôtel Le Méridien Lyon",
    "Garage Roux",
    "Imprimerie Morel",
    "Pharmacie Centrale Fournier",
    "Bâtiment Girard",
    "Restaurant Chez Bonnet",
    "Cabinet Dupuis Avocats",
    "Agence Lambert Immobilier",
    "Fromagerie Fontaine",
    "Électricité Rousseau",
    "Plomberie Vincent",
    "Librairie Muller",
    "Boucherie Lefebvre",
    "Transports Mercier",
    "Hôtel du Parc Blanc",
    "Scierie Guerin",
    "Vins Boyer",
    "Cave Chevalier",
    "Ambulances François",
    "Laboratoire Legrand",
    "Atelier Gauthier",
    "Carrosserie Perrin",
    "Fleurs Robin",
    "Optique Clément",
    "Traiteur Morin",
    "Chauffage Nicolas",
    "Bureautique Henry",
    "Serrurerie Roussel",
    "Pressing Mathieu",
    "Papeterie Dumont",
    "Nettoyage Masson",
    "Informatique Marchand",
    "Textile Duval",
    "Sport Denis",
    "Charpente Lemaire",
    "Verrerie Dufour",
    "Brasserie Meunier",
    "Isolation Brun",
    "Jardins Blanchard",
    "Mécanique Giraud",
]
RECEIVERSHIP_NAME = "Métallerie Bertrand (en redressement judiciaire)"
RECEIVERSHIP_OPENED_DAYS_AGO = 40  # opening judgment; published in the BODACC 10 days later
DEMO_COMPANY_IBAN = "FR7630004003210001234567880"
FOREIGN_NAMES = ["Brussels Office Supply SA", "Antwerp Logistics NV", "Liège Food Services SRL"]
CONSUMER_NAMES = ["Sophie Laurent", "Pierre Michel", "Camille Leroy", "Antoine Simon"]
CITIES = [
    ("Lyon", "69003"),
    ("Villeurbanne", "69100"),
    ("Grenoble", "38000"),
    ("Saint-Étienne", "42000"),
    ("Annecy", "74000"),
    ("Chambéry", "73000"),
    ("Valence", "26000"),
    ("Mâcon", "71000"),
]
# (French name, English name, price): the company is French, its Belgian customers read English.
PRODUCTS = [
    ("Contrat de maintenance (mois)", "Maintenance contract (month)", 450.0),
    ("Prestation d'installation (heure)", "Installation service (hour)", 85.0),
    ("Kit de pièces détachées", "Spare parts kit", 240.0),
    ("Nettoyage industriel (jour)", "Industrial cleaning (day)", 620.0),
    ("Location de matériel (semaine)", "Equipment rental (week)", 390.0),
]
PROFILE_LABELS = {
    "prompt": "paie à l'heure",
    "regular": "paie à 45 jours",
    "chronic_late": "retards chroniques",
    "partial_payer": "paiements partiels",
    "disputer": "conteste souvent",
    "receivership": "en redressement judiciaire",
    "consumer": "particulier",
    "foreign": "client belge",
}


def siren_with_check_digit(prefix8):
    """A SIREN is 8 digits plus a Luhn check digit."""
    digits = [int(c) for c in prefix8]
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2 == 0:
            digit *= 2
            digit = digit - 9 if digit > 9 else digit
        total += digit
    return prefix8 + str((10 - total % 10) % 10)


def french_vat(siren):
    key = (12 + 3 * (int(siren) % 97)) % 97
    return "FR%02d%s" % (key, siren)


class CreditCollectionDemo(models.AbstractModel):
    _name = "credit.collection.demo"
    _description = "Credit collection demo ledger generator"

    @api.model
    def _load_demo(self):
        """Entry point of the demo data file; does nothing if the demo company already exists."""
        if self.env.ref(DEMO_COMPANY_XMLID, raise_if_not_found=False):
            return
        self._generate()

    @api.model
    def _generate(self, seed=2024, today=None):
        # Private: it runs as the system and creates a company; no user calls it over RPC.
        self = self._demo_sudo()
        rng = random.Random(seed)
        today = today or fields.Date.context_today(self)
        for lang in ("fr_FR", "en_US"):
            self.env["res.lang"]._activate_lang(lang)
        # Odoo loads an add-on's translations after its demo data: load them now, so the policy copied
        # for the demo company and the labels the notes quote are French too.
        self.env["ir.module.module"]._load_module_terms(["credit_collection"], ["fr_FR"])
        company = self._demo_company()
        env = self.with_company(company).env
        products = self._demo_products(env, company)
        customers = self._demo_customers(env, rng)
        self._demo_ledger(env, company, products, customers, rng, today)
        self._demo_follow_up(env, company, customers, today)
        # Last week's run, planned only, so the collection screens are not empty at first start: the
        # sending cron sends it once the server runs (the PDFs need it), today's run is the scheduler's.
        env["credit.collection.run"].create({"company_id": company.id, "date": today - timedelta(days=7)})._plan()
        return company

    def _demo_sudo(self):
        # A French company: what the generator writes (notes, names, chatter) is in French.
        return self.sudo().with_context(
            tracking_disable=True,
            mail_create_nolog=True,
            mail_notrack=True,
            mail_create_nosubscribe=True,
            lang="fr_FR",
        )

    @api.model
    def _load_demo_part(self, part):
        """Entry point of an add-on's demo data file: adds its part, ``_demo_<part>``, to the demo company.

        The engine's demo is loaded before the add-ons that extend it are: each adds its part here, once,
        to the company and the customers (with their payment profile) the engine generated.
        """
        self = self._demo_sudo()
        company = self.env.ref(DEMO_COMPANY_XMLID, raise_if_not_found=False)
        done = "credit_collection_%s.demo_part_done" % part
        if not company or self.env.ref(done, raise_if_not_found=False):
            return
        env = self.with_company(company).env
        getattr(self, "_demo_%s" % part)(
            env, company, self._demo_generated_customers(), fields.Date.context_today(self)
        )
        self.env["ir.model.data"]._update_xmlids([{"xml_id": done, "record": company, "noupdate": True}])

    def _demo_generated_customers(self):
        """[(partner, profile)] of the demo company, as ``_demo_customers`` returned them."""
        profiles = [profile for profile in PROFILES for _index in range(profile.count)]
        return [
            (self.env.ref("credit_collection.demo_customer_%02d" % (index + 1)), profile)
            for index, profile in enumerate(profiles)
        ]

    def _demo_follow_up(self, env, company, customers, today):
        """A few disputes, a promise, a payment plan and a case in court, as a collector leaves them."""

        def overdue(partner):
            return env["account.move"].search(
                [
                    ("commercial_partner_id", "=", partner.id),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                    ("invoice_date_due", "<", today),
                ],
                order="invoice_date_due",
            )

        by_profile = {}
        for partner, profile in customers:
            by_profile.setdefault(profile.code, []).append(partner)
        for partner, reason, deadline in zip(by_profile["disputer"], ("quality", "price"), (10, -3), strict=False):
            invoices = overdue(partner)[:1]
            if invoices:
                env["credit.collection.dispute"].create(
                    {
                        "partner_id": partner.id,
                        "move_ids": [(6, 0, invoices.ids)],
                        "reason": reason,
                        "deadline": today + timedelta(days=deadline),
                        "description": "Le client conteste la facture : %s."
                        % ("pièces livrées abîmées" if reason == "quality" else "remise négociée non appliquée"),
                    }
                )
        late = next((partner for partner in by_profile["chronic_late"] if overdue(partner)), None)
        if late:
            invoices = overdue(late)
            env["credit.collection.promise"].create(
                {
                    "partner_id": late.id,
                    "move_ids": [(6, 0, invoices.ids)],
                    "amount": sum(invoices.mapped("amount_residual")),
                    "promise_date": today + timedelta(days=5),
                    "note": "Promesse obtenue par téléphone : virement en fin de semaine prochaine.",
                }
            )
        payer = next((partner for partner in by_profile["partial_payer"] if overdue(partner)), None)
        if payer:
            env["credit.collection.payment.plan"].create(
                {
                    "partner_id": payer.id,
                    "move_ids": [(6, 0, overdue(payer).ids)],
                    "instalment_count": 4,
                    "first_date": today + timedelta(days=10),
                    "note": "Échéancier accordé après appel : trésorerie tendue jusqu'à la fin du trimestre.",
                }
            ).action_confirm()
        mandatary = env["res.partner"].create(
            {
                "name": "SELARL Dubois & Associés, mandataire judiciaire",
                "is_company": True,
                "lang": "fr_FR",
                "street": "8 quai Jules Courmont",
                "zip": "69002",
                "city": "Lyon",
                "country_id": env.ref("base.fr").id,
                "email": "creances@mj-dubois.example",
            }
        )
        for partner in by_profile["receivership"]:
            # In court first, then the receivership: the opening suspends the order for payment.
            case = env["credit.collection.case"]._get_or_open(partner, company, "litigation")
            case.write(
                {
                    "procedure": "order_for_payment",
                    "note": "<p>Requête en injonction de payer déposée au tribunal de commerce de Lyon avant "
                    "l'ouverture du redressement judiciaire : suspendue (art. L622-21 C. com.).</p>",
                }
            )
            opened = today - timedelta(days=RECEIVERSHIP_OPENED_DAYS_AGO)
            env["credit.collection.insolvency"].create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "procedure": "receivership",
                    "opening_date": opened,
                    "publication_date": opened + timedelta(days=10),
                    "court": "Tribunal de commerce de Lyon",
                    "mandatary_id": mandatary.id,
                }
            )

    def _demo_company(self):
        france = self.env.ref("base.fr")
        siren = siren_with_check_digit("48273419")
        company = self.env["res.company"].create(
            {
                "name": "Ateliers Dupont SAS",
                "street": "12 rue de la République",
                "zip": "69002",
                "city": "Lyon",
                "country_id": france.id,
                "currency_id": self.env.ref("base.EUR").id,
                "email": "comptabilite@ateliers-dupont.example",
                "phone": "+33 4 72 00 00 00",
                "vat": french_vat(siren),
                "company_registry": siren,
                "website": "https://www.ateliers-dupont.example",
                "collection_legal_form": "SAS",
                "collection_share_capital": 150000.0,
                "collection_trade_register": "RCS Lyon",
            }
        )
        company.partner_id.lang = "fr_FR"
        self._demo_company_layout(company)
        self.env["ir.model.data"]._update_xmlids(
            [
                {"xml_id": DEMO_COMPANY_XMLID, "record": company, "noupdate": True},
            ]
        )
        # The French chart when l10n_fr_account is there (setup/run installs it first), else the generic one:
        # a chart module cannot be installed while the registry is loading.
        chart_installed = self.env["ir.module.module"].search(
            [("name", "=", "l10n_fr_account"), ("state", "=", "installed")]
        )
        template = "fr" if chart_installed else "generic_coa"
        # _load, as account does for a new company: try_loading warns when the registry is not loaded yet.
        self.env["account.chart.template"]._load(template, company, install_demo=False)
        company.write(
            {
                **self._demo_company_policies(company),
                "collection_fee_product_id": self.env.ref("credit_collection.product_collection_fee").id,
            }
        )
        admin = self.env.ref("base.user_admin")
        admin.write({"company_ids": [(4, company.id)], "company_id": company.id})
        # Trusted by the administrator, as account requires before invoices show it (the superuser outside an
        # install may not trust an account).
        company.partner_id.bank_ids.with_user(admin).with_company(company).write({"allow_out_payment": True})
        self._demo_users(company)
        return company

    def _demo_company_policies(self, company):
        """The demo company's default policies: the engine's neutral one; a localisation's demo part
        replaces them with its country's (l10n_fr_credit_collection: the French policies)."""
        if company.collection_policy_id:  # set when the company was created, e.g. by its chart
            return {}
        return {"collection_policy_id": self._demo_copy_policy("credit_collection.policy_default", company).id}

    def _demo_copy_policy(self, xmlid, company):
        return self.env.ref(xmlid)._copy_for_company(company)

    def _demo_company_layout(self, company):
        """Logo, document layout and bank account: what the letters and statements show of the sender."""
        with file_open("credit_collection/static/img/demo_company_logo.png", "rb") as logo:
            company.logo = base64.b64encode(logo.read())
        layout = self.env.ref("web.external_layout_standard", raise_if_not_found=False)
        company.write(
            {
                "external_report_layout_id": layout.id if layout else False,
                "primary_color": "#1c375c",
                "secondary_color": "#d66e24",
            }
        )
        self.env["res.partner.bank"].create(
            {
                "acc_number": DEMO_COMPANY_IBAN,
                "partner_id": company.partner_id.id,
                "company_id": company.id,
                "bank_id": self.env["res.bank"].create({"name": "Banque du Rhône (exemple)", "bic": "BDRHFRPPXXX"}).id,
            }
        )

    def _demo_users(self, company):
        users = self.env["res.users"].with_context(no_reset_password=True)
        for login, name, group in (
            ("claire", "Claire Martin", "credit_collection.group_collection_user"),
            ("julien", "Julien Moreau", "credit_collection.group_collection_manager"),
        ):
            user = users.create(
                {
                    "login": login,
                    "password": login,
                    "name": name,
                    "email": "%s@ateliers-dupont.example" % login,
                    "company_id": company.id,
                    "company_ids": [(6, 0, company.ids)],
                    "lang": "fr_FR",
                    "group_ids": [(6, 0, [self.env.ref("base.group_user").id, self.env.ref(group).id])],
                }
            )
            self.env["ir.model.data"]._update_xmlids(
                [{"xml_id": "credit_collection.demo_user_%s" % login, "record": user, "noupdate": True}]
            )

    def _demo_products(self, env, company):
        # Goods-style VAT due on invoice: cash-basis VAT would add a tax entry to every payment.
        tax = (
            env["account.tax"].search(
                [
                    ("company_id", "=", company.id),
                    ("type_tax_use", "=", "sale"),
                    ("amount", "=", 20),
                    ("price_include", "=", False),
                    ("tax_exigibility", "=", "on_invoice"),
                ],
                limit=1,
            )
            or company.account_sale_tax_id
        )
        products = env["product.product"].create(
            [
                {
                    "name": french,
                    "type": "service",
                    "list_price": price,
                    "taxes_id": [(6, 0, tax.ids)],
                    "company_id": company.id,
                }
                for french, _english, price in PRODUCTS
            ]
        )
        for product, (french, english, _price) in zip(products, PRODUCTS, strict=False):
            product.product_tmpl_id.update_field_translations("name", {"en_US": english, "fr_FR": french})
        return products

    def _demo_customers(self, env, rng):
        """Returns [(partner, profile)] in a stable order."""
        countries = {code: env.ref("base.%s" % code.lower()) for code in ("FR", "BE")}
        names = {
            "receivership": iter([RECEIVERSHIP_NAME]),
            "consumer": iter(CONSUMER_NAMES),
            "foreign": iter(FOREIGN_NAMES),
        }
        company_names = iter(COMPANY_NAMES)
        values, profiles = [], []
        for profile in PROFILES:
            for _index in range(profile.count):
                name = next(names.get(profile.code, company_names))
                city, zip_code = rng.choice(CITIES)
                slug = "".join(c for c in name.lower() if c.isalnum())[:20]
                vals = {
                    "name": name,
                    "is_company": profile.is_company,
                    "lang": profile.lang,
                    "country_id": countries[profile.country].id,
                    "street": "%d rue %s"
                    % (rng.randint(1, 120), rng.choice(["Victor Hugo", "Pasteur", "Jean Jaurès", "de la Gare"])),
                    "city": "Bruxelles" if profile.country == "BE" else city,
                    "zip": "1000" if profile.country == "BE" else zip_code,
                    "email": "%s@example.com" % slug,
                    "phone": "+33 6 %02d %02d %02d %02d" % tuple(rng.randint(10, 99) for _ in range(4)),
                    "property_payment_term_id": env.ref(profile.payment_term).id,
                    "comment": "Profil de paiement (démo) : %s" % PROFILE_LABELS[profile.code],
                }
                if profile.is_company and profile.country == "FR":
                    siren = siren_with_check_digit("%08d" % rng.randint(30000000, 99999999))
                    vals.update(vat=french_vat(siren), company_registry=siren)
                values.append(vals)
                profiles.append(profile)
        partners = env["res.partner"].create(values)
        # l10n_fr's "Intra-EU B2B" position (EU countries, VAT number required) also matches French companies
        # with a VAT number, and would invoice them without VAT: French customers are domestic.
        domestic = env["account.chart.template"].ref("fiscal_position_template_domestic", raise_if_not_found=False)
        if domestic:
            partners.filtered(lambda partner: partner.country_id == countries["FR"]).with_company(
                env.company
            ).property_account_position_id = domestic
        collectors = [
            self.env.ref("credit_collection.demo_user_claire"),
            self.env.ref("credit_collection.demo_user_julien"),
        ]
        for index, partner in enumerate(partners):
            partner.collection_user_id = collectors[index % 2]
        self.env["ir.model.data"]._update_xmlids(
            [
                {"xml_id": "credit_collection.demo_customer_%02d" % (i + 1), "record": partner, "noupdate": True}
                for i, partner in enumerate(partners)
            ]
        )
        return list(zip(partners, profiles, strict=False))

    def _demo_ledger(self, env, company, products, customers, rng, today):
        invoice_values, plans = [], []
        for partner, profile in customers:
            for _ in range(profile.invoices):
                invoice_date = today - timedelta(days=rng.randint(3, 540))
                lines = []
                target = rng.uniform(*profile.amount_range)
                for product in rng.sample(list(products), rng.randint(1, 3)):
                    quantity = max(1, round(target / len(products) / product.list_price))
                    lines.append(
                        (0, 0, {"product_id": product.id, "quantity": quantity, "price_unit": product.list_price})
                    )
                invoice_values.append(
                    {
                        "move_type": "out_invoice",
                        "partner_id": partner.id,
                        "invoice_date": invoice_date,
                        "invoice_payment_term_id": partner.property_payment_term_id.id,
                        "invoice_line_ids": lines,
                    }
                )
                plans.append(profile)
        invoices = env["account.move"].create(invoice_values)
        invoices.action_post()

        # Decide everything first, then create credit notes and payments in batches: one ORM call
        # per invoice would take minutes.
        refunded, payments = [], []
        for invoice, profile in zip(invoices, plans, strict=False):
            if rng.random() < 0.03:
                refunded.append((invoice, rng.uniform(0.1, 0.3), rng.randint(3, 15)))
            payments.extend(self._demo_payment_plan(invoice, profile, rng, today))
        self._demo_credit_notes(env, refunded)

        bank = env["account.journal"].search([("company_id", "=", company.id), ("type", "=", "bank")], limit=1)
        # Payments post their entry on the outstanding receipts account: the customer's receivable is
        # reconciled when the payment is registered, as the ledger of the demo needs (without an
        # outstanding account, a payment waits for the bank statement and posts nothing).
        bank.inbound_payment_method_line_ids.payment_account_id = (
            env["account.chart.template"].with_company(company).ref("account_journal_payment_debit_account_id")
        )
        payment_values, targets, remaining = [], [], {}
        for invoice, share, date in payments:
            residual = remaining.get(invoice, invoice.amount_residual)
            amount = invoice.currency_id.round(residual * share)
            remaining[invoice] = residual - amount
            payment_values.append(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": invoice.partner_id.id,
                    "amount": amount,
                    "date": max(date, invoice.invoice_date),
                    "journal_id": bank.id,
                    "memo": invoice.name,
                }
            )
            targets.append(invoice)
        records = env["account.payment"].create(payment_values)
        records.action_post()
        for payment, invoice in zip(records, targets, strict=False):
            self._demo_reconcile(payment.move_id | invoice)

    def _demo_payment_plan(self, invoice, profile, rng, today):
        """[(invoice, share of the residual then, date)] for the payments this customer makes."""
        due = invoice.invoice_date_due
        if profile.code == "receivership" and invoice.invoice_date > today - timedelta(days=150):
            return []  # stopped paying when the proceedings opened
        if profile.code == "disputer" and rng.random() < profile.unpaid_rate:
            invoice.narration = "Le client conteste les quantités livrées."
            return []
        pay_date = due + timedelta(days=rng.randint(*profile.delay_range))
        if pay_date > today:
            return []
        if profile.code != "disputer" and rng.random() < profile.unpaid_rate:
            return []
        if rng.random() < profile.partial_rate:
            first_share = rng.uniform(0.3, 0.7)
            second_date = pay_date + timedelta(days=rng.randint(10, 60))
            plan = [(invoice, first_share, pay_date)]
            if second_date <= today and rng.random() > profile.unpaid_rate:
                plan.append((invoice, 1.0, second_date))
            return plan
        return [(invoice, 1.0, pay_date)]

    @staticmethod
    def _demo_reconcile(moves):
        moves.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
        ).reconcile()

    def _demo_credit_notes(self, env, refunded):
        refunds = env["account.move"].create(
            [
                {
                    "move_type": "out_refund",
                    "partner_id": invoice.partner_id.id,
                    "invoice_date": invoice.invoice_date + timedelta(days=delay),
                    "reversed_entry_id": invoice.id,
                    "ref": "Geste commercial sur %s" % invoice.name,
                    "invoice_line_ids": [
                        (
                            0,
                            0,
                            {
                                "product_id": line.product_id.id,
                                "quantity": line.quantity,
                                "price_unit": invoice.currency_id.round(line.price_unit * share),
                                "tax_ids": [(6, 0, line.tax_ids.ids)],
                            },
                        )
                        for line in invoice.invoice_line_ids
                    ],
                }
                for invoice, share, delay in refunded
            ]
        )
        refunds.action_post()
        for refund, (invoice, _share, _delay) in zip(refunds, refunded, strict=False):
            self._demo_reconcile(refund | invoice)
