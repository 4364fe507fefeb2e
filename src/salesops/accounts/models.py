"""Users, roles, the org tree (company > region > office > team) and API keys."""

import hashlib

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesops.core.models import TimeStampedModel


class Role(models.TextChoices):
    ADMIN = "admin", _("administrator")
    SALES_REP = "sales_rep", _("sales rep")
    SALES_MANAGER = "sales_manager", _("sales manager")
    REGIONAL_DIRECTOR = "regional_director", _("regional director")
    FINANCE = "finance", _("finance")
    WAREHOUSE = "warehouse", _("warehouse")
    RISK_OFFICER = "risk_officer", _("risk officer")
    LEGAL = "legal", _("legal")
    STORE_SUPERVISOR = "store_supervisor", _("store supervisor")
    DEALER = "dealer", _("dealer")
    SUPPLIER = "supplier", _("supplier")


class OrgUnit(TimeStampedModel):
    """A node of the org tree: company > region > office > team.

    `path` is a materialised path of primary keys ("/1/4/9/") so that "everything under this region" is one
    indexed prefix query. The manager of a unit manages everyone and everything under it.
    """

    class Kind(models.TextChoices):
        COMPANY = "company", _("company")
        REGION = "region", _("region")
        OFFICE = "office", _("office")
        TEAM = "team", _("team")

    PARENT_KIND = {Kind.COMPANY: None, Kind.REGION: Kind.COMPANY, Kind.OFFICE: Kind.REGION, Kind.TEAM: Kind.OFFICE}

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=50, unique=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    manager = models.ForeignKey(
        "accounts.User",
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_units",
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        ordering = ["path"]

    def __str__(self):
        return self.name

    def clean(self):
        expected = self.PARENT_KIND.get(self.kind)
        actual = self.parent.kind if self.parent_id else None
        if expected != actual:
            raise ValidationError(
                {
                    "parent": _("A %(kind)s must sit under a %(parent)s.")
                    % {"kind": self.get_kind_display(), "parent": expected or _("nothing (it is the top)")}
                }
            )

    def save(self, *args, **kwargs):
        """Save and keep `path` (and, after a move, every descendant's path) in step, in one transaction."""
        with transaction.atomic():
            super().save(*args, **kwargs)
            new_path = f"{self.parent.path if self.parent_id else '/'}{self.pk}/"
            if new_path == self.path:
                return
            old_path, self.path = self.path, new_path
            OrgUnit.objects.filter(pk=self.pk).update(path=new_path)
            if old_path:  # moved: re-root the whole subtree in one statement
                OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                    path=Concat(Value(new_path), Substr("path", len(old_path) + 1))
                )

    def ancestor_of_kind(self, kind: str) -> "OrgUnit | None":
        unit = self
        while unit is not None and unit.kind != kind:
            unit = unit.parent
        return unit

    @property
    def region(self) -> "OrgUnit | None":
        return self.ancestor_of_kind(self.Kind.REGION)


class User(AbstractUser):
    """A person who signs in. `role` decides what they do; `org_unit` (their team or office) decides what they see."""

    role = models.CharField(_("role"), max_length=30, choices=Role.choices, default=Role.SALES_REP)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("org unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=50, default="Asia/Shanghai")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name or self.get_full_name() or self.username

    @property
    def is_admin_role(self) -> bool:
        return self.role == Role.ADMIN or self.is_superuser


API_KEY_PREFIX = "sok_"


def hash_api_key(secret: str) -> str:
    # Keys are 256-bit random strings, so a fast hash is enough: there is nothing to brute-force.
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiKey(TimeStampedModel):
    """A bearer token acting as its user, limited to `scopes`. Only a hash is stored; the key is shown once."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, db_index=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("scopes"), default=list, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now) and self.user.is_active

    def allows(self, scope: str) -> bool:
        """`customers:read` is allowed by "customers:read", "customers:*", "*:read" or "*"."""
        resource, _sep, access = scope.partition(":")
        granted = set(self.scopes)
        return bool(granted & {scope, f"{resource}:*", f"*:{access}", "*", "*:*"}) or (
            access == "read" and bool(granted & {f"{resource}:write", "*:write"})
        )
