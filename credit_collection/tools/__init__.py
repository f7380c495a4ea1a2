from . import logistic
from . import i18n
