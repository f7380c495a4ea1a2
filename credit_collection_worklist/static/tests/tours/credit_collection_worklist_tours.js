import {registry} from "@web/core/registry";

// A collector, in French, works Today's work: the most to recover first, a call without answer sends the
// customer down the list, "Promised" opens the engine's promise form for the customer.
registry.category("web_tour.tours").add("credit_collection_worklist_calls", {
    steps: () => [
        {
            content: "The list explains its order, in French",
            trigger: ".o_list_view th:contains('Pourquoi')",
        },
        {
            content: "The dispute past its deadline comes first",
            trigger: ".o_data_row:first-child td[name='partner_id']:contains('E Litige Échu')",
        },
        {
            content: "Call A Simple: no answer",
            trigger: ".o_data_row:contains('A Simple') button[name='action_call_no_answer']",
            run: "click",
        },
        {
            content: "A Simple, just called, goes to the end of the list",
            trigger: ".o_data_row:last-child td[name='partner_id']:contains('A Simple')",
        },
        {
            content: "Call H Sans Profil: a promise",
            trigger: ".o_data_row:contains('H Sans Profil') button[name='action_call_promised']",
            run: "click",
        },
        {
            content: "The engine's promise form opens, the date to fill",
            trigger: ".modal .o_form_view div[name='promise_date'] input",
        },
    ],
});
