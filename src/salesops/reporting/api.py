"""/api/v1 reporting endpoints: parse, authorise, call, return."""

from ninja import Router

router = Router(tags=["reporting"])
