from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from tests.conftest import LiveServer
from tests.designer.live import with_designer


@pytest.fixture
def server(db: Engine) -> Iterator[LiveServer]:
    live = LiveServer(db)
    with_designer(live.server.config.app)
    with live:
        yield live
