import {registry} from "@web/core/registry";

// A collector, who may not edit contacts, blocks the dunning of a customer with a reason, then resumes it.
registry.category("web_tour.tours").add("credit_collection_block_dunning", {
    steps: () => [
        {
            content: "Open the Collection tab of the customer",
            trigger: ".o_notebook .nav-link[name='collection']",
            run: "click",
        },
        {
            content: "Block its dunning",
            trigger: "button[name='action_collection_block']",
            run: "click",
        },
        {
            content: "Give the reason",
            trigger: "div[name='reason'] input",
            run: "edit Waiting for the credit note of the sales director",
        },
        {
            content: "Confirm",
            trigger: "button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The customer shows blocked, with the reason",
            trigger: "div[name='collection_block_reason']:contains('credit note of the sales director')",
        },
        {
            content: "Resume its dunning",
            trigger: "button[name='action_collection_unblock']",
            run: "click",
        },
        {
            content: "The block is lifted",
            trigger: "button[name='action_collection_block']",
        },
    ],
});
