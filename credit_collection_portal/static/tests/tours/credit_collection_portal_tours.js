import { registry } from "@web/core/registry";

function inDays(days) {
    const date = new Date();
    date.setDate(date.getDate() + days);
    const pad = (n) => String(n).padStart(2, "0");
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

// A customer pays its two overdue invoices at once with the demo provider.
registry.category("web_tour.tours").add("credit_collection_portal_pay", {
    url: "/my/balance",
    steps: () => [
        {
            content: "Tick the oldest overdue invoice",
            trigger: "tr[data-ref='CCP-OLD'] input[name='invoice_ids']",
            run: "click",
        },
        {
            content: "Tick the second overdue invoice",
            trigger: "tr[data-ref='CCP-LATE'] input[name='invoice_ids']",
            run: "click",
        },
        {
            content: "Pay both",
            trigger: ".o_balance_pay_button",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Both invoices are on the payment page",
            trigger: ".o_balance_pay_invoices:has(li[data-ref='CCP-OLD']):has(li[data-ref='CCP-LATE'])",
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
            content: "Back on the balance page, thanked",
            trigger: ".o_balance_success",
            timeout: 30000,
        },
        {
            content: "The paid invoices are listed as paid",
            trigger: ".o_balance_paid tr[data-ref='CCP-OLD']",
        },
    ],
});

// The same customer disputes its invoice not yet due, then promises to pay the rest.
registry.category("web_tour.tours").add("credit_collection_portal_requests", {
    url: "/my/balance",
    steps: () => [
        {
            content: "Dispute the invoice not yet due",
            trigger: "tr[data-ref='CCP-NEXT'] .o_balance_dispute_link",
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
            run: "edit Two of the five parts arrived broken.",
        },
        {
            content: "Send",
            trigger: ".o_balance_dispute_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Dispute recorded",
            trigger: ".o_balance_success:not(:empty)",
        },
        {
            content: "The dispute is shown on the invoice",
            trigger: "tr[data-ref='CCP-NEXT'] .o_balance_disputed",
        },
        {
            content: "Promise a payment date",
            trigger: ".o_balance_promise",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Amount",
            trigger: ".o_balance_promise_form input[name='amount']",
            run: "edit 100",
        },
        {
            content: "Date",
            trigger: ".o_balance_promise_form input[name='promise_date']",
            run() {
                // A date input: set its value as the date picker does (edit() types into text fields).
                this.anchor.value = inDays(10);
                this.anchor.dispatchEvent(new Event("input", { bubbles: true }));
                this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "Message",
            trigger: ".o_balance_promise_form textarea[name='note']",
            run: "edit Paid with our next customer receipts.",
        },
        {
            content: "Send the promise",
            trigger: ".o_balance_promise_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Promise recorded",
            trigger: ".o_balance_success:contains('promise')",
        },
    ],
});
