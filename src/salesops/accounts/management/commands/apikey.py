"""`salesops apikey create --user NAME [--scopes ...] [--expires-days N]`, `apikey list`, `apikey revoke PREFIX`."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from salesops.accounts.actions import create_api_key, revoke_api_key
from salesops.accounts.models import ApiKey, User


class Command(BaseCommand):
    help = "Create, list and revoke API keys."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create", help="Create a key and print it once.")
        create.add_argument("--user", required=True, help="Username the key acts as.")
        create.add_argument("--name", default="cli", help="What the key is for.")
        create.add_argument(
            "--scopes", nargs="*", default=["*"], help="e.g. customers:read customers:write (default *)"
        )
        create.add_argument("--expires-days", type=int, default=365, help="Days until it expires (0: never).")
        listing = sub.add_parser("list", help="List keys (never their secrets).")
        listing.add_argument("--user")
        revoke = sub.add_parser("revoke", help="Revoke a key by its prefix.")
        revoke.add_argument("prefix")

    def handle(self, *args, verb, **options):
        getattr(self, f"handle_{verb}")(**options)

    def handle_create(self, *, user, name, scopes, expires_days, **_):
        owner = User.objects.filter(username=user).first()
        if owner is None:
            raise CommandError(f"No user named {user!r}.")
        expires_at = timezone.now() + timedelta(days=expires_days) if expires_days > 0 else None
        try:
            key, secret = create_api_key(user=owner, name=name, scopes=scopes, expires_at=expires_at, actor=None)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(secret)
        self.stderr.write(
            f"Key {key.prefix}… for {owner.username}, scopes {' '.join(key.scopes)}, "
            f"expires {key.expires_at or 'never'}. Store it now: it is not shown again."
        )

    def handle_list(self, *, user=None, **_):
        keys = ApiKey.objects.select_related("user").order_by("user__username", "-created_at")
        if user:
            keys = keys.filter(user__username=user)
        for key in keys:
            state = "revoked" if key.revoked_at else ("expired" if not key.is_usable() else "active")
            self.stdout.write(
                f"{key.prefix}\t{key.user.username}\t{key.name}\t{' '.join(key.scopes)}\t{state}\t"
                f"last used {key.last_used_at or 'never'}"
            )

    def handle_revoke(self, *, prefix, **_):
        keys = list(ApiKey.objects.filter(prefix__startswith=prefix, revoked_at__isnull=True))
        if len(keys) != 1:
            raise CommandError(f"{len(keys)} active keys match {prefix!r}; give a longer prefix.")
        revoke_api_key(keys[0], actor=None)
        self.stdout.write(f"Revoked {keys[0].prefix}.")
