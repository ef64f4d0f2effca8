"""Reads of the marketplace shared by pages, API and commands, scoped through zhunong.access."""

from django.db.models import QuerySet

from zhunong import access

from .models import Credential, Supplier, SupplierStatus


def waiting_for(user) -> QuerySet[Supplier]:
    """Applications waiting for this user's decision: a county's rural bureau recommends those of
    its counties (待县级推荐); the operator reviews those the counties recommended (待平台审核)."""
    reach = access.reach_of(user)
    visible = access.visible_suppliers(user).select_related("county")
    if reach.everything:
        return visible.filter(status=SupplierStatus.RECOMMENDED).order_by("applied_on", "id")
    if reach.rural_paths:
        return visible.filter(status=SupplierStatus.APPLIED).order_by("applied_on", "id")
    return visible.none()


def suppliers_of(user, status: str = "") -> QuerySet[Supplier]:
    found = access.visible_suppliers(user).select_related("county")
    if status in SupplierStatus.values:
        found = found.filter(status=status)
    return found.order_by("status", "name")


def own_supplier(user) -> Supplier | None:
    """The supplier the user acts for (a supplier's login has one)."""
    ids = access.reach_of(user).supplier_ids
    return Supplier.objects.filter(pk__in=ids).select_related("county").first() if ids else None


def visible_credentials(user) -> QuerySet[Credential]:
    """Licences of the suppliers in the user's reach."""
    return Credential.objects.filter(supplier__in=access.visible_suppliers(user))
