"""API schemas for references to users and org units, shared by every app's schemas."""

from ninja import Field, Schema


class UserRef(Schema):
    id: int
    username: str
    name: str = Field(alias="display")

    @staticmethod
    def resolve_display(user) -> str:
        return str(user)


class UnitRef(Schema):
    id: int
    name: str
