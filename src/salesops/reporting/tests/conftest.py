import pytest

from salesops.orders.tests.fixtures import build_shop
from salesops.reporting import rollups
from salesops.reporting.stages import Dimensions, register_dimensions, register_stage, unregister_stage
from salesops.reporting.tests.briefing_fixtures import build_history
from salesops.reporting.tests.fixtures import CONTRACT


@pytest.fixture
def shop(org):
    return build_shop(org, stock="100000")


@pytest.fixture
def history(shop):
    return build_history(shop)


@pytest.fixture
def archiving(org):
    """A contract-archiving stage another app would register: entered when a contract is signed, left when its
    paper copy is archived; target 48 hours."""
    register_stage(
        "contract_archiving",
        "合同归档",
        subject_type=CONTRACT,
        enter={"contract.signed"},
        leave={"contract.archived"},
        target_hours=48,
    )
    register_dimensions(CONTRACT, lambda ids: {pk: Dimensions(region_id=pk) for pk in ids})
    rollups.install()
    yield
    unregister_stage("contract_archiving")
    rollups.install()
