from . import portal, web
