"""The /api/v1 API: one NinjaAPI, each app contributes a router."""

from salesops.accounts.auth import ApiKeyAuth, SessionAuth
from salesops.approvals.api import router as approvals_router
from salesops.billing.api import router as billing_router
from salesops.catalog.api import router as catalog_router
from salesops.catalog.authorisation_api import router as authorisations_router
from salesops.core.api.calendars import router as calendars_router
from salesops.core.api.errors import install_error_handlers
from salesops.core.api.imports import router as imports_router
from salesops.core.api.openapi import SalesopsAPI
from salesops.core.api.rendering import renderer
from salesops.costs.api import router as costs_router
from salesops.customers.api import router as customers_router
from salesops.customers.credit_release_api import router as credit_releases_router
from salesops.inventory.api import router as inventory_router
from salesops.orders.api import router as orders_router
from salesops.orders.quote_api import router as quotes_router
from salesops.orders.shipment_api import router as shipments_router
from salesops.reporting.api import router as reporting_router

api = SalesopsAPI(
    title="salesops API",
    version="1",
    description="See docs/api.md for conventions: errors, pagination, ordering, filters and Idempotency-Key.",
    auth=[ApiKeyAuth(), SessionAuth()],
    urls_namespace="api",
    renderer=renderer,
)
install_error_handlers(api)
api.add_router("/", customers_router)
api.add_router("/", credit_releases_router)
api.add_router("/", catalog_router)
api.add_router("/", authorisations_router)
api.add_router("/", inventory_router)
api.add_router("/", orders_router)
api.add_router("/", shipments_router)
api.add_router("/", billing_router)
api.add_router("/", imports_router)
api.add_router("/", quotes_router)
api.add_router("/", approvals_router)
api.add_router("/", calendars_router)
api.add_router("/", reporting_router)
api.add_router("/", costs_router)
