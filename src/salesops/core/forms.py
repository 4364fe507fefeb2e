"""The upload form of the import page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from salesops.core.imports import MAX_UPLOAD_BYTES, Importer


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"))
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8 or GB18030) or Excel .xlsx, at most 10 MB; the first row names the columns."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def __init__(self, *args, importers: list[Importer], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(importer.kind, importer.label) for importer in importers]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than %(n)d MB.") % {"n": MAX_UPLOAD_BYTES // 2**20})
        return upload
