from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path, register_converter

from zhunong.api import api, api_not_found
from zhunong.exports import views as exports
from zhunong.ingest import views as ingest
from zhunong.inputs import IdConverter, YearConverter
from zhunong.ledger import views as ledger
from zhunong.market import catalogue_views as catalogue
from zhunong.market import operator_views as market_ops
from zhunong.market import order_views as orders
from zhunong.market import seller_views as seller
from zhunong.market import views as market
from zhunong.orgs import views as orgs
from zhunong.people.views import LoginView, PasswordChangeView
from zhunong.regions import views as regions
from zhunong.reservations import views as reservations
from zhunong.supervision import views as supervision
from zhunong.web import views as web

# Ids and years in paths are parsed by zhunong.inputs: too long or out of range is "no such page".
register_converter(IdConverter, "id")
register_converter(YearConverter, "year")

admin.site.site_header = "助农 · 管理后台"
admin.site.site_title = "助农"

urlpatterns = [
    # the API first: no page lives under api/, and a checkout should not be matched against every
    # page's pattern before its own
    path("api/v1/", api.urls),
    re_path(r"^api/", api_not_found),
    path("", web.home, name="home"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("regions/", regions.region_list, name="region-list"),
    path("regions/<str:code>/", regions.region_detail, name="region-detail"),
    path("regions/<str:code>/zones/new/", regions.zone_create, name="zone-create"),
    path("regions/<str:code>/short-name/", regions.short_name_set, name="region-short-name"),
    path("units/", orgs.unit_list, name="unit-list"),
    path("units/new/", orgs.unit_register, name="unit-register"),
    path("units/<id:unit_id>/", orgs.unit_detail, name="unit-detail"),
    path("units/<id:unit_id>/change/<str:action>/", orgs.unit_change, name="unit-change"),
    path("units/<id:unit_id>/accounts/new/", orgs.account_open, name="account-open"),
    path("units/<id:unit_id>/accounts/bulk/", orgs.accounts_bulk, name="accounts-bulk"),
    path("units/<id:unit_id>/people/add/", orgs.person_add, name="person-add"),
    path(
        "memberships/<id:membership_id>/remove/", orgs.membership_remove, name="membership-remove"
    ),
    path("password/", PasswordChangeView.as_view(), name="password-change"),
    path("accounts/template.xlsx", orgs.accounts_template, name="accounts-template"),
    path("accounts/<id:account_id>/<str:action>/", orgs.account_action, name="account-action"),
    path("units/<id:unit_id>/filing/<year:year>/", reservations.unit_filing, name="unit-filing"),
    path(
        "units/<id:unit_id>/filing/<year:year>/exemption/",
        reservations.exemption_add,
        name="filing-exemption",
    ),
    path(
        "filings/<id:reservation_id>/<str:action>/",
        reservations.filing_action,
        name="filing-action",
    ),
    path("filings/", reservations.review_page, name="filing-review"),
    path("filings/rules/", reservations.rules_page, name="filing-rules"),
    path("filings/unions/", reservations.unions_page, name="filing-unions"),
    path("filings/remind/", reservations.remind, name="filing-remind"),
    path("audit/", web.audit_log, name="audit-log"),
    path("exports/", exports.export_list, name="export-list"),
    path("exports/<id:export_id>/", exports.export_detail, name="export-detail"),
    path("exports/<id:export_id>/status/", exports.export_status, name="export-status"),
    path("exports/<id:export_id>/download/", exports.export_download, name="export-download"),
    path("inbox/", web.inbox, name="inbox"),
    path("imports/", ingest.import_list, name="import-list"),
    path("imports/new/", ingest.import_new, name="import-new"),
    path("imports/template.xlsx", ingest.import_template, name="import-template"),
    path("imports/<id:batch_id>/", ingest.import_detail, name="import-detail"),
    path("imports/<id:batch_id>/status/", ingest.import_status, name="import-status"),
    path(
        "imports/<id:batch_id>/anomalies.xlsx",
        ingest.import_anomalies_xlsx,
        name="import-anomalies",
    ),
    path("regions/<str:code>/anomalies/", ingest.region_anomalies, name="region-anomalies"),
    path("regions/<str:code>/export.xlsx", ingest.region_export, name="region-export"),
    path("ledger/", ledger.ledger_list, name="ledger-list"),
    path("supervision/progress/", supervision.progress, name="progress"),
    path("supervision/progress/detail/", supervision.progress_detail, name="progress-detail"),
    path("supervision/time-progress/", supervision.time_progress_page, name="time-progress"),
    path("supervision/dashboard/", supervision.dashboard_page, name="dashboard"),
    path("supervision/tasks/", supervision.buying_tasks_page, name="buying-tasks"),
    path("supervision/channels/", supervision.channels_page, name="channels"),
    path("supervision/assessment/", supervision.assessment_page, name="assessment"),
    path("supervision/notices/", supervision.notice_list, name="notice-list"),
    path("supervision/notices/template/", supervision.notice_template, name="notice-template"),
    path("supervision/notices/schedule/", supervision.notice_schedule, name="notice-schedule"),
    path("supervision/notices/<id:notice_id>/", supervision.notice_detail, name="notice-detail"),
    path(
        "supervision/notices/<id:notice_id>/<str:name>",
        supervision.notice_file,
        name="notice-file",
    ),
    path("market/", catalogue.catalogue, name="catalogue"),
    path("market/cart/", orders.cart, name="cart"),
    path("market/cart/add/", orders.cart_add, name="cart-add"),
    path("market/checkout/", orders.checkout_page, name="checkout"),
    path("market/orders/", orders.order_list, name="order-list"),
    path("market/orders/overdue/", orders.overdue, name="orders-overdue"),
    path("market/orders/disputes/", orders.disputes, name="orders-disputes"),
    path("market/orders/<str:order_no>/", orders.order_page, name="order-page"),
    path(
        "market/orders/<str:order_no>/file/<str:name>/",
        orders.order_document,
        name="order-document",
    ),
    path("market/orders/<str:order_no>/<str:action>/", orders.order_step, name="order-step"),
    path("market/products/<id:product_id>/", catalogue.product_page, name="product-page"),
    path("market/photos/<id:photo_id>/<str:size>/", catalogue.photo, name="product-photo"),
    path("market/my/products/", seller.my_products, name="my-products"),
    path("market/my/products/new/", seller.product_edit, name="product-new"),
    path("market/my/products/<id:product_id>/", seller.my_product, name="my-product"),
    path("market/my/products/<id:product_id>/edit/", seller.product_edit, name="product-edit"),
    path("market/my/products/<id:product_id>/zone/", seller.zone_apply, name="zone-apply"),
    path(
        "market/my/products/<id:product_id>/<str:action>/",
        seller.product_listing,
        name="product-listing",
    ),
    path("market/reviews/", market_ops.reviews, name="market-reviews"),
    path(
        "market/reviews/<id:product_id>/<str:action>/",
        market_ops.review_decide,
        name="review-decide",
    ),
    path("market/reference-prices/", market_ops.reference_prices, name="reference-prices"),
    path("market/zones/", market_ops.zone_list, name="zone-list"),
    path(
        "market/zones/entries/<id:entry_id>/<str:action>/",
        market_ops.zone_decide,
        name="zone-decide",
    ),
    path("market/county/", market_ops.county, name="market-county"),
    path("market/register/", market.register, name="supplier-register"),
    path("market/workspace/", market.workspace, name="supplier-workspace"),
    path("market/suppliers/", market.supplier_list, name="supplier-list"),
    path("market/suppliers/<id:supplier_id>/", market.supplier_detail, name="supplier-detail"),
    path(
        "market/suppliers/<id:supplier_id>/<str:action>/",
        market.supplier_decide,
        name="supplier-decide",
    ),
    path("market/credentials/<id:credential_id>/", market.credential_file, name="credential-file"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler400 = "zhunong.web.errors.bad_request"
handler403 = "zhunong.web.errors.permission_denied"
handler404 = "zhunong.web.errors.page_not_found"
handler500 = "zhunong.web.errors.server_error"
