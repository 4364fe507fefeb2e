"""Read side of briefings and targets: who sees which region's briefings, targets and subscriptions, and who
receives a region's briefing."""

from django.db.models import Q, QuerySet

from salesops.accounts.models import OrgUnit, User
from salesops.accounts.scopes import REMIT_ROLES, managed_paths, remit_path, sees_everything
from salesops.core.scoping import scope_for
from salesops.reporting.models import Briefing, BriefingSubscription, SalesTarget


def visible_region_ids(user: User) -> list[int]:
    """Regions whose briefings `user` reads. Administrators: all. Finance, risk and legal: the regions in their
    remit. Anyone who manages a unit (a director their region, office and team managers the region their unit
    lies in; a company manager every region): those regions. Subscribers: the regions they subscribe to.
    Everyone else (reps, warehouse, portal users): none."""
    regions = OrgUnit.objects.filter(kind=OrgUnit.Kind.REGION)
    if sees_everything(user):
        return list(regions.values_list("pk", flat=True))
    paths = managed_paths(user)
    if user.role in REMIT_ROLES and remit_path(user):
        paths.append(remit_path(user))
    ids = {
        pk
        for pk, path in regions.values_list("pk", "path")
        if path and any(path.startswith(prefix) or prefix.startswith(path) for prefix in paths)
    }
    ids.update(BriefingSubscription.objects.filter(user=user).values_list("region_id", flat=True))
    return sorted(ids)


@scope_for(Briefing)
def briefings_for_user(queryset: QuerySet, user) -> QuerySet:
    """The briefings of the regions in `visible_region_ids`."""
    return queryset.filter(region_id__in=visible_region_ids(user))


@scope_for(SalesTarget)
def targets_for_user(queryset: QuerySet, user) -> QuerySet:
    """The targets of the regions whose briefings the user reads (administrators: all)."""
    return queryset.filter(region_id__in=visible_region_ids(user))


@scope_for(BriefingSubscription)
def subscriptions_for_user(queryset: QuerySet, user) -> QuerySet:
    """Administrators see every subscription; others their own."""
    if sees_everything(user):
        return queryset
    return queryset.filter(user=user)


def visible_briefings(user: User) -> QuerySet:
    return briefings_for_user(Briefing.objects.select_related("region"), user)


def visible_regions(user: User) -> QuerySet:
    return OrgUnit.objects.filter(pk__in=visible_region_ids(user)).order_by("name")


def may_manage_briefings(user: User) -> bool:
    """Targets and subscriptions are configuration: administrators only."""
    return sees_everything(user)


def may_send_briefing(user: User, region: OrgUnit) -> bool:
    """Administrators, and whoever manages the region (its director) or a unit above it."""
    if sees_everything(user):
        return True
    return any(region.path.startswith(prefix) for prefix in managed_paths(user))


def recipients(region: OrgUnit, default_language: str) -> list[tuple[User, str]]:
    """Who receives `region`'s briefing, with the language to write it in: the active subscribers; without any
    subscription, the region's director and the managers of its offices in `default_language`."""
    subscriptions = list(
        BriefingSubscription.objects.filter(region=region, user__is_active=True)
        .select_related("user")
        .order_by("user__username")
    )
    if subscriptions:
        return [(subscription.user, subscription.language) for subscription in subscriptions]
    managers = User.objects.filter(is_active=True).filter(
        Q(pk=region.manager_id)
        | Q(managed_units__kind=OrgUnit.Kind.OFFICE, managed_units__path__startswith=region.path)
    )
    return [(user, default_language) for user in managers.distinct().order_by("username")]
