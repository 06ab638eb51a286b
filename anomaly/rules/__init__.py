"""The rule catalog: importing this package registers every rule with anomaly.engine.

One module per family; each rule is a function decorated with ``@rule`` whose docstring
is its documentation and whose bad/good examples are the data its tests are built from.
"""

from anomaly.rules import ari  # noqa: F401
from anomaly.rules import yoy  # noqa: F401
from anomaly.rules import pct  # noqa: F401
from anomaly.rules import unt  # noqa: F401
from anomaly.rules import san  # noqa: F401
from anomaly.rules import nar  # noqa: F401
from anomaly.rules import nar_detail  # noqa: F401
from anomaly.rules import docs  # noqa: F401
