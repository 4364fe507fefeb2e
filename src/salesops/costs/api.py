"""/api/v1 costs endpoints: parse, authorise, call, return."""

from ninja import Router

router = Router(tags=["costs"])
