import {Interaction} from "@web/public/interaction";
import {registry} from "@web/core/registry";

// The link of a reminder carries its token in the URL fragment, which the browser never sends to a
// server: this page reads it, removes it from the address bar and the history, and posts it once
// to exchange it for the session.
export class CollectionBalanceAccess extends Interaction {
    static selector = ".o_balance_access_form";

    start() {
        const token = decodeURIComponent(window.location.hash.replace(/^#/, "")).trim();
        window.history.replaceState(null, "", window.location.pathname);
        if (token) {
            this.el.querySelector("input[name='token']").value = token;
            this.el.submit();
        } else {
            this.el.querySelector(".o_balance_access_wait").classList.add("d-none");
            this.el.querySelector(".o_balance_access_missing").classList.remove("d-none");
        }
    }
}

registry.category("public.interactions").add("credit_collection_portal.balance_access", CollectionBalanceAccess);
