"""The marketplace's data: suppliers and their entry, the catalogue, zones."""

from .catalogue import (
    Category,
    Certificate,
    CertificateKind,
    PriceChange,
    PriceStatus,
    PriceWatchSettings,
    Product,
    ProductPhoto,
    ProductStep,
    ReferencePrice,
    ReviewStatus,
)
from .expiry import ExpiryReminder
from .suppliers import (
    Credential,
    CredentialKind,
    Producer,
    StepAction,
    Supplier,
    SupplierKind,
    SupplierStatus,
    SupplierStep,
)
from .zones import EntryStatus, Zone, ZoneEntry, ZoneKind

__all__ = [
    "Category",
    "Certificate",
    "CertificateKind",
    "Credential",
    "CredentialKind",
    "EntryStatus",
    "ExpiryReminder",
    "PriceChange",
    "PriceStatus",
    "PriceWatchSettings",
    "Producer",
    "Product",
    "ProductPhoto",
    "ProductStep",
    "ReferencePrice",
    "ReviewStatus",
    "StepAction",
    "Supplier",
    "SupplierKind",
    "SupplierStatus",
    "SupplierStep",
    "Zone",
    "ZoneEntry",
    "ZoneKind",
]
