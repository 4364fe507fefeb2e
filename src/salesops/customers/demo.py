"""Deterministic demo customers with their contacts and addresses, created through the actions so each has its
event. Addresses lie in the customer's office city: the billing address in the district the credit code was
issued in, the shipping address (a warehouse) in another district; coordinates are WGS-84 near the district's
centre."""

import random
from dataclasses import dataclass
from decimal import Decimal

from salesops.accounts.models import OrgUnit, Role, User
from salesops.customers.actions import create_customer
from salesops.customers.contact_actions import create_address, create_contact
from salesops.customers.credit_code import ALPHABET, complete_credit_code
from salesops.customers.models import Contact, Customer, CustomerAddress, CustomerPortalAccess

DIVISIONS = {
    "sh": "310115",
    "hz": "330106",
    "nj": "320106",
    "gz": "440106",
    "sz": "440305",
    "xm": "350206",
    "bj": "110108",
    "tj": "120116",
    "jn": "370102",
}
PREFIXES = ["华", "恒", "鑫", "瑞", "新", "宏", "中", "金", "盛", "远", "嘉", "永"]
TRADES = ["机械", "电子", "化工", "食品", "物流", "建材", "医药", "纺织", "汽配", "家电"]
SUFFIXES = ["有限公司", "股份有限公司", "贸易有限公司", "科技有限公司"]


def demo_credit_code(rng: random.Random, division: str) -> str:
    body = "".join(rng.choice(ALPHABET[:10] + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    return complete_credit_code("91" + division + body)


def load_demo_customers(per_rep: int = 4, seed: int = 2026, total: int | None = None) -> int:
    """Give every demo rep `per_rep` customers in their office (or share `total` customers out among the reps),
    each with contacts and a billing and a shipping address; returns how many customers were created."""
    created = 0 if Customer.objects.exists() else create_demo_customers(per_rep, seed, total)
    load_demo_contacts(seed)
    return created


def create_demo_customers(per_rep: int, seed: int, total: int | None) -> int:
    rng = random.Random(seed)
    created = 0
    reps = list(User.objects.filter(role=Role.SALES_REP).select_related("org_unit").order_by("username"))
    for index, rep in enumerate(reps):
        office = rep.org_unit.ancestor_of_kind(OrgUnit.Kind.OFFICE)
        count = per_rep if total is None else total // len(reps) + (index < total % len(reps))
        for _ in range(count):
            city = office.name[:2]
            name = f"{city}{rng.choice(PREFIXES)}{rng.choice(PREFIXES)}{rng.choice(TRADES)}{rng.choice(SUFFIXES)}"
            code = demo_credit_code(rng, DIVISIONS.get(office.code, "310115"))
            if Customer.objects.filter(credit_code=code).exists():
                continue
            status = rng.choices(list(Customer.Status.values), weights=[2, 7, 1])[0]
            # Each rep enters their own customers, as they would in the field.
            create_customer(actor=rep, name=name, credit_code=code, office=office, owner=rep, status=status)
            created += 1
    dealer = User.objects.filter(username="dealer").first()
    first = Customer.objects.order_by("pk").first()
    if dealer and first:
        CustomerPortalAccess.objects.get_or_create(user=dealer, customer=first)
    return created


@dataclass(frozen=True)
class District:
    name: str
    latitude: float  # WGS-84, near the district's centre
    longitude: float
    postal_code: str
    roads: tuple[str, ...]


@dataclass(frozen=True)
class City:
    province: str
    name: str
    area_code: str
    local_digits: int  # digits of a landline number after the area code
    districts: tuple[District, ...]  # the first is the district of the office's credit codes (DIVISIONS)


CITIES = {
    "sh": City(
        "上海市",
        "上海市",
        "021",
        8,
        (
            District("浦东新区", 31.2304, 121.5442, "200120", ("世纪大道", "张江路", "东方路", "浦东南路")),
            District("闵行区", 31.1128, 121.3817, "201100", ("沪闵路", "莘松路", "七莘路")),
            District("嘉定区", 31.3747, 121.2653, "201800", ("博乐路", "城中路", "叶城路")),
            District("松江区", 31.0322, 121.2277, "201600", ("人民北路", "中山中路", "荣乐东路")),
        ),
    ),
    "hz": City(
        "浙江省",
        "杭州市",
        "0571",
        8,
        (
            District("西湖区", 30.2741, 120.1300, "310012", ("文三路", "天目山路", "古墩路")),
            District("滨江区", 30.2084, 120.2107, "310051", ("江南大道", "滨盛路", "长河路")),
            District("余杭区", 30.2780, 120.0200, "311121", ("文一西路", "海曙路", "良睦路")),
            District("萧山区", 30.1850, 120.2640, "311200", ("市心中路", "金城路", "北干路")),
        ),
    ),
    "nj": City(
        "江苏省",
        "南京市",
        "025",
        8,
        (
            District("鼓楼区", 32.0663, 118.7697, "210008", ("中山北路", "汉中路", "北京西路")),
            District("江宁区", 31.9536, 118.8400, "211100", ("双龙大道", "天元中路", "胜太路")),
            District("建邺区", 32.0037, 118.7316, "210019", ("江东中路", "河西大街", "庐山路")),
            District("栖霞区", 32.1020, 118.9090, "210046", ("仙林大道", "和燕路", "文澜路")),
        ),
    ),
    "gz": City(
        "广东省",
        "广州市",
        "020",
        8,
        (
            District("天河区", 23.1246, 113.3612, "510620", ("天河路", "体育西路", "花城大道", "黄埔大道西")),
            District("番禺区", 22.9377, 113.3845, "511400", ("番禺大道", "繁华路", "市广路")),
            District("白云区", 23.1900, 113.2700, "510405", ("白云大道", "机场路", "云城西路")),
            District("黄埔区", 23.1067, 113.4594, "510700", ("开创大道", "黄埔东路", "科学大道")),
        ),
    ),
    "sz": City(
        "广东省",
        "深圳市",
        "0755",
        8,
        (
            District("南山区", 22.5333, 113.9304, "518057", ("深南大道", "科苑路", "南海大道")),
            District("宝安区", 22.5550, 113.8830, "518101", ("宝安大道", "新安六路", "创业一路")),
            District("龙岗区", 22.7204, 114.2466, "518172", ("龙岗大道", "龙城大道", "黄阁路")),
            District("龙华区", 22.6963, 114.0440, "518109", ("人民路", "梅龙大道", "民治大道")),
        ),
    ),
    "xm": City(
        "福建省",
        "厦门市",
        "0592",
        7,
        (
            District("湖里区", 24.5127, 118.1465, "361006", ("湖里大道", "火炬北路", "枋湖路")),
            District("思明区", 24.4454, 118.0824, "361001", ("湖滨南路", "厦禾路", "莲前东路")),
            District("集美区", 24.5757, 118.0971, "361021", ("杏林湾路", "集美大道", "银江路")),
            District("海沧区", 24.4846, 118.0329, "361026", ("海沧大道", "新阳路", "钟林路")),
        ),
    ),
    "bj": City(
        "北京市",
        "北京市",
        "010",
        8,
        (
            District("海淀区", 39.9593, 116.2981, "100080", ("中关村大街", "知春路", "学院路")),
            District("朝阳区", 39.9215, 116.4433, "100020", ("建国路", "东三环中路", "朝阳路")),
            District("大兴区", 39.7267, 116.3416, "102600", ("兴华大街", "黄村西大街", "金星路")),
            District("顺义区", 40.1300, 116.6546, "101300", ("府前街", "顺平路", "裕民大街")),
        ),
    ),
    "tj": City(
        "天津市",
        "天津市",
        "022",
        8,
        (
            District("滨海新区", 39.0032, 117.7107, "300457", ("第三大街", "洞庭路", "黄海路")),
            District("南开区", 39.1382, 117.1500, "300100", ("鞍山西道", "红旗路", "白堤路")),
            District("西青区", 39.1413, 117.0088, "300380", ("西青道", "中北大道", "津静公路")),
            District("东丽区", 39.0867, 117.3138, "300300", ("津塘路", "东丽大道", "跃进路")),
        ),
    ),
    "jn": City(
        "山东省",
        "济南市",
        "0531",
        8,
        (
            District("历下区", 36.6665, 117.0766, "250014", ("经十路", "泉城路", "解放路")),
            District("槐荫区", 36.6510, 116.9012, "250022", ("经十西路", "张庄路", "威海路")),
            District("历城区", 36.6807, 117.0654, "250100", ("工业北路", "花园路", "山大路")),
            District("天桥区", 36.6933, 116.9871, "250031", ("北园大街", "堤口路", "无影山路")),
        ),
    ),
}
SURNAMES = [
    ("王", "wang"),
    ("李", "li"),
    ("张", "zhang"),
    ("刘", "liu"),
    ("陈", "chen"),
    ("杨", "yang"),
    ("黄", "huang"),
    ("赵", "zhao"),
    ("吴", "wu"),
    ("周", "zhou"),
    ("徐", "xu"),
    ("孙", "sun"),
    ("马", "ma"),
    ("朱", "zhu"),
    ("胡", "hu"),
    ("郭", "guo"),
    ("何", "he"),
    ("高", "gao"),
    ("林", "lin"),
    ("罗", "luo"),
]
GIVEN_NAMES = [
    ("伟", "wei"),
    ("芳", "fang"),
    ("娜", "na"),
    ("秀英", "xiuying"),
    ("敏", "min"),
    ("静", "jing"),
    ("丽", "li"),
    ("强", "qiang"),
    ("磊", "lei"),
    ("军", "jun"),
    ("洋", "yang"),
    ("勇", "yong"),
    ("艳", "yan"),
    ("杰", "jie"),
    ("娟", "juan"),
    ("涛", "tao"),
    ("明", "ming"),
    ("超", "chao"),
    ("霞", "xia"),
    ("建华", "jianhua"),
    ("志强", "zhiqiang"),
    ("晓东", "xiaodong"),
    ("海燕", "haiyan"),
    ("文博", "wenbo"),
]
PRIMARY_ROLES = [("采购经理", "采购部"), ("总经理", "总经办")]
OTHER_ROLES = [
    ("采购专员", "采购部"),
    ("财务经理", "财务部"),
    ("会计", "财务部"),
    ("仓库主管", "仓储物流部"),
    ("技术总监", "技术部"),
    ("行政主管", "行政部"),
]
MOBILE_PREFIXES = ["138", "139", "136", "137", "135", "150", "151", "158", "159", "186", "187", "188", "133", "189"]
# Pinyin of the name parts demo customers are made of, for their e-mail domains.
NAME_PINYIN = {
    "华": "hua",
    "恒": "heng",
    "鑫": "xin",
    "瑞": "rui",
    "新": "xin",
    "宏": "hong",
    "中": "zhong",
    "金": "jin",
    "盛": "sheng",
    "远": "yuan",
    "嘉": "jia",
    "永": "yong",
    "机械": "jixie",
    "电子": "dianzi",
    "化工": "huagong",
    "食品": "shipin",
    "物流": "wuliu",
    "建材": "jiancai",
    "医药": "yiyao",
    "纺织": "fangzhi",
    "汽配": "qipei",
    "家电": "jiadian",
}
COORDINATE_SPREAD = 0.012  # degrees around the district centre (about 1.3 km)


def email_domain(customer: Customer) -> str:
    """huahengjixie.com.cn for 上海华恒机械有限公司; a neutral domain for customers not made by the demo."""
    name = customer.name
    parts = [NAME_PINYIN.get(name[2:3]), NAME_PINYIN.get(name[3:4]), NAME_PINYIN.get(name[4:6])]
    if all(parts):
        return "".join(parts) + ".com.cn"
    return f"customer{customer.pk}.example.cn"


def demo_person(rng: random.Random, taken: set[str]) -> tuple[str, str]:
    """A Chinese name not yet used at this customer, and its pinyin (for e-mail and WeChat)."""
    while True:
        surname, surname_pinyin = rng.choice(SURNAMES)
        given, given_pinyin = rng.choice(GIVEN_NAMES)
        if surname + given not in taken:
            taken.add(surname + given)
            return surname + given, surname_pinyin + given_pinyin


def demo_landline(rng: random.Random, city: City) -> str:
    local = str(rng.randint(2, 8)) + "".join(str(rng.randint(0, 9)) for _ in range(city.local_digits - 1))
    return f"{city.area_code}-{local}"


def demo_contact_values(rng: random.Random, city: City, domain: str, role, taken: set[str]) -> dict:
    name, pinyin = demo_person(rng, taken)
    job_title, department = role
    values = {"name": name, "job_title": job_title, "department": department}
    values["mobile_phone"] = rng.choice(MOBILE_PREFIXES) + "".join(str(rng.randint(0, 9)) for _ in range(8))
    if rng.random() < 0.7:
        extension = f" 转 {rng.randint(801, 899)}" if rng.random() < 0.3 else ""
        values["office_phone"] = demo_landline(rng, city) + extension
    if rng.random() < 0.8:
        values["email"] = f"{pinyin}@{domain}"
    if rng.random() < 0.6:
        values["wechat_id"] = f"{pinyin}{rng.randint(10, 9999)}"
    return values


def demo_coordinates(rng: random.Random, district: District) -> tuple[Decimal, Decimal]:
    latitude = district.latitude + rng.uniform(-COORDINATE_SPREAD, COORDINATE_SPREAD)
    longitude = district.longitude + rng.uniform(-COORDINATE_SPREAD, COORDINATE_SPREAD)
    return Decimal(f"{latitude:.6f}"), Decimal(f"{longitude:.6f}")


def demo_street(rng: random.Random, district: District) -> str:
    street = f"{rng.choice(district.roads)}{rng.randint(1, 1999)}号"
    return street + rng.choice(["", f"{rng.randint(2, 28)}楼", f"{rng.randint(1, 9)}栋{rng.randint(101, 1808)}室"])


def demo_address_values(rng: random.Random, city: City, district: District) -> dict:
    latitude, longitude = demo_coordinates(rng, district)
    return {
        "province": city.province,
        "city": city.name,
        "district": district.name,
        "street": demo_street(rng, district),
        "postal_code": district.postal_code,
        "latitude": latitude,
        "longitude": longitude,
    }


def load_demo_contacts(seed: int = 2026) -> int:
    """Give every customer 1-3 contacts (the first primary) and a billing and a shipping address, entered by its
    owner; returns how many contacts were created. Each customer's data depends only on the seed and its credit
    code, so reruns and other customers do not shift it. Does nothing once any contact or address exists."""
    if Contact.objects.exists() or CustomerAddress.objects.exists():
        return 0
    created = 0
    for customer in Customer.objects.select_related("office", "owner").order_by("pk"):
        rng = random.Random(f"{seed}:{customer.credit_code}")
        city = CITIES.get(customer.office.code, CITIES["sh"])
        domain, taken = email_domain(customer), set()
        count = rng.choice([1, 2, 2, 3])
        roles = [rng.choice(PRIMARY_ROLES), *rng.sample(OTHER_ROLES, count - 1)]
        contacts = []
        for index, role in enumerate(roles):
            values = demo_contact_values(rng, city, domain, role, taken)
            contacts.append(create_contact(actor=customer.owner, customer=customer, is_primary=index == 0, **values))
        created += len(contacts)
        primary, receiver = contacts[0], contacts[-1]
        create_address(
            actor=customer.owner,
            customer=customer,
            kind=CustomerAddress.Kind.BILLING,
            label="注册地址",
            recipient_name=primary.name,
            recipient_phone=primary.mobile_phone,
            **demo_address_values(rng, city, city.districts[0]),
        )
        warehouse = rng.choice(city.districts[1:])
        create_address(
            actor=customer.owner,
            customer=customer,
            kind=CustomerAddress.Kind.SHIPPING,
            label=f"{warehouse.name}仓库",
            recipient_name=receiver.name,
            recipient_phone=receiver.mobile_phone,
            **demo_address_values(rng, city, warehouse),
        )
    return created
