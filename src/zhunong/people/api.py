from ninja import Router, Schema

from zhunong import access

router = Router(tags=["me"])


class MembershipOut(Schema):
    role: str
    role_label: str
    unit_id: int | None
    region_code: str | None
    supplier_id: int | None


class MeOut(Schema):
    username: str
    display_name: str
    memberships: list[MembershipOut]
    sees_everything: bool


@router.get("/me", response=MeOut, summary="当前用户及其身份")
def me(request):
    user = request.auth
    return {
        "username": user.username,
        "display_name": user.display_name,
        "memberships": [
            {
                "role": m.role,
                "role_label": m.get_role_display(),
                "unit_id": m.unit_id,
                "region_code": m.region_id,
                "supplier_id": m.supplier_id,
            }
            for m in user.memberships.all()
        ],
        "sees_everything": access.reach_of(user).everything,
    }
