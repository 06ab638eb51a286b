"""The rule catalog: importing this package registers every rule with anomaly.engine.

One module per family; each rule is a function decorated with ``@rule`` whose docstring
is its documentation and whose bad/good examples are the data its tests are built from.
"""

from anomaly.rules import (
    ari,  # noqa: F401
    cmp,  # noqa: F401
    cross,  # noqa: F401
    exe,  # noqa: F401
    final_tables,  # noqa: F401
    nar,  # noqa: F401
    nar_detail,  # noqa: F401
    nar_self,  # noqa: F401
    pct,  # noqa: F401
    plh,  # noqa: F401
    prf,  # noqa: F401
    san,  # noqa: F401
    unt,  # noqa: F401
    xyr,  # noqa: F401
    yoy,  # noqa: F401
)
