from . import i18n
