"""Every model module, imported so Base.metadata knows all tables. One line per area."""

from curatarr.db.models import auth  # noqa: F401
from curatarr.db.models import system  # noqa: F401
from curatarr.db.models import instances  # noqa: F401
from curatarr.db.models import jobs  # noqa: F401
from curatarr.db.models import library  # noqa: F401
from curatarr.db.models import artwork  # noqa: F401
from curatarr.db.models import posters  # noqa: F401
from curatarr.db.models import poster_library  # noqa: F401
