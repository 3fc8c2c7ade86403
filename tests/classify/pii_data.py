"""pii_data.py - synthetic customer / dealer-service values in several countries' formats.

Every value is made up: names from short lists, numbers random but valid where the format
has a checksum (VIN check digit, Luhn, national ID check digits, Singapore plates). Decoys
are made to *fail* the checks a real value passes (part numbers fail the VIN check digit,
order numbers fail Luhn, serial numbers break phone numbering plans).
"""
import random

COUNTRIES = ["AU", "NZ", "JP", "SG", "TH", "ID", "PH", "MY", "IN"]

FIRST = {
    "AU": ["Oliver", "Charlotte", "Jack", "Amelia", "William", "Isla", "Noah", "Mia", "Liam", "Grace"],
    "NZ": ["Aroha", "Nikau", "Tane", "Mere", "Hemi", "Olivia", "Lucas", "Ruby", "Wiremu", "Ana"],
    "JP": ["Haruto", "Yui", "Sota", "Hina", "Ren", "Aoi", "Takumi", "Sakura", "Kenji", "Yuki"],
    "SG": ["Wei Ling", "Jun Jie", "Hui Min", "Kumar", "Siti", "Marcus", "Xin Yi", "Farhan", "Mei", "Darren"],
    "TH": ["Somchai", "Malee", "Niran", "Ploy", "Arthit", "Kanya", "Chaiya", "Siriporn", "Anan", "Nok"],
    "ID": ["Budi", "Siti", "Agus", "Dewi", "Rizky", "Putri", "Andi", "Ayu", "Wahyu", "Indah"],
    "PH": ["Jose", "Maria", "Juan", "Angelica", "Mark", "Kristine", "Paolo", "Jasmine", "Miguel", "Rose"],
    "MY": ["Ahmad", "Nurul", "Muhammad", "Aisyah", "Wei Jie", "Mei Ling", "Ravi", "Priya", "Hafiz", "Farah"],
    "IN": ["Aarav", "Ananya", "Vihaan", "Diya", "Arjun", "Saanvi", "Rohan", "Isha", "Karan", "Pooja"],
}
LAST = {
    "AU": ["Smith", "Jones", "Williams", "Brown", "Wilson", "Taylor", "O'Brien", "Nguyen", "Kelly", "Martin"],
    "NZ": ["Ngata", "Parata", "Walker", "Thompson", "Te Whata", "Anderson", "Harris", "Tane", "Clarke", "Moana"],
    "JP": ["Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi", "Kato"],
    "SG": ["Tan", "Lim", "Lee", "Ng", "Ong", "Wong", "Goh", "Chua", "Rahman", "Pillai"],
    "TH": ["Saetang", "Srisuk", "Wongsawat", "Chaiyaporn", "Kittisak", "Boonmee", "Thongchai", "Rattana", "Suksawat", "Charoen"],
    "ID": ["Santoso", "Wijaya", "Susanto", "Hidayat", "Saputra", "Pratama", "Nugroho", "Lestari", "Kurniawan", "Setiawan"],
    "PH": ["Santos", "Reyes", "Cruz", "Bautista", "Del Rosario", "Garcia", "Mendoza", "Torres", "Ramos", "Aquino"],
    "MY": ["Abdullah", "Ismail", "Tan", "Lim", "Ibrahim", "Othman", "Subramaniam", "Yusof", "Wong", "Hassan"],
    "IN": ["Sharma", "Patel", "Singh", "Kumar", "Gupta", "Reddy", "Iyer", "Nair", "Mehta", "Das"],
}
NATIVE_NAMES = {
    "JP": ["山田 太郎", "佐藤 花子", "鈴木 一郎", "高橋 美咲", "田中 健", "渡辺 直子"],
    "TH": ["สมชาย ใจดี", "มาลี ศรีสุข", "นิรันดร์ วงศ์สวัสดิ์", "กัญญา บุญมี"],
}
DOMAINS = {
    "AU": ["bigpond.com.au", "optusnet.com.au", "gmail.com", "outlook.com.au"],
    "NZ": ["xtra.co.nz", "gmail.com", "slingshot.co.nz"],
    "JP": ["yahoo.co.jp", "docomo.ne.jp", "gmail.com", "ezweb.ne.jp"],
    "SG": ["singnet.com.sg", "gmail.com", "starhub.net.sg"],
    "TH": ["hotmail.co.th", "gmail.com", "truemail.co.th"],
    "ID": ["yahoo.co.id", "gmail.com", "telkom.net.id"],
    "PH": ["yahoo.com.ph", "gmail.com", "pldtdsl.net"],
    "MY": ["streamyx.com.my", "gmail.com", "yahoo.com.my"],
    "IN": ["rediffmail.com", "gmail.com", "yahoo.co.in"],
}
STREETS = {
    "AU": [("George", "St"), ("Collins", "Street"), ("Pitt", "St"), ("Chapel", "Road"), ("Beach", "Rd"), ("Station", "Avenue")],
    "NZ": [("Queen", "Street"), ("Lambton", "Quay"), ("Ponsonby", "Road"), ("Cuba", "St"), ("Dominion", "Road")],
    "PH": [("Rizal", "Ave"), ("Ayala", "Avenue"), ("Taft", "Ave"), ("Quezon", "Blvd")],
    "IN": [("MG", "Road"), ("Linking", "Road"), ("Park", "Street"), ("Anna", "Salai")],
}
AU_PLACES = [("Sydney", "NSW", "2000"), ("Parramatta", "NSW", "2150"), ("Melbourne", "VIC", "3000"),
             ("Geelong", "VIC", "3220"), ("Brisbane", "QLD", "4000"), ("Perth", "WA", "6000"),
             ("Adelaide", "SA", "5000"), ("Hobart", "TAS", "7000"), ("Canberra", "ACT", "2600"),
             ("Darwin", "NT", "0800")]
NZ_PLACES = [("Auckland", "1010"), ("Wellington", "6011"), ("Christchurch", "8011"), ("Hamilton", "3204"),
             ("Dunedin", "9016")]
JP_PLACES = ["東京都渋谷区神宮前", "大阪府大阪市北区梅田", "愛知県名古屋市中区栄", "神奈川県横浜市西区みなとみらい",
             "福岡県福岡市博多区博多駅前", "北海道札幌市中央区北一条西"]
SG_STREETS = ["Ang Mo Kio Ave 3", "Tampines St 81", "Bedok North Rd", "Jurong West St 52", "Toa Payoh Lor 1"]
TH_PLACES = [("Sukhumvit Rd", "Khlong Toei, Bangkok", "10110"), ("Ratchadaphisek Rd", "Din Daeng, Bangkok", "10400"),
             ("Nimmanhaemin Rd", "Mueang, Chiang Mai", "50200")]
TH_NATIVE = ["ถนนสุขุมวิท แขวงคลองตัน เขตคลองเตย กรุงเทพมหานคร 10110", "ถนนพหลโยธิน แขวงสามเสนใน เขตพญาไท กรุงเทพมหานคร 10400"]
ID_PLACES = [("Jl. Sudirman", "Jakarta Pusat", "10220"), ("Jl. Gatot Subroto", "Jakarta Selatan", "12930"),
             ("Jl. Asia Afrika", "Bandung", "40111"), ("Jl. Pemuda", "Surabaya", "60271")]
PH_PLACES = [("Makati City", "Metro Manila", "1200"), ("Quezon City", "Metro Manila", "1100"), ("Cebu City", "Cebu", "6000")]
MY_PLACES = [("Jalan Ampang", "50450", "Kuala Lumpur"), ("Jalan Tun Razak", "50400", "Kuala Lumpur"),
             ("Jalan SS 2/24", "47300", "Petaling Jaya, Selangor"), ("Jalan Dato Keramat", "10150", "George Town, Penang")]
IN_PLACES = [("Bengaluru", "Karnataka", "560001"), ("Mumbai", "Maharashtra", "400050"), ("Chennai", "Tamil Nadu", "600002"),
             ("New Delhi", "Delhi", "110001"), ("Kolkata", "West Bengal", "700016")]

LOREM = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore "
         "et dolore magna aliqua Ut enim ad minim veniam quis nostrud exercitation ullamco laboris nisi ut "
         "aliquip ex ea commodo consequat Duis aute irure dolor in reprehenderit in voluptate velit esse "
         "cillum dolore eu fugiat nulla pariatur Excepteur sint occaecat cupidatat non proident sunt in "
         "culpa qui officia deserunt mollit anim id est laborum").split()

VIN_TRANS = {**{str(d): d for d in range(10)},
             "A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6, "G": 7, "H": 8, "J": 1, "K": 2, "L": 3, "M": 4,
             "N": 5, "P": 7, "R": 9, "S": 2, "T": 3, "U": 4, "V": 5, "W": 6, "X": 7, "Y": 8, "Z": 9}
VIN_W = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
YEAR_CHARS = "ABCDEFGHJKLMNPRSTVWXY123456789"
NA_WMI = ["1HG", "1FA", "1G1", "2T1", "2HG", "3VW", "3N1", "4T1", "5YJ", "5NP", "1C4", "2FM"]
ASIA_WMI = ["JT2", "JTD", "JHM", "JN1", "JMB", "KMH", "KNA", "MR0", "MHF", "MA3", "MAL", "PL1", "6T1", "6FP", "7AT", "LSV"]


def vin_check(v):
    s = sum(VIN_TRANS[c] * w for c, w in zip(v, VIN_W))
    r = s % 11
    return "X" if r == 10 else str(r)


def make_vin(r, wmi=None, valid_check=True):
    wmi = wmi or r.choice(NA_WMI + ASIA_WMI)
    body = "".join(r.choice(VIN_CHARS) for _ in range(5))
    tail = r.choice(YEAR_CHARS) + r.choice(VIN_CHARS) + "".join(r.choice("0123456789") for _ in range(6))
    v = wmi + body + "0" + tail
    c = vin_check(v)
    if not valid_check:
        c = r.choice([x for x in "0123456789X" if x != c])
    return v[:8] + c + v[9:]


def make_part_number(r):
    """17-char part/stock number shaped like a VIN but failing its check digit (decoy)."""
    while True:
        v = "".join(r.choice(VIN_CHARS) for _ in range(17))
        if v[8] in "0123456789X" and vin_check(v) != v[8]:
            return v


def luhn_digit(s):
    tot = 0
    for i, ch in enumerate(reversed(s)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        tot += d
    return str((10 - tot % 10) % 10)


def luhn_ok(s):
    return luhn_digit(s[:-1]) == s[-1]


CARD_PREFIXES = [("4", 16), ("51", 16), ("53", 16), ("55", 16), ("2221", 16), ("2720", 16), ("34", 15), ("37", 15),
                 ("3530", 16), ("3589", 16), ("6011", 16), ("65", 16), ("36", 14), ("6221", 16), ("4", 19)]


def make_card(r):
    p, n = r.choice(CARD_PREFIXES)
    body = p + "".join(r.choice("0123456789") for _ in range(n - len(p) - 1))
    num = body + luhn_digit(body)
    style = r.random()
    if n == 15 and style < 0.5:
        return f"{num[:4]} {num[4:10]} {num[10:]}", num
    if n == 16 and style < 0.35:
        return " ".join(num[i:i + 4] for i in range(0, 16, 4)), num
    if n == 16 and style < 0.55:
        return "-".join(num[i:i + 4] for i in range(0, 16, 4)), num
    return num, num


def make_order_number(r):
    """16-digit order/invoice number failing Luhn (decoy)."""
    while True:
        s = r.choice("123456789") + "".join(r.choice("0123456789") for _ in range(15))
        if not luhn_ok(s):
            return s


def d(r, n):
    return "".join(r.choice("0123456789") for _ in range(n))


def make_phone(r, c, intl=None):
    """(text, country). Formats as people write them in each country."""
    intl = r.random() < 0.35 if intl is None else intl
    if c == "AU":
        if r.random() < 0.6:
            nsn = "4" + d(r, 8)
            return (f"+61 {nsn[:3]} {nsn[3:6]} {nsn[6:]}" if intl else f"0{nsn[:3]} {nsn[3:6]} {nsn[6:]}"), c
        a = r.choice("2378"); n = d(r, 8)
        return (f"+61 {a} {n[:4]} {n[4:]}" if intl else f"(0{a}) {n[:4]} {n[4:]}"), c
    if c == "NZ":
        if r.random() < 0.6:
            n = "2" + r.choice("127") + d(r, 7)
            return (f"+64 {n[:2]} {n[2:5]} {n[5:]}" if intl else f"0{n[:2]} {n[2:5]} {n[5:]}"), c
        a = r.choice("34679"); n = d(r, 7)
        return (f"+64 {a} {n[:3]} {n[3:]}" if intl else f"(0{a}) {n[:3]} {n[3:]}"), c
    if c == "JP":
        if r.random() < 0.6:
            p = r.choice(["90", "80", "70"]); n = d(r, 8)
            return (f"+81 {p}-{n[:4]}-{n[4:]}" if intl else f"0{p}-{n[:4]}-{n[4:]}"), c
        n = d(r, 8)
        return (f"+81 3-{n[:4]}-{n[4:]}" if intl else f"03-{n[:4]}-{n[4:]}"), c
    if c == "SG":
        n = r.choice("689") + d(r, 7)
        return (f"+65 {n[:4]} {n[4:]}" if intl else f"{n[:4]} {n[4:]}"), c
    if c == "TH":
        if r.random() < 0.7:
            n = r.choice("689") + d(r, 8)
            return (f"+66 {n[:2]} {n[2:5]} {n[5:]}" if intl else f"0{n[:2]}-{n[2:5]}-{n[5:]}"), c
        n = d(r, 7)
        return (f"+66 2 {n[:3]} {n[3:]}" if intl else f"02-{n[:3]}-{n[3:]}"), c
    if c == "ID":
        if r.random() < 0.7:
            n = "8" + r.choice("1235789") + d(r, r.choice([8, 9]))
            return (f"+62 {n[:3]}-{n[3:7]}-{n[7:]}" if intl else f"0{n[:3]}-{n[3:7]}-{n[7:]}"), c
        n = d(r, 8)
        return (f"+62 21 {n[:4]} {n[4:]}" if intl else f"(021) {n[:4]} {n[4:]}"), c
    if c == "PH":
        if r.random() < 0.7:
            n = "9" + d(r, 9)
            return (f"+63 {n[:3]} {n[3:6]} {n[6:]}" if intl else f"0{n[:3]} {n[3:6]} {n[6:]}"), c
        n = "8" + d(r, 7)
        return (f"+63 2 {n[:4]} {n[4:]}" if intl else f"(02) {n[:4]} {n[4:]}"), c
    if c == "MY":
        if r.random() < 0.7:
            n = "1" + r.choice("0234679") + d(r, 7)
            return (f"+60 {n[:2]}-{n[2:5]} {n[5:]}" if intl else f"0{n[:2]}-{n[2:5]} {n[5:]}"), c
        n = d(r, 8)
        return (f"+60 3-{n[:4]} {n[4:]}" if intl else f"03-{n[:4]} {n[4:]}"), c
    if c == "IN":
        n = r.choice("6789") + d(r, 9)
        return (f"+91 {n[:5]} {n[5:]}" if intl else f"{n[:5]} {n[5:]}"), c
    raise ValueError(c)


def make_serial(r):
    """Phone-like serial / batch numbers (decoys): break every plan's length or grouping."""
    k = r.random()
    if k < 0.3:
        return f"SN-{d(r, 4)}-{d(r, 4)}-{d(r, 4)}"
    if k < 0.6:
        return f"{d(r, 4)}-{d(r, 4)}-{d(r, 4)}-{d(r, 2)}"
    return f"{r.choice('123456789')}{d(r, 4)} {d(r, 5)} {d(r, 5)}"


AU_PLATE = ["LLDDLL", "DLLDLL", "LLLDDD", "DDDLLL", "DLLLDDD"]
TH_CONS = "กขคงจฉชซญฎฐฒณดตถทธนบปผพฟภมยรลวศษสหฬอฮ"
IN_STATES = ["MH", "DL", "KA", "TN", "UP", "GJ", "RJ", "WB", "KL", "TS", "AP", "HR"]
PLATE_LET = "ABCDEFGHJKLMNPRSTUVWXYZ"


def fill(r, pat):
    return "".join(r.choice(PLATE_LET) if ch == "L" else r.choice("0123456789") if ch == "D" else ch for ch in pat)


def sg_plate(r):
    pre = "S" + r.choice("BCDEFGHJKL") + r.choice(PLATE_LET)
    num = str(r.randint(1, 9999))
    lets = pre[-2:]
    vals = [ord(lets[0]) - 64, ord(lets[1]) - 64] + [int(x) for x in num.rjust(4, "0")]
    s = sum(v * w for v, w in zip(vals, [9, 4, 5, 4, 3, 2])) % 19
    return f"{pre}{num}{'AZYXUTSRPMLKJHGEDCB'[s]}"


def make_plate(r, c):
    if c == "AU":
        return fill(r, r.choice(AU_PLATE))
    if c == "NZ":
        return fill(r, "LLLDDD")
    if c == "JP":
        return f"{r.choice(['品川', '練馬', '横浜', 'なにわ', '名古屋'])} {r.randint(300, 599)} {r.choice('あいうえかきくけこさすせそたちつてとなにぬねのはひふほまみむめもやゆらりるれろわ')} {r.randint(10, 99)}-{r.randint(10, 99)}"
    if c == "SG":
        return sg_plate(r)
    if c == "TH":
        return f"{r.choice(TH_CONS)}{r.choice(TH_CONS)} {r.randint(1, 9999)} กรุงเทพมหานคร"
    if c == "ID":
        return f"{r.choice(['B', 'D', 'L', 'AB', 'DK'])} {r.randint(1, 9999)} {fill(r, r.choice(['LL', 'LLL']))}"
    if c == "PH":
        return fill(r, "LLL DDDD")
    if c == "MY":
        return f"{r.choice(['W', 'V', 'B', 'J', 'P'])}{fill(r, r.choice(['LL', 'L']))} {r.randint(1, 9999)}"
    if c == "IN":
        return f"{r.choice(IN_STATES)} {r.randint(1, 99):02d} {fill(r, r.choice(['L', 'LL']))} {d(r, 4)}"
    raise ValueError(c)


def make_address(r, c):
    if c == "AU":
        s, t = r.choice(STREETS["AU"]); p = r.choice(AU_PLACES)
        return f"{r.randint(1, 450)} {s} {t}, {p[0]} {p[1]} {p[2]}"
    if c == "NZ":
        s, t = r.choice(STREETS["NZ"]); p = r.choice(NZ_PLACES)
        return f"{r.randint(1, 300)} {s} {t}, {p[0]} {p[1]}"
    if c == "JP":
        return f"〒{d(r, 3)}-{d(r, 4)} {r.choice(JP_PLACES)}{r.randint(1, 5)}-{r.randint(1, 20)}-{r.randint(1, 30)}"
    if c == "SG":
        return f"Blk {r.randint(100, 999)} {r.choice(SG_STREETS)}, #{r.randint(2, 20):02d}-{r.randint(1, 300)}, Singapore {d(r, 6)}"
    if c == "TH":
        if r.random() < 0.3:
            return f"{r.randint(1, 999)}/{r.randint(1, 99)} {r.choice(TH_NATIVE)}"
        s, a, p = r.choice(TH_PLACES)
        return f"{r.randint(1, 999)}/{r.randint(1, 99)} {s}, {a} {p}"
    if c == "ID":
        s, a, p = r.choice(ID_PLACES)
        return f"{s} No. {r.randint(1, 200)}, {a} {p}"
    if c == "PH":
        s, t = r.choice(STREETS["PH"]); a, b, p = r.choice(PH_PLACES)
        return f"{r.randint(1, 999)} {s} {t}, {a}, {b} {p}"
    if c == "MY":
        s, p, a = r.choice(MY_PLACES)
        return f"No. {r.randint(1, 200)}, {s}, {p} {a}"
    if c == "IN":
        s, t = r.choice(STREETS["IN"]); a, b, p = r.choice(IN_PLACES)
        return f"Flat {r.randint(1, 20)}{r.choice('ABCD')}, {r.randint(1, 400)} {s} {t}, {a}, {b} {p}"
    raise ValueError(c)


def make_name(r, c):
    if c in NATIVE_NAMES and r.random() < 0.15:
        return r.choice(NATIVE_NAMES[c])
    return f"{r.choice(FIRST[c])} {r.choice(LAST[c])}"


def make_email(r, c, first=None, last=None):
    first = (first or r.choice(FIRST[c])).lower().replace(" ", "")
    last = (last or r.choice(LAST[c])).lower().replace(" ", "").replace("'", "")
    sep = r.choice([".", "_", "", "."])
    num = str(r.randint(1, 999)) if r.random() < 0.4 else ""
    return f"{first}{sep}{last}{num}@{r.choice(DOMAINS[c])}"


def make_dob(r, style=None):
    y, m, dd = r.randint(1940, 2004), r.randint(1, 12), r.randint(1, 28)
    style = style if style is not None else r.randint(0, 3)
    if style == 0:
        return f"{y:04d}-{m:02d}-{dd:02d}"
    if style == 1:
        return f"{dd:02d}/{m:02d}/{y:04d}"
    if style == 2:
        return f"{dd} {['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][m - 1]} {y}"
    return f"{dd:02d}-{m:02d}-{y:04d}"


def make_national_id(r, c):
    """(text, country) with valid check digits where the scheme has them."""
    if c == "AU":  # TFN
        w = [1, 4, 3, 7, 5, 8, 6, 9, 10]
        while True:
            n = [r.randint(0, 9) for _ in range(8)]
            for last in range(10):
                if sum(a * b for a, b in zip(n + [last], w)) % 11 == 0:
                    s = "".join(map(str, n + [last]))
                    return f"{s[:3]} {s[3:6]} {s[6:]}", c
    if c == "NZ":  # IRD
        while True:
            base = [int(x) for x in str(r.randint(10000000, 14999999))]
            s = sum(a * b for a, b in zip(base, [3, 2, 7, 6, 5, 4, 3, 2])) % 11
            ck = 0 if s == 0 else 11 - s
            if ck < 10:
                t = "".join(map(str, base)) + str(ck)
                return f"{t[:3]}-{t[3:6]}-{t[6:]}", c
    if c == "JP":  # My Number
        p = [r.randint(0, 9) for _ in range(11)]
        s = 0
        for n in range(1, 12):
            q = n + 1 if n <= 6 else n - 5
            s += p[11 - n] * q
        rem = s % 11
        ck = 0 if rem <= 1 else 11 - rem
        t = "".join(map(str, p)) + str(ck)
        return f"{t[:4]} {t[4:8]} {t[8:]}", c
    if c == "SG":  # NRIC/FIN
        pre = r.choice("STFG")
        dg = [r.randint(0, 9) for _ in range(7)]
        s = sum(a * b for a, b in zip(dg, [2, 7, 6, 5, 4, 3, 2])) + (4 if pre in "TG" else 0)
        tab = "JZIHGFEDCBA" if pre in "ST" else "XWUTRQPNMLK"
        return pre + "".join(map(str, dg)) + tab[s % 11], c
    if c == "TH":
        dg = [r.randint(1, 8)] + [r.randint(0, 9) for _ in range(11)]
        s = sum(x * (13 - i) for i, x in enumerate(dg))
        ck = (11 - s % 11) % 10
        t = "".join(map(str, dg)) + str(ck)
        return f"{t[0]}-{t[1:5]}-{t[5:10]}-{t[10:12]}-{t[12]}", c
    if c == "ID":  # NIK
        prov = r.choice([11, 12, 13, 31, 32, 33, 34, 35, 36, 51, 61, 73])
        dd = r.randint(1, 28) + (40 if r.random() < 0.5 else 0)
        return f"{prov}{r.randint(1, 79):02d}{r.randint(1, 40):02d}{dd:02d}{r.randint(1, 12):02d}{r.randint(40, 99):02d}{r.randint(1, 9999):04d}", c
    if c == "PH":  # SSS number
        return f"{r.randint(1, 99):02d}-{d(r, 7)}-{r.randint(0, 9)}", c
    if c == "MY":  # MyKad: YYMMDD-PB-###G
        pb = r.choice(["01", "05", "08", "10", "14", "21", "30", "42"])
        return f"{r.randint(50, 99):02d}{r.randint(1, 12):02d}{r.randint(1, 28):02d}-{pb}-{d(r, 4)}", c
    if c == "IN":  # Aadhaar (Verhoeff)
        dg = [r.randint(2, 9)] + [r.randint(0, 9) for _ in range(10)]
        t = "".join(map(str, dg)) + verhoeff_digit("".join(map(str, dg)))
        return f"{t[:4]} {t[4:8]} {t[8:]}", c
    raise ValueError(c)


_VD = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
       [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
       [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
       [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]]
_VP = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
       [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
       [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8]]
_VINV = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9]


def verhoeff_digit(s):
    c = 0
    for i, ch in enumerate(reversed(s)):
        c = _VD[c][_VP[(i + 1) % 8][int(ch)]]
    return str(_VINV[c])


def lorem(r, n):
    return " ".join(r.choice(LOREM) for _ in range(n))
