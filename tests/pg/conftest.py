"""tests/pg: PostgreSQL only (every test is marked `pg` and skipped with the reason without DESKUI_TEST_PG)."""

from tests.reliability.conftest import open_url

__all__ = ["open_url"]
