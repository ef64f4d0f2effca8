"""`zhunong seed_demo`: builds the demo city, 郑州市, on the real divisions.

Deterministic (a fixed random seed and fixed dates), so every demo and screenshot shows the same
city. Loaded by `make run` on an empty database; never loaded in production unless asked.
"""

import random
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from zhunong.fields import half_up
from zhunong.market.models import Supplier
from zhunong.orgs.models import (
    Account,
    AccountKind,
    Canteen,
    EventKind,
    Membership,
    Role,
    Unit,
    UnitEvent,
    UnitKind,
    UnitStatus,
)
from zhunong.people.models import User
from zhunong.regions.models import Level, Region
from zhunong.supervision import tally

CITY = "410100"
DEMO_PASSWORD = "zhunong-demo"

SHORT_NAMES = {
    "410102": "中原",
    "410103": "二七",
    "410104": "管城",
    "410105": "金水",
    "410106": "上街",
    "410108": "惠济",
    "410122": "中牟",
    "410181": "巩义",
    "410182": "荥阳",
    "410183": "新密",
    "410184": "新郑",
    "410185": "登封",
}
# Functional zones of 郑州市 with the National Bureau of Statistics' codes (统计用区划代码, 2023).
ZONES = [
    ("410171", "郑州经济技术开发区", "经开区"),
    ("410172", "郑州高新技术产业开发区", "高新区"),
    ("410173", "郑州航空港经济综合实验区", "港区"),
]

CITY_DEPARTMENTS = [
    ("市教育局", "school"),
    ("市卫生健康委员会", "health"),
    ("市公安局", "police"),
    ("市财政局", "office"),
    ("市民政局", "welfare"),
    ("市人力资源和社会保障局", "office"),
    ("市自然资源和规划局", "office"),
    ("市生态环境局", "office"),
    ("市住房和城乡建设局", "office"),
    ("市城市管理局", "office"),
    ("市交通运输局", "office"),
    ("市水利局", "office"),
    ("市农业农村局", "office"),
    ("市商务局", "office"),
    ("市文化广电和旅游局", "culture"),
    ("市市场监督管理局", "office"),
    ("市统计局", "office"),
    ("市审计局", "office"),
    ("市司法局", "office"),
    ("市科学技术局", "office"),
    ("市工业和信息化局", "office"),
    ("市发展和改革委员会", "office"),
    ("市应急管理局", "office"),
    ("市林业局", "office"),
    ("市体育局", "culture"),
    ("市退役军人事务局", "office"),
    ("市医疗保障局", "office"),
    ("市机关事务管理局", "office"),
    ("市人民政府国有资产监督管理委员会", "soe"),
    ("市中级人民法院", "office"),
    ("市人民检察院", "office"),
]
DISTRICT_DEPARTMENTS = [
    ("教育局", "school"),
    ("卫生健康委员会", "health"),
    ("公安分局", "police"),
    ("财政局", "office"),
    ("民政局", "welfare"),
    ("人力资源和社会保障局", "office"),
    ("住房和城乡建设局", "office"),
    ("城市管理局", "office"),
    ("农业农村局", "office"),
    ("市场监督管理局", "office"),
    ("文化广电和旅游局", "culture"),
    ("司法局", "office"),
    ("应急管理局", "office"),
    ("机关事务服务中心", "office"),
    ("人民法院", "office"),
    ("人民检察院", "office"),
]
SCHOOL_KINDS = ["第{n}中学", "第{n}小学", "第{n}幼儿园", "第{n}初级中学", "实验学校{n}部"]
HEALTH_KINDS = [
    "第{n}人民医院",
    "中医院{n}分院",
    "妇幼保健院{n}院区",
    "疾病预防控制中心{n}所",
    "社区卫生服务中心{n}",
]
OFFICE_KINDS = [
    "信息中心",
    "综合执法大队",
    "服务中心",
    "档案馆",
    "培训中心",
    "监测站",
    "事务中心",
    "研究所",
]
POLICE_KINDS = ["第{n}派出所", "交通警察大队{n}中队", "特警支队{n}大队"]
WELFARE_KINDS = ["社会福利院", "救助管理站", "养老服务中心{n}", "殡仪馆"]
CULTURE_KINDS = ["图书馆", "文化馆", "博物馆", "体育中心", "青少年宫"]
SOE_NAMES = [
    "郑州公交集团有限公司",
    "郑州地铁集团有限公司",
    "郑州水务集团有限公司",
    "郑州热力集团有限公司",
    "郑州市建设投资集团有限公司",
    "郑州粮食批发市场有限公司",
]
CONTRACTORS = ["郑州市惠民餐饮管理有限公司", "河南中膳餐饮服务有限公司", "郑州百味团餐有限公司"]

DEMO_USERS = [
    # username, mobile, display name, role, target, what they show
    ("admin", "13800000000", "平台管理员", Role.OPERATOR, None, "平台运营方，全部数据与管理后台"),
    ("henan_finance", "13800000001", "河南省财政厅", Role.FINANCE, "410000", "省财政，看全省"),
    ("zz_finance", "13800000002", "郑州市财政局", Role.FINANCE, CITY, "市财政，看郑州市及各区县"),
    (
        "jinshui_finance",
        "13800000003",
        "金水区财政局",
        Role.FINANCE,
        "410105",
        "区财政，只看金水区",
    ),
    ("erqi_finance", "13800000004", "二七区财政局", Role.FINANCE, "410103", "区财政，只看二七区"),
    (
        "edu_supervisor",
        "13800000005",
        "市教育局计财处",
        Role.SUPERVISOR,
        "dept:市教育局",
        "主管单位，看本单位和下级",
    ),
    (
        "school_admin",
        "13800000006",
        "郑州市第1中学管理员",
        Role.UNIT_ADMIN,
        "unit:郑州市第1中学",
        "单位管理员",
    ),
    (
        "school_buyer",
        "13800000007",
        "郑州市第1中学采购员",
        Role.BUYER,
        "unit:郑州市第1中学",
        "采购人",
    ),
    ("supplier", "13800000008", "兰考县蜜瓜合作社", Role.SUPPLIER, "supplier", "供应商"),
    (
        "lankao_rural",
        "13800000009",
        "兰考县乡村振兴局",
        Role.RURAL_BUREAU,
        "410225",
        "脱贫县乡村振兴部门",
    ),
]


class Command(BaseCommand):
    help = "Builds the demo city (郑州市) with units, accounts and users for every role."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="do nothing if units exist")
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000/", help="the address printed for logging in"
        )

    def handle(self, *args, if_empty=False, url="http://127.0.0.1:8000/", **options):
        self.url = url
        if Unit.objects.exists():
            if if_empty:
                self.stdout.write("数据库中已有单位，跳过演示数据。")
                self.print_logins()
                return
            raise CommandError("数据库中已有单位；演示数据只能载入空数据库。")
        with transaction.atomic():
            count = build_demo_city(random.Random(832))  # noqa: S311 (demo data, not secrets)
        tally.refresh()  # the city's counts for the fast progress table, before the first view
        self.stdout.write(self.style.SUCCESS(f"演示城市已建好：郑州市，{count} 个单位。"))
        self.print_logins()

    def print_logins(self):
        self.stdout.write(f"\n演示账号（密码均为 {DEMO_PASSWORD}，也可用手机号登录）：")
        for username, mobile, name, _role, _target, note in DEMO_USERS:
            self.stdout.write(f"  {username:<16} {mobile}  {name}：{note}")
        self.stdout.write(f"打开 {getattr(self, 'url', 'http://127.0.0.1:8000/')} 登录。\n")


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange(max(0, (end - start).days) + 1))


class CityBuilder:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.units: list[Unit] = []
        self.seq: dict[str, int] = {}

    def unit(self, name, region, parent=None, kind=UnitKind.BUDGET_UNIT, owner=None) -> Unit:
        self.seq[region.code] = self.seq.get(region.code, 0) + 1
        code = f"{region.code}{self.seq[region.code]:05d}"
        registered = _day(self.rng, date(2019, 3, 1), date(2023, 12, 31))
        if parent is not None:
            registered = max(registered, parent.registered_on)
        if owner is not None:
            registered = max(registered, owner.registered_on)
        unit = Unit(
            code=code,
            name=name,
            kind=kind,
            region=region,
            tree_path=(parent.tree_path if parent else "") + code + "/",
            registered_on=registered,
            canteen=self.rng.choices(
                [Canteen.OWN, Canteen.NONE, Canteen.OUTSOURCED, ""], [65, 20, 10, 5]
            )[0],
        )
        if unit.canteen == Canteen.OUTSOURCED:
            unit.canteen_contractor = self.rng.choice(CONTRACTORS)
        # references are set after bulk_create, when the referenced units have primary keys
        unit.refs = {"parent": parent, "owner": owner, "canteen_host": None}
        self.units.append(unit)
        return unit

    def subordinates(self, dept, region, flavour, prefix, how_many):
        patterns = {
            "school": SCHOOL_KINDS,
            "health": HEALTH_KINDS,
            "office": OFFICE_KINDS,
            "police": POLICE_KINDS,
            "welfare": WELFARE_KINDS,
            "culture": CULTURE_KINDS,
        }[flavour if flavour != "soe" else "office"]
        made = []
        for n in range(1, how_many + 1):
            pattern = patterns[(n - 1) % len(patterns)]
            number = (n - 1) // len(patterns) + 1
            if "{n}" in pattern:
                name = prefix + pattern.format(n=n if flavour == "school" else number)
            else:
                name = dept.name + pattern + (f"（{number}）" if number > 1 else "")
            made.append(self.unit(name, region, parent=dept))
        return made


def build_demo_city(rng: random.Random) -> int:
    city = Region.objects.get(code=CITY)
    for code, short in SHORT_NAMES.items():
        Region.objects.filter(code=code).update(short_name=short)
    for code, name, short in ZONES:
        Region.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "short_name": short,
                "parent": city,
                "level": Level.ZONE,
                "path": city.path + code + "/",
                "is_builtin": False,
            },
        )
    b = CityBuilder(rng)
    departments = {}
    for name, flavour in CITY_DEPARTMENTS:
        dept = b.unit("郑州" + name, city)
        departments[name] = dept
        size = {"school": 140, "health": 45, "police": 12}.get(flavour, rng.randint(3, 9))
        subs = b.subordinates(dept, city, flavour, "郑州市", size)
        if flavour == "soe":
            for soe_name in SOE_NAMES:
                b.unit(soe_name, city, kind=UnitKind.SOE, owner=dept)
        if rng.random() < 0.4:
            b.unit(dept.name + "工会委员会", city, kind=UnitKind.UNION, owner=dept)
        _share_canteens(rng, dept, subs)
    children = list(Region.objects.filter(parent=city).order_by("code"))
    for region in children:
        label = region.name
        for name, flavour in DISTRICT_DEPARTMENTS:
            if region.level == Level.ZONE and flavour in ("police", "welfare"):
                continue
            dept = b.unit(label + name, region)
            size = {"school": 22, "health": 6}.get(flavour, rng.randint(1, 3))
            subs = b.subordinates(dept, region, flavour, label, size)
            _share_canteens(rng, dept, subs)
        for street in range(1, rng.randint(4, 8)):
            b.unit(f"{label}第{street}街道办事处", region)
    Unit.objects.bulk_create(b.units, batch_size=500)
    units = {u.code: u for u in Unit.objects.all()}
    for u in b.units:
        u.pk = units[u.code].pk
    _fix_references(b.units)
    units = {u.code: u for u in Unit.objects.all()}
    _accounts(rng, list(units.values()))
    UnitEvent.objects.bulk_create(
        [
            UnitEvent(unit=u, kind=EventKind.REGISTERED, effective_on=u.registered_on)
            for u in units.values()
        ],
        batch_size=1000,
    )
    _history_examples(units)
    _filings_and_purchases(rng, units)
    _users(units)
    return len(units)


def _share_canteens(rng, dept, subs):
    """A few subordinate units eat in their department's canteen (共用食堂)."""
    dept.canteen = Canteen.OWN
    for sub in subs:
        if rng.random() < 0.08:
            sub.canteen = Canteen.SHARED
            sub.refs["canteen_host"] = dept
            sub.canteen_contractor = ""


def _fix_references(units):
    updates = []
    for u in units:
        for field, ref in u.refs.items():
            setattr(u, f"{field}_id", ref.pk if ref is not None else None)
        updates.append(u)
    Unit.objects.bulk_update(updates, ["parent", "owner", "canteen_host"], batch_size=500)


def _accounts(rng, units):
    accounts = []
    for u in sorted(units, key=lambda x: x.code):
        if rng.random() < 0.03:
            continue  # a few units have not opened their management account yet
        opened = _day(rng, u.registered_on, u.registered_on + timedelta(days=300))
        opened = min(opened, date(2025, 6, 30))
        activated = None
        if rng.random() < 0.9:
            activated = min(_day(rng, opened, opened + timedelta(days=120)), date(2025, 9, 30))
        accounts.append(
            Account(
                login=f"{u.code}-gl",
                unit=u,
                kind=AccountKind.MANAGEMENT,
                holder="管理员",
                opened_on=opened,
                activated_on=activated,
            )
        )
        for n in range(1, rng.choice([1, 1, 2, 2, 3, 4]) + 1):
            t_opened = min(_day(rng, opened, opened + timedelta(days=400)), date(2025, 9, 30))
            t_activated = None
            if activated and rng.random() < 0.8:
                start = max(t_opened, activated)
                t_activated = min(_day(rng, start, start + timedelta(days=90)), date(2025, 10, 31))
            accounts.append(
                Account(
                    login=f"{u.code}-jy{n:02d}",
                    unit=u,
                    kind=AccountKind.TRADING,
                    holder=f"采购员{n}",
                    opened_on=t_opened,
                    activated_on=t_activated,
                    is_contractor=False,
                )
            )
    Account.objects.bulk_create(accounts, batch_size=1000)


DEMO_YEAR = 2026
DEMO_LAST_DAY = date(2026, 10, 31)
PRODUCTS = [
    ("兰考县蜜瓜种植专业合作社", "蜜瓜", "410225"),
    ("光山县茶叶有限公司", "信阳毛尖", "411522"),
    ("淅川县香菇合作社", "干香菇", "411326"),
    ("卢氏县农业开发公司", "核桃", "411224"),
    ("固始县粮油有限公司", "大米", "411525"),
    ("新县山茶油厂", "山茶油", "411523"),
]


def _filings_and_purchases(rng, units):
    """The demo year's filings (预留份额) and ledger lines, so the supervision pages have a year
    to show: most units with a canteen file in February; they buy through the year at their own
    pace (some far behind), with a few refunds and orders still open."""
    from decimal import Decimal

    from zhunong.ledger.models import PurchaseLine
    from zhunong.reservations.models import Reservation
    from zhunong.reservations.rules import amount_of, union_target

    filings, lines = [], []
    for unit in sorted(units.values(), key=lambda u: u.code):
        if unit.kind != UnitKind.BUDGET_UNIT or unit.status != UnitStatus.ACTIVE:
            continue
        if unit.canteen not in (Canteen.OWN, Canteen.OUTSOURCED) or rng.random() < 0.06:
            continue
        total = Decimal(rng.randrange(50, 2000) * 1000)
        ratio = Decimal(rng.choice([10, 10, 12, 15, 15, 20]) if rng.random() > 0.03 else 8)
        reserved = amount_of(total, ratio)
        filed = date(DEMO_YEAR, 2, 1) + timedelta(days=rng.randrange(40))
        filings.append(
            Reservation(
                unit=unit,
                year=DEMO_YEAR,
                canteen_total=total,
                ratio=ratio,
                reserved_amount=reserved,
                filed_on=filed,
                status=rng.choice(["locked", "locked", "finance_confirmed", "filed"]),
            )
        )
        pace = rng.choice([0, 0.3, 0.6, 0.8, 1.0, 1.0, 1.2])
        spent, n = Decimal(0), 0
        goal = reserved * Decimal(str(pace))
        while spent < goal and n < 12:
            n += 1
            amount = half_up(goal / rng.randrange(3, 8))
            ordered = date(DEMO_YEAR, 3, 1) + timedelta(days=rng.randrange(243))
            done = ordered + timedelta(days=rng.randrange(2, 15))
            supplier, product, origin = rng.choice(PRODUCTS)
            lines.append(
                PurchaseLine(
                    order_no=f"832-{DEMO_YEAR}-{unit.code}-{n:02d}",
                    unit=unit,
                    amount=amount,
                    ordered_on=ordered,
                    completed_on=done if done <= DEMO_LAST_DAY else None,
                    year=(done if done <= DEMO_LAST_DAY else ordered).year,
                    supplier_name=supplier,
                    product=product,
                    origin_code=origin,
                )
            )
            spent += amount
        if n and rng.random() < 0.05:
            refund = lines[-1]
            lines.append(
                PurchaseLine(
                    order_no=refund.order_no + "-R",
                    unit=unit,
                    amount=-half_up(refund.amount / 2),
                    ordered_on=refund.ordered_on,
                    completed_on=refund.completed_on,
                    year=refund.year,
                    supplier_name=refund.supplier_name,
                    product="退款",
                    origin_code=refund.origin_code,
                )
            )
    # unions file their members and welfare total and buy welfare goods; SOEs buy for their owner
    for unit in sorted(units.values(), key=lambda u: u.code):
        if unit.kind not in (UnitKind.UNION, UnitKind.SOE):
            continue
        if unit.kind == UnitKind.UNION:
            members = rng.randrange(20, 300)
            welfare = Decimal(members * rng.randrange(1500, 3000))
            target = union_target(members, welfare, Decimal(300), Decimal(15))
            filings.append(
                Reservation(
                    unit=unit,
                    year=DEMO_YEAR,
                    canteen="",
                    canteen_total=Decimal(0),
                    ratio=Decimal(0),
                    reserved_amount=target,
                    members=members,
                    welfare_total=welfare,
                    filed_on=date(DEMO_YEAR, 2, 10) + timedelta(days=rng.randrange(20)),
                    status="locked",
                )
            )
        for n in range(1, rng.randrange(2, 6)):
            done = date(DEMO_YEAR, 3, 1) + timedelta(days=rng.randrange(240))
            supplier, product, origin = rng.choice(PRODUCTS)
            lines.append(
                PurchaseLine(
                    order_no=f"832-{DEMO_YEAR}-{unit.code}-{n:02d}",
                    unit=unit,
                    channel=unit.kind,
                    amount=Decimal(rng.randrange(2000, 60000)),
                    ordered_on=done - timedelta(days=3),
                    completed_on=done,
                    year=DEMO_YEAR,
                    supplier_name=supplier,
                    product=product,
                    origin_code=origin,
                )
            )
    Reservation.objects.bulk_create(filings, batch_size=1000)
    PurchaseLine.objects.bulk_create(lines, batch_size=2000)
    _buying_tasks(filings)


def _buying_tasks(filings):
    """The city hands each district a buying task: its units' reserve, raised by a fifth and
    rounded to ten thousand yuan (下达任务)."""
    from decimal import ROUND_HALF_UP, Decimal

    from zhunong.supervision.models import BuyingTask

    city = Region.objects.get(code=CITY)
    child_of = {}
    for child in Region.objects.filter(parent=city):
        for code in Region.objects.filter(path__startswith=child.path).values_list(
            "code", flat=True
        ):
            child_of[code] = child
    reserved = {}
    for f in filings:
        child = child_of.get(f.unit.region_id)
        if child is not None and f.unit.kind == UnitKind.BUDGET_UNIT:
            reserved[child] = reserved.get(child, Decimal(0)) + f.reserved_amount
    BuyingTask.objects.filter(region__parent=city, year=DEMO_YEAR).delete()
    BuyingTask.objects.bulk_create(
        [
            BuyingTask(
                region=child,
                year=DEMO_YEAR,
                amount=(total * Decimal("1.2") / 10000).quantize(Decimal(1), ROUND_HALF_UP) * 10000,
            )
            for child, total in sorted(reserved.items(), key=lambda item: item[0].code)
        ]
    )


def _history_examples(units):
    """A rename and a merge, so the history and "as of" views have something to show."""
    by_name = {u.name: u for u in units.values()}
    school = by_name.get("郑州市第7小学")
    if school:
        UnitEvent.objects.create(
            unit=school,
            kind=EventKind.RENAMED,
            effective_on=date(2024, 9, 1),
            changes={"name": ["郑州市第7小学", "郑州市第七小学"]},
            document_no="郑教〔2024〕15号",
        )
        Unit.objects.filter(pk=school.pk).update(name="郑州市第七小学")
    absorbed, survivor = by_name.get("郑州市第12小学"), by_name.get("郑州市第2小学")
    if absorbed and survivor:
        UnitEvent.objects.create(
            unit=absorbed,
            kind=EventKind.MERGED,
            effective_on=date(2025, 7, 1),
            changes={"status": ["active", "merged"], "merged_into": [None, survivor.code]},
            document_no="郑教〔2025〕8号",
        )
        Unit.objects.filter(pk=absorbed.pk).update(
            status=UnitStatus.MERGED, merged_into=survivor, status_changed_on=date(2025, 7, 1)
        )
        Account.objects.filter(unit=absorbed, deactivated_on__isnull=True).update(
            deactivated_on=date(2025, 7, 1)
        )


def _users(units):
    by_name = {u.name: u for u in units.values()}
    supplier, _ = Supplier.objects.get_or_create(
        credit_code="93410225MA9DEM001H",
        defaults={"name": "兰考县蜜瓜种植专业合作社", "county_id": "410225"},
    )
    for username, mobile, name, role, target, _note in DEMO_USERS:
        user = User(
            username=username,
            mobile=mobile,
            display_name=name,
            is_staff=role == Role.OPERATOR,
            is_superuser=role == Role.OPERATOR,
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        m = Membership(user=user, role=role)
        if role in (Role.FINANCE, Role.RURAL_BUREAU):
            m.region_id = target
        elif role == Role.SUPPLIER:
            m.supplier = supplier
        elif target and target.startswith("dept:"):
            m.unit = by_name["郑州" + target[5:]]
        elif target and target.startswith("unit:"):
            m.unit = by_name[target[5:]]
        m.save()
    from zhunong.market.demo import build_market_demo

    build_market_demo(
        supplier,
        operator=User.objects.get(username="admin"),
        lankao_rural=User.objects.get(username="lankao_rural"),
        rng=random.Random(14),  # noqa: S311 (demo data); its own, so the city's stays as it was
    )
    from zhunong.clock import today
    from zhunong.market.orderdemo import build_order_demo

    build_order_demo(
        User.objects.get(username="school_buyer"),
        User.objects.get(username="supplier"),
        User.objects.get(username="admin"),
        today(),
    )
