/** @odoo-module **/

import { registry } from "@web/core/registry";

function inDays(days) {
    const date = new Date();
    date.setDate(date.getDate() + days);
    const pad = (n) => String(n).padStart(2, "0");
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

// Each page may take long on a loaded test machine: a step waits up to 30 s, not 10.
function patient(steps) {
    return steps.map((step) => ({ timeout: 30000, ...step }));
}

function fail(message) {
    console.error(message);
    throw new Error(message);
}

// Nothing of the balance is cut or pushed off the screen: no sideways scrolling, every amount whole,
// every "Dispute" button inside the viewport (the 390 px phone of the issue, and the desktop).
function checkNothingCut() {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > width + 1) {
        fail(`the page scrolls sideways: ${document.documentElement.scrollWidth}px for ${width}px`);
    }
    const inside = (el) => {
        const box = el.getBoundingClientRect();
        return box.left >= 0 && box.right <= width + 1;
    };
    const items = document.querySelectorAll(".o_balance_item");
    if (!items.length) {
        fail("no invoice listed");
    }
    for (const item of items) {
        for (const cell of item.children) {
            if (cell.scrollWidth > cell.clientWidth + 1) {
                fail(`${cell.className} of ${item.dataset.invoice} runs over its neighbour: ${cell.textContent.trim()}`);
            }
        }
        const amount = item.querySelector(".o_balance_amount");
        if (!inside(amount) || amount.scrollWidth > amount.clientWidth + 1) {
            fail(`amount cut on ${item.dataset.invoice}: ${amount.textContent.trim()}`);
        }
        const dispute = item.querySelector(".o_balance_dispute_link");
        if (dispute && !inside(dispute)) {
            fail(`the dispute button of ${item.dataset.invoice} is off screen`);
        }
        if (dispute && !dispute.textContent.trim()) {
            fail(`the dispute button of ${item.dataset.invoice} has no words`);
        }
    }
    for (const button of document.querySelectorAll(".o_balance_actions .btn, .o_balance_pay_button")) {
        if (!inside(button)) {
            fail(`"${button.textContent.trim()}" is off screen`);
        }
    }
}

// The link of a reminder: the page trades the token of the fragment for a session, then shows the
// balance at a clean address.
// No "url": the tour would open it without the fragment; the test opens the link itself.
registry.category("web_tour.tours").add("credit_collection_portal_link", {
    test: true,
    steps: () => patient([
        {
            content: "The balance of the link's customer, opened without a login",
            trigger: ".o_balance_link_notice",
            extra_trigger: ".o_balance_item[data-ref='CCP-OLD']",
            timeout: 60000,
            run() {
                if (window.location.hash || window.location.search || !window.location.pathname.endsWith("/my/balance")) {
                    fail(`the address still carries something: ${window.location.href}`);
                }
            },
        },
    ]),
});

// A French customer's morning, in French, on a desktop or on a 390 px phone: it reads its balance,
// pays two invoices in part, disputes one, promises a date for another, asks a plan for the last.
registry.category("web_tour.tours").add("credit_collection_portal_french", {
    test: true,
    url: "/my/balance",
    steps: () => patient([
        {
            content: "The balance, in French, in the customer's words",
            trigger: "h4:contains('Factures à payer')",
            extra_trigger: ".o_balance_item[data-ref='CCP-OLD'] .o_balance_reminder:contains('Mise en demeure')",
            run: checkNothingCut,
        },
        {
            content: "Tick the oldest invoice",
            trigger: ".o_balance_item[data-ref='CCP-OLD'] input[name='invoice_ids']",
            run: "click",
        },
        {
            content: "Tick the second one",
            trigger: ".o_balance_item[data-ref='CCP-LATE'] input[name='invoice_ids']",
            run: "click",
        },
        {
            content: "Pay a part of them",
            trigger: "input[name='amount']#balance_amount",
            run: "text 1200",
        },
        {
            content: "Pay",
            trigger: ".o_balance_pay_button:contains('Payer les factures sélectionnées')",
        },
        {
            content: "The payment page says what is paid",
            trigger: ".o_balance_pay_amount:contains('200,00')",
            extra_trigger: "h3:contains('Paiement')",
            isCheck: true,
        },
        {
            content: "Choose the demo provider",
            trigger: "input[name='o_payment_radio'][data-provider-code='demo']",
            run: "click",
        },
        {
            content: "Pay",
            trigger: "button[name='o_payment_submit_button']:not(:disabled)",
        },
        {
            content: "Back on the balance, thanked in French",
            trigger: ".o_balance_success:contains('Merci')",
            timeout: 30000,
            run: checkNothingCut,
        },
        {
            content: "Dispute the invoice not yet due",
            trigger: ".o_balance_item[data-ref='CCP-NEXT'] .o_balance_dispute_link:contains('Contester')",
        },
        {
            content: "Reason",
            trigger: ".o_balance_dispute_form select[name='reason']",
            run: "text quality",
        },
        {
            content: "Message",
            trigger: ".o_balance_dispute_form textarea[name='description']",
            run: "text Deux pièces sur cinq sont arrivées cassées.",
        },
        {
            content: "Send the dispute",
            trigger: ".o_balance_dispute_submit:contains('Envoyer')",
        },
        {
            content: "Dispute recorded, shown on the invoice",
            trigger: ".o_balance_success:contains('contestation')",
            extra_trigger: ".o_balance_item[data-ref='CCP-NEXT'] .o_balance_disputed:contains('Contestée')",
            isCheck: true,
        },
        {
            content: "Promise a payment date",
            trigger: ".o_balance_promise:contains('Promettre')",
        },
        {
            content: "Not the disputed invoice",
            trigger: ".o_balance_promise_form label[data-ref='CCP-NEXT'] input[name='invoice_ids']:checked",
            run: "click",
        },
        {
            content: "Not the one of the plan: only the rest of the second invoice",
            trigger: ".o_balance_promise_form label[data-ref='CCP-PLAN'] input[name='invoice_ids']:checked",
            run: "click",
        },
        {
            content: "Amount",
            trigger: ".o_balance_promise_form input[name='amount']",
            run: "text 300",
        },
        {
            content: "Date",
            trigger: ".o_balance_promise_form input[name='promise_date']",
            run() {
                this.$anchor.val(inDays(10)).trigger("change");
            },
        },
        {
            content: "Message",
            trigger: ".o_balance_promise_form textarea[name='note']",
            run: "text Réglé avec nos prochains encaissements.",
        },
        {
            content: "Send the promise",
            trigger: ".o_balance_promise_submit",
        },
        {
            content: "Promise recorded, shown on the invoice",
            trigger: ".o_balance_success:contains('promesse')",
            extra_trigger: ".o_balance_item[data-ref='CCP-LATE'] .o_balance_promised:contains('Paiement promis')",
            isCheck: true,
        },
        {
            content: "Ask for a payment plan",
            trigger: ".o_balance_plan:contains('échéancier')",
        },
        {
            content: "Not the promised invoice",
            trigger: ".o_balance_plan_form label[data-ref='CCP-LATE'] input[name='invoice_ids']:checked",
            run: "click",
        },
        {
            content: "Not the disputed one: only the last invoice",
            trigger: ".o_balance_plan_form label[data-ref='CCP-NEXT'] input[name='invoice_ids']:checked",
            run: "click",
        },
        {
            content: "Four instalments",
            trigger: ".o_balance_plan_form input[name='instalment_count']",
            run: "text 4",
        },
        {
            content: "First one in a month",
            trigger: ".o_balance_plan_form input[name='first_date']",
            run() {
                this.$anchor.val(inDays(30)).trigger("change");
            },
        },
        {
            content: "Message",
            trigger: ".o_balance_plan_form textarea[name='note']",
            run: "text Notre principal client nous paie en retard ce trimestre.",
        },
        {
            content: "Send the request",
            trigger: ".o_balance_plan_submit",
        },
        {
            content: "Request recorded, shown on the invoice",
            trigger: ".o_balance_success:contains('échéancier')",
            extra_trigger: ".o_balance_item[data-ref='CCP-PLAN'] .o_balance_planned",
            run: checkNothingCut,
        },
    ]),
});
