from tests.repatriation.conftest import world  # noqa: F401  (the repatriation fixture)
