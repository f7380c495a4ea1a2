from . import test_french_law
from . import test_french_interest
from . import test_french_defaults
from . import test_french_letters
