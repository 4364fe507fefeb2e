"""A briefing as documents: the HTML (e-mail and page), the PDF (WeasyPrint), the Excel workbook (openpyxl) and
the e-mail itself, all in one language and from the stored figures only (`Briefing.figures`), so they agree.

The e-mail is multipart: the HTML body and its charts travel together as multipart/related, each chart an
image/png part with a Content-ID that the HTML references as `cid:...`; the PDF and the workbook are
attachments. Nothing is fetched from or linked to an outside host.
"""

import base64
import datetime
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from salesops.core.pdf import render_pdf
from salesops.core.timezones import company_zone
from salesops.reporting.briefing_sections import section as find_section
from salesops.reporting.models import Briefing

CID_DOMAIN = "briefing.salesops"


@dataclass
class Rendered:
    """One briefing laid out in one language: its sections with their chart sources, and the PNGs by name."""

    briefing: Briefing
    language: str
    sections: list[dict] = field(default_factory=list)
    images: dict[str, bytes] = field(default_factory=dict)

    def cid(self, name: str) -> str:
        return f"{name}.{self.briefing.pk}@{CID_DOMAIN}"


def stored_sections(briefing: Briefing):
    """(Section, data) for each stored section whose code is still registered, in the stored order."""
    for item in briefing.figures.get("sections", []):
        registered = find_section(item["key"])
        if registered is not None:
            yield registered, item["data"]


def layout(briefing: Briefing, language: str, *, images: str) -> Rendered:
    """Sections with their charts drawn; `images` is "cid" (for the e-mail) or "data" (inline data: URLs for the
    page and the PDF)."""
    rendered = Rendered(briefing, language)
    with translation.override(language):
        for registered, data in stored_sections(briefing):
            charts = registered.charts(data) if registered.charts else {}
            sources = {}
            for name, content in charts.items():
                key = f"{registered.key}-{name}"
                rendered.images[key] = content
                if images == "cid":
                    sources[name] = f"cid:{rendered.cid(key)}"
                else:
                    sources[name] = "data:image/png;base64," + base64.b64encode(content).decode()
            rendered.sections.append(
                {"key": registered.key, "title": str(registered.title), "template": registered.template, "data": data}
                | {"charts": sources}
            )
    return rendered


def context(rendered: Rendered) -> dict:
    briefing = rendered.briefing
    return {
        "briefing": briefing,
        "sections": rendered.sections,
        "date": briefing.date,
        "compare_date": briefing.date - datetime.timedelta(days=7),
        "as_of": timezone.localtime(briefing.as_of, company_zone()),
        "page_url": absolute(f"/reporting/briefings/{briefing.pk}/"),
    }


def absolute(url: str) -> str:
    base = getattr(settings, "SALESOPS_BASE_URL", "").rstrip("/")
    return f"{base}{url}" if base else url


def subject(briefing: Briefing) -> str:
    return _("Daily briefing %(region)s %(date)s") % {
        "region": briefing.region.name,
        "date": f"{briefing.date:%Y-%m-%d}",
    }


def email_html(rendered: Rendered) -> str:
    with translation.override(rendered.language):
        return render_to_string("reporting/briefing_email.html", context(rendered))


def briefing_pdf(briefing: Briefing, language: str) -> bytes:
    rendered = layout(briefing, language, images="data")
    with translation.override(language):
        return render_pdf("reporting/briefing_pdf.html", context(rendered))


def briefing_workbook(briefing: Briefing, language: str) -> bytes:
    """One sheet per section that has rows (header in bold), numbers as numbers."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    with translation.override(language):
        for registered, data in stored_sections(briefing):
            if registered.rows is None:
                continue
            sheet = workbook.create_sheet(sheet_title(str(registered.title)))
            for index, row in enumerate(registered.rows(data)):
                sheet.append(row)
                if index == 0:
                    for cell in sheet[1]:
                        cell.font = Font(bold=True)
            sheet.column_dimensions["A"].width = 24
        if not workbook.worksheets:
            workbook.create_sheet(sheet_title(subject(briefing)))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_title(text: str) -> str:
    for character in "[]:*?/\\":
        text = text.replace(character, " ")
    return text[:31]


def filename(briefing: Briefing, extension: str) -> str:
    return f"briefing-{briefing.region.code}-{briefing.date:%Y%m%d}.{extension}"


class BriefingEmail(EmailMultiAlternatives):
    """An HTML e-mail whose inline images are related parts of the HTML body (multipart/related, Content-ID)."""

    def __init__(self, *args, inline_images: dict[str, bytes] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.inline_images = inline_images or {}

    def message(self, **kwargs):
        message = super().message(**kwargs)
        html = message.get_body(preferencelist=("html",))
        for content_id, content in self.inline_images.items():
            html.add_related(content, "image", "png", cid=f"<{content_id}>", filename=content_id.split("@")[0] + ".png")
        return message


def briefing_email(rendered: Rendered, *, to: str, message_id: str, pdf: bytes, workbook: bytes) -> BriefingEmail:
    """The e-mail of `rendered` to one address, with the PDF and the workbook attached."""
    briefing = rendered.briefing
    with translation.override(rendered.language):
        text = render_to_string("reporting/briefing_email.txt", context(rendered))
        mail = BriefingEmail(
            subject(briefing),
            text,
            to=[to],
            headers={"Message-ID": message_id, "X-Salesops-Briefing": str(briefing.pk)},
            inline_images={rendered.cid(name): content for name, content in rendered.images.items()},
        )
    mail.attach_alternative(email_html(rendered), "text/html")
    mail.attach(filename(briefing, "pdf"), pdf, "application/pdf")
    mail.attach(
        filename(briefing, "xlsx"), workbook, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return mail
