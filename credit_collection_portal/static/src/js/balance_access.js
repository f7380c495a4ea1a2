/** @odoo-module **/

import publicWidget from "@web/legacy/js/public/public_widget";

// The link of a reminder carries its token in the URL fragment, which the browser never sends to a
// server: this page reads it, removes it from the address bar and the history, and posts it once
// to exchange it for the session.
publicWidget.registry.CollectionBalanceAccess = publicWidget.Widget.extend({
    selector: ".o_balance_access_form",

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
        return this._super(...arguments);
    },
});
