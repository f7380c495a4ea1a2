from odoo import http
from odoo.http import request

from odoo.addons.portal.controllers.web import Home


class CollectionHome(Home):
    @http.route()
    def web_login(self, *args, **kwargs):
        """Once logged in, the user's language decides the portal's, not a cookie left by the pages
        seen before (the link of a reminder opened in an English browser, for instance)."""
        response = super().web_login(*args, **kwargs)
        if request.params.get("login_success") and request.session.uid and hasattr(response, "set_cookie"):
            lang = request.env["res.users"].sudo().browse(request.session.uid).lang
            if lang and request.env["res.lang"]._lang_get(lang).active:
                response.set_cookie("frontend_lang", lang)
        return response
