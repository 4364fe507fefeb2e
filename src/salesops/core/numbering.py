"""Gapless document numbers: PREFIX-YYYY-NNNNNN per series and year, from `DocumentCounter` rows."""

from django.db import IntegrityError, transaction
from django.db.models import F

from salesops.core.models import DocumentCounter


def next_document_number(series: str, year: int) -> str:
    """The next number of `series` in `year`. Call it inside the transaction that saves the document: the
    counter row stays locked until that transaction ends, so numbers are unique, in commit order, and a
    rollback returns the number (no gaps)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_document_number must run inside the transaction that saves the document")
    bump = DocumentCounter.objects.filter(series=series, year=year)
    if not bump.update(last_number=F("last_number") + 1):
        try:
            with transaction.atomic():
                DocumentCounter.objects.create(series=series, year=year, last_number=1)
        except IntegrityError:  # another client created this year's row first
            bump.update(last_number=F("last_number") + 1)
    number = bump.values_list("last_number", flat=True).get()
    return f"{series}-{year}-{number:06d}"
