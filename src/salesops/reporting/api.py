"""/api/v1 reporting endpoints: parse, authorise, call, return."""

from ninja import Router

from salesops.reporting.briefing_api import router as briefings_router

router = Router(tags=["reporting"])
router.add_router("/", briefings_router)
