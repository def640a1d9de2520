import httpx
import pytest
from sqlalchemy.engine import Engine

from tests.stories.town import Town, make_town


@pytest.fixture
def town(db: Engine, client: httpx.Client) -> Town:
    """Admin, designer, applicant 张三 and an external system; ``town.open(bundle, *regions)`` deploys a sample
    bundle and enrols the clerks of its lanes (杭州 by default)."""
    return make_town(db, client)
