"""The API's JSON renderer: the text ninja's encoder gives, without calling back into Python for each value."""

import datetime
import json
import uuid
from decimal import Decimal

from django.utils.translation import gettext_lazy
from ninja import Schema
from ninja.renderers import JSONRenderer

from salesops.core.api.rendering import renderer


class Inner(Schema):
    amount: Decimal
    at: datetime.datetime


class Outer(Schema):
    name: str
    inner: Inner
    items: list[Inner]
    day: datetime.date
    ref: uuid.UUID
    label: str


def test_the_renderer_writes_what_ninjas_encoder_writes():
    shanghai = datetime.timezone(datetime.timedelta(hours=8))
    inner = Inner(amount=Decimal("12.50"), at=datetime.datetime(2026, 11, 27, 8, 1, 2, 345678, tzinfo=datetime.UTC))
    value = Outer(
        name="上海客户",
        inner=inner,
        items=[inner, Inner(amount=Decimal("0.000"), at=datetime.datetime(2026, 1, 1, tzinfo=shanghai))],
        day=datetime.date(2026, 2, 3),
        ref=uuid.UUID(int=7),
        label="x",
    )
    data = {"schema": value, "lazy": gettext_lazy("draft"), "tuple": (Decimal("1.0"), None, True, 3)}

    ninja = json.dumps(data, cls=JSONRenderer.encoder_class, ensure_ascii=False)
    assert renderer.render(None, data, response_status=200) == ninja
    assert renderer.render(None, value, response_status=200) == json.dumps(
        value, cls=JSONRenderer.encoder_class, ensure_ascii=False
    )
    assert '"2026-11-27T08:01:02.345Z"' in ninja and '"12.50"' in ninja and "上海客户" in ninja
