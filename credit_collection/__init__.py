from . import models
<<<<<<< HEAD
from . import tools
=======
from . import wizard
>>>>>>> main
