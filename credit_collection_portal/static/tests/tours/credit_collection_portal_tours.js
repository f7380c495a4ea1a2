import {registry} from "@web/core/registry";

function inDays(days) {
    const date = new Date();
    date.setDate(date.getDate() + days);
    const pad = (n) => String(n).padStart(2, "0");
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

// A date input: set its value as the date picker does (edit() types into text fields).
function setDate(input, value) {
    input.value = value;
    input.dispatchEvent(new Event("input", {bubbles: true}));
    input.dispatchEvent(new Event("change", {bubbles: true}));
}

// Each page may take long on a loaded test machine: a step waits up to 30 s, not 10.
function patient(steps) {
    return steps.map((step) => ({timeout: 30000, ...step}));
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
        const overflows = (el) => el.getBoundingClientRect().right > width + 1;
        const over = [...document.body.querySelectorAll("*")].filter(
            (el) => overflows(el) && ![...el.children].some(overflows)
        );
        const names = over
            .slice(0, 3)
            .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join(".")} ${el.parentElement.className}`);
        fail(
            `the page scrolls sideways: ${document.documentElement.scrollWidth}px for ${width}px (${names.join(", ")})`
        );
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
                fail(
                    `${cell.className} of ${item.dataset.invoice} runs over its neighbour: ${cell.textContent.trim()}`
                );
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
    steps: () =>
        patient([
            {
                content: "The balance of the link's customer, opened without a login",
                trigger: ".o_balance_item[data-ref='CCP-OLD']",
                timeout: 60000,
            },
            {
                content: "The notice of a link is shown, the address is clean",
                trigger: ".o_balance_link_notice",
                run() {
                    if (
                        window.location.hash ||
                        window.location.search ||
                        !window.location.pathname.endsWith("/my/balance")
                    ) {
                        fail(`the address still carries something: ${window.location.href}`);
                    }
                },
            },
        ]),
});

// A French customer's morning, in French, on a desktop or on a 390 px phone: it reads its balance,
// pays two invoices in part, disputes one, promises a date for another, asks a plan for the last.
registry.category("web_tour.tours").add("credit_collection_portal_french", {
    url: "/my/balance",
    steps: () =>
        patient([
            {
                content: "The balance, in French, in the customer's words",
                trigger: ".o_balance_item[data-ref='CCP-OLD'] .o_balance_reminder:contains('Mise en demeure')",
            },
            {
                content: "Nothing of the balance is cut",
                trigger: "h4:contains('Factures à payer')",
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
                run: "edit 1200",
            },
            {
                content: "Pay",
                trigger: ".o_balance_pay_button:contains('Payer les factures sélectionnées')",
                run: "click",
                expectUnloadPage: true,
            },
            {
                content: "The payment page says what is paid",
                trigger: "h3:contains('Paiement')",
            },
            {
                content: "The amount paid",
                trigger: ".o_balance_pay_amount:contains('200,00')",
            },
            {
                content: "Choose the demo provider",
                trigger: "input[name='o_payment_radio'][data-provider-code='demo']",
                run: "click",
            },
            {
                content: "Pay",
                trigger: "button[name='o_payment_submit_button']:not(:disabled)",
                run: "click",
                expectUnloadPage: true,
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
                run: "click",
                expectUnloadPage: true,
            },
            {
                content: "Reason",
                trigger: ".o_balance_dispute_form select[name='reason']",
                run: "select quality",
            },
            {
                content: "Message",
                trigger: ".o_balance_dispute_form textarea[name='description']",
                run: "edit Deux pièces sur cinq sont arrivées cassées.",
            },
            {
                content: "Send the dispute",
                trigger: ".o_balance_dispute_submit:contains('Envoyer')",
                run: "click",
                expectUnloadPage: true,
            },
            {
                content: "Dispute recorded, shown on the invoice",
                trigger: ".o_balance_success:contains('contestation')",
            },
            {
                content: "The dispute is shown on the invoice",
                trigger: ".o_balance_item[data-ref='CCP-NEXT'] .o_balance_disputed:contains('Contestée')",
            },
            {
                content: "Promise a payment date",
                trigger: ".o_balance_promise:contains('Promettre')",
                run: "click",
                expectUnloadPage: true,
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
                run: "edit 300",
            },
            {
                content: "Date",
                trigger: ".o_balance_promise_form input[name='promise_date']",
                run() {
                    setDate(this.anchor, inDays(10));
                },
            },
            {
                content: "Message",
                trigger: ".o_balance_promise_form textarea[name='note']",
                run: "edit Réglé avec nos prochains encaissements.",
            },
            {
                content: "Send the promise",
                trigger: ".o_balance_promise_submit",
                run: "click",
                expectUnloadPage: true,
            },
            {
                content: "Promise recorded, shown on the invoice",
                trigger: ".o_balance_success:contains('promesse')",
            },
            {
                content: "The promise is shown on the invoice",
                trigger: ".o_balance_item[data-ref='CCP-LATE'] .o_balance_promised:contains('Paiement promis')",
            },
            {
                content: "Ask for a payment plan",
                trigger: ".o_balance_plan:contains('échéancier')",
                run: "click",
                expectUnloadPage: true,
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
                run: "edit 4",
            },
            {
                content: "First one in a month",
                trigger: ".o_balance_plan_form input[name='first_date']",
                run() {
                    setDate(this.anchor, inDays(30));
                },
            },
            {
                content: "Message",
                trigger: ".o_balance_plan_form textarea[name='note']",
                run: "edit Notre principal client nous paie en retard ce trimestre.",
            },
            {
                content: "Send the request",
                trigger: ".o_balance_plan_submit",
                run: "click",
                expectUnloadPage: true,
            },
            {
                content: "Request recorded, shown on the invoice",
                trigger: ".o_balance_item[data-ref='CCP-PLAN'] .o_balance_planned",
            },
            {
                content: "Nothing cut after the requests",
                trigger: ".o_balance_success:contains('échéancier')",
                run: checkNothingCut,
            },
        ]),
});
