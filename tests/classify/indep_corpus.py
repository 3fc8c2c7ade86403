#!/usr/bin/env python3
"""indep_corpus.py - a labelled corpus built from sources independent of classify's validators.

Values come from
  * Debian's python3-fake-factory (Faker): names, addresses, phone numbers, e-mail addresses,
    payment card numbers, dates of birth and New Zealand plates of the locales it ships
    (en_AU, en_NZ, ja_JP, th_TH, id_ID, hi_IN, es_MX for Filipino names, en_GB);
  * published format specifications and their official examples, for what Faker lacks:
    plates of the Australian states (registry series), Japan, Thailand, Indonesia, the
    Philippines, Singapore, Malaysia and India; telephone numbers of PH, MY, SG, IN from
    the national numbering plans (ITU-T E.164 national plans); VINs from published WMI
    codes (SAE/ISO 3779 structure; the 49 CFR 565 check digit in North America only).
Faker values that break the country's published numbering plan (wrong length, a JP number
without its trunk 0) or plate regions are dropped, not labelled: they are Faker defects.

Written the way real systems write files: Excel CSV with a UTF-8 BOM, Thai and Japanese
headers, Buddhist-era and Japanese-era dates, local month names, a mysqldump with backslash
escapes and Indonesian columns, NDJSON logs, a pretty JSON export, gzip TSV, and free-text
service notes with local keywords - plus decoys (order numbers passing Luhn, IMEIs,
17-character hex trace ids and part numbers, Thai landlines, Indonesian 12-digit numbers).

  indep_corpus.py OUTDIR [--seed N] [--rows N]   -> files + OUTDIR/labels.tsv
"""
import gzip
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_corpus import Out  # noqa: E402


def csv_field(o, s, cat=None, country=""):
    """RFC 4180: quote fields holding the delimiter, a quote or a line break (as Excel does)."""
    if "," in s or '"' in s or "\n" in s:
        o.add('"')
        o.val(s, cat, country, raw=s.replace('"', '""'))
        o.add('"')
    else:
        o.val(s, cat, country)

try:
    from faker import Faker
except ImportError:  # Debian's package, when python3 is not Debian's
    sys.path.append("/usr/lib/python3/dist-packages")
    from faker import Faker  # noqa: E402

# ---- values from the specifications ----
# WMIs (SAE J853 / ISO 3780 assignments, as published): (wmi, North America?)
WMIS = [("1HG", True), ("1FA", True), ("2T1", True), ("3VW", True), ("5YJ", True), ("4T1", True),
        ("JHM", False), ("JTD", False), ("JN1", False), ("JM1", False), ("KMH", False), ("MPA", False),
        ("MR0", False), ("MHF", False), ("MA3", False), ("MAT", False), ("PL1", False), ("6T1", False),
        ("6G1", False), ("7A3", False), ("WVW", False), ("WBA", False), ("SAL", False), ("VF1", False),
        ("LSV", False), ("MNT", False), ("MM8", False), ("MHK", False)]
VIN_CH = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
YEAR_CH = "ABCDEFGHJKLMNPRSTVWXY123456789"
VAL = {c: i for i, c in enumerate("0123456789")}
VAL.update(dict(zip("ABCDEFGH", range(1, 9))))
VAL.update(dict(zip("JKLMN", range(1, 6))))
VAL.update({"P": 7, "R": 9})
VAL.update(dict(zip("STUVWXYZ", range(2, 10))))
WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]


def vin(r):
    wmi, na = r.choice(WMIS)
    vds = "".join(r.choice(VIN_CH) for _ in range(5))
    ninth = r.choice("0123456789X") if na else r.choice(VIN_CH)  # outside NA: any VDS character
    v = wmi + vds + ninth + r.choice(YEAR_CH) + r.choice(VIN_CH) + r.choice(VIN_CH) + \
        "".join(r.choice("0123456789") for _ in range(5))
    if na or r.random() < 0.3:  # 49 CFR 565.15 check digit (some importers use it too)
        s = sum(VAL[c] * w for c, w in zip(v, WEIGHTS)) % 11
        v = v[:8] + ("X" if s == 10 else str(s)) + v[9:]
    return v


L = "ABCDEFGHJKLMNPRSTUVWXYZ"


def letters(r, n):
    return "".join(r.choice(L) for _ in range(n))


def digits(r, n, first="123456789"):
    return r.choice(first) + "".join(r.choice("0123456789") for _ in range(n - 1))


TH_PROV = ["กรุงเทพมหานคร", "เชียงใหม่", "ชลบุรี", "นนทบุรี", "ขอนแก่น", "ภูเก็ต", "สงขลา", "นครราชสีมา"]
TH_CONS = "กขคงจฉชซญฎฐณดตถทธนบปผพฟภมยรลวศษสหฬอฮ"
JP_REGION = ["品川", "練馬", "足立", "横浜", "なにわ", "名古屋", "札幌", "福岡", "多摩", "湘南"]
JP_KANA = "あいうえかきくけこさすせそたちつてとなにぬねのはひふほまみむめもやゆよらりるろれわ"
ID_REGION = ["B", "D", "L", "N", "AB", "AD", "BK", "DK", "KT", "F", "H", "W"]
IN_STATE = ["MH", "DL", "KA", "TN", "GJ", "UP", "WB", "KL", "TS", "RJ"]
MY_PRE = ["W", "B", "P", "J", "V", "WA", "BK", "PK", "JQ", "VB"]


def sg_check(pre, num):
    a, b = (ord(pre[-2]) - 64, ord(pre[-1]) - 64) if len(pre) == 3 else (19 if pre[0] == "S" else ord(pre[0]) - 64,
                                                                        ord(pre[1]) - 64)
    d = [int(x) for x in num.rjust(4, "0")]
    return "AZYXUTSRPMLKJHGEDCB"[(a * 9 + b * 4 + d[0] * 5 + d[1] * 4 + d[2] * 3 + d[3] * 2) % 19]


def plate(r, c, fk):
    if c == "AU":
        f = r.choice(["NSW", "NSWS", "VIC", "QLD", "QLDN", "WA", "SA", "TAS", "ACT", "NT"])
        return {"NSW": lambda: f"{letters(r, 2)} {digits(r, 2, '0123456789')} {letters(r, 2)}",
                "NSWS": lambda: f"{letters(r, 3)} {digits(r, 2, '0123456789')}{letters(r, 1)}",
                "VIC": lambda: f"{digits(r, 1)}{letters(r, 2)} {digits(r, 1)}{letters(r, 2)}",
                "QLD": lambda: f"{digits(r, 3, '0123456789')} {letters(r, 3)}",
                "QLDN": lambda: f"{digits(r, 3, '0123456789')}{letters(r, 2)}{digits(r, 1)}",
                "WA": lambda: f"{digits(r, 1)}{letters(r, 3)} {digits(r, 3, '0123456789')}",
                "SA": lambda: f"S{digits(r, 3, '0123456789')} {letters(r, 3)}",
                "TAS": lambda: f"{letters(r, 1)} {digits(r, 2, '0123456789')} {letters(r, 2)}",
                "ACT": lambda: f"Y{letters(r, 2)}·{digits(r, 2, '0123456789')}{letters(r, 1)}",
                "NT": lambda: f"C{letters(r, 1)}·{digits(r, 2, '0123456789')}·{letters(r, 2)}"}[f]()
    if c == "NZ":
        return fk.license_plate()
    if c == "JP":
        serial = r.choice([f"{r.randint(10, 99)}-{r.randint(10, 99)}", f"・{r.randint(100, 999)}", f"・・{r.randint(10, 99)}"])
        return f"{r.choice(JP_REGION)} {r.randint(300, 599)} {r.choice(JP_KANA)} {serial}"
    if c == "TH":
        p = f"{r.choice(['', str(r.randint(1, 9))])}{r.choice(TH_CONS)}{r.choice(TH_CONS)}{r.choice([' ', '-'])}{r.randint(1, 9999)}"
        return p + (" " + r.choice(TH_PROV) if r.random() < 0.7 else "")
    if c == "ID":
        p = f"{r.choice(ID_REGION)} {r.randint(1, 9999)} {letters(r, r.randint(2, 3))}"
        return p.replace(" ", "") if r.random() < 0.3 else p
    if c == "PH":
        return f"{letters(r, 3)} {digits(r, 4)}"
    if c == "SG":
        pre, num = "S" + letters(r, 2), str(r.randint(1, 9999))
        return f"{pre} {num} {sg_check(pre, num)}"
    if c == "MY":
        return f"{r.choice(MY_PRE)}{letters(r, r.randint(0, 1))} {r.randint(1, 9999)}"
    if c == "IN":
        return f"{r.choice(IN_STATE)} {r.randint(1, 99):02d} {letters(r, 2)} {digits(r, 4)}"


def phone_plan(r, c):
    """Numbering-plan numbers (ITU-T national plans) for the countries Faker lacks."""
    if c == "PH":
        return r.choice([f"09{digits(r, 2, '0123456789')} {digits(r, 3)} {digits(r, 4)}",
                         f"+63 9{digits(r, 2, '0123456789')} {digits(r, 3)} {digits(r, 4)}",
                         f"(02) 8{digits(r, 3)} {digits(r, 4)}"])
    if c == "MY":
        return r.choice([f"01{r.choice('2346789')}-{digits(r, 3)} {digits(r, 4)}", f"+60 1{r.choice('2346789')}-{digits(r, 3)} {digits(r, 4)}",
                         f"03-{digits(r, 4)} {digits(r, 4)}"])
    if c == "SG":
        return r.choice([f"{r.choice('89')}{digits(r, 3, '0123456789')} {digits(r, 4)}", f"+65 {r.choice('689')}{digits(r, 3, '0123456789')} {digits(r, 4)}"])
    if c == "IN":
        return r.choice([f"9{digits(r, 4, '0123456789')} {digits(r, 5)}", f"+91 {r.choice('6789')}{digits(r, 4, '0123456789')} {digits(r, 5)}",
                         f"0{r.choice(['22', '80', '11'])} {digits(r, 4)} {digits(r, 4)}"])


PLAN = {"AU": ("61", (9, 9)), "NZ": ("64", (8, 10)), "JP": ("81", (9, 10)), "TH": ("66", (8, 9)),
        "ID": ("62", (8, 12))}


def plan_ok(c, p):
    """The published plan's NSN length (and the trunk 0 of national numbers)."""
    d = "".join(ch for ch in p if ch.isdigit())
    cc, (lo, hi) = PLAN[c]
    if p.lstrip("(").startswith("+"):
        if not d.startswith(cc):
            return False
        nsn = d[len(cc):]
        if nsn.startswith("0"):
            nsn = nsn[1:]
    elif d.startswith("0"):
        nsn = d[1:]
    else:
        return False
    if c == "TH" and len(nsn) == 8 and nsn[0] in "689":
        return False  # 8-digit numbers are landlines (2-7); mobiles have 9 digits
    return lo <= len(nsn) <= hi and "x" not in p


FK = {"AU": "en_AU", "NZ": "en_NZ", "JP": "ja_JP", "TH": "th_TH", "ID": "id_ID", "IN": "hi_IN", "PH": "es_MX",
      "MY": "id_ID", "SG": "en_GB"}


class Person:
    def __init__(self, r, fakers, c):
        fk = fakers[c]
        self.c = c
        self.name = fk.name()
        if c in PLAN:
            for _ in range(20):
                p = fk.phone_number()
                if plan_ok(c, p):
                    break
            else:
                p = None
            self.phone = p
        else:
            self.phone = phone_plan(r, c)
        self.email = fakers["AU"].email() if c != "JP" else fk.email()
        self.dob = fk.date_of_birth(minimum_age=18, maximum_age=85)
        for _ in range(20):  # Faker's 16-digit JCB uses 3500-3527, outside JCB's published 3528-3589
            self.card = fakers["AU"].credit_card_number()
            if not ("3500" <= self.card[:4] <= "3527" and len(self.card) == 16):
                break
        self.vin = vin(r)
        self.plate = plate(r, c, fk)
        self.address = self.make_address(r, fk)

    def make_address(self, r, fk):
        c = self.c
        if c in ("AU", "NZ", "ID"):
            return fk.address()
        if c == "JP":
            return f"〒{fk.zipcode()} {fk.address()}" if r.random() < 0.5 else fk.address()
        if c == "IN":
            return fk.address()
        street = fk.last_name() if c != "TH" else ""
        if c == "TH":  # Thailand Post's format: number, moo, road, tambon, amphoe, province, postcode
            return f"{r.randint(1, 999)}/{r.randint(1, 99)} หมู่ {r.randint(1, 12)} ถ.สุขุมวิท ต.บางพระ อ.ศรีราชา จ.{r.choice(TH_PROV)} {r.randint(10000, 96000)}"
        if c == "MY":
            return f"No. {r.randint(1, 200)}, Jalan {street} {r.randint(1, 30)}, {r.randint(40000, 60000)} Petaling Jaya, Selangor"
        if c == "SG":
            return f"Blk {r.randint(1, 999)} {street} Avenue {r.randint(1, 9)} #{r.randint(1, 20):02d}-{r.randint(1, 99):02d} Singapore {r.randint(100000, 829999)}"
        if c == "PH":
            return f"{r.randint(1, 999)} {street} St., Brgy. San Antonio, Makati City, {r.randint(1000, 1999)} Metro Manila"


MONTHS = {"ID": ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
                 "November", "Desember"],
          "MY": ["Januari", "Februari", "Mac", "April", "Mei", "Jun", "Julai", "Ogos", "September", "Oktober",
                 "November", "Disember"],
          "TH": ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."],
          "PH": ["Enero", "Pebrero", "Marso", "Abril", "Mayo", "Hunyo", "Hulyo", "Agosto", "Setyembre", "Oktubre",
                 "Nobyembre", "Disyembre"]}


def jp_era(d):
    for start, name, base in (((2019, 5, 1), "令和", 2019), ((1989, 1, 8), "平成", 1989), ((1926, 12, 25), "昭和", 1926)):
        if (d.year, d.month, d.day) >= start:
            n = d.year - base + 1
            return f"{name}{'元' if n == 1 else n}年{d.month}月{d.day}日"
    return f"{d.year}年{d.month}月{d.day}日"


def fmt_dob(r, c, d):
    if c == "TH":
        return r.choice([f"{d.day:02d}/{d.month:02d}/{d.year + 543}", f"{d.day} {MONTHS['TH'][d.month - 1]} {d.year + 543}"])
    if c == "JP":
        return r.choice([jp_era(d), f"{d.year}/{d.month:02d}/{d.day:02d}", f"{d.year}年{d.month}月{d.day}日"])
    if c in ("ID", "MY"):
        return r.choice([f"{d.day} {MONTHS[c][d.month - 1]} {d.year}", f"{d.year}-{d.month:02d}-{d.day:02d}"])
    if c == "PH":
        return r.choice([f"{MONTHS['PH'][d.month - 1]} {d.day}, {d.year}", f"{d.strftime('%B')} {d.day}, {d.year}"])
    if c == "IN":
        return f"{d.day:02d}-{d.month:02d}-{d.year}"
    return r.choice([f"{d.day:02d}/{d.month:02d}/{d.year}", f"{d.day} {d.strftime('%b')} {d.year}"])


def luhn_fix(num):
    s = 0
    for i, ch in enumerate(reversed(num[:-1] + "0")):
        x = int(ch)
        if i % 2 == 1:
            x = x * 2 - 9 if x > 4 else x * 2
        s += x
    return num[:-1] + str((10 - s % 10) % 10)


def decoys(r):
    """Unlabelled look-alikes (issue 11's false positives)."""
    order = luhn_fix("4" + "".join(r.choice("0123456789") for _ in range(15)))
    imei = luhn_fix("35" + "".join(r.choice("0123456789") for _ in range(13)))
    trace = "".join(r.choice("0123456789ABCDEF") for _ in range(17))
    part = "".join(r.choice("0123456789ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(17))
    return r.choice([f"Order {order} shipped", f"IMEI {imei} registered", f"trace={trace}", f"part {part} fitted",
                     f"ref {trace}", f"invoice {order}"])


def tfn_ok(d):
    """ATO's TFN check: weights 1,4,3,7,5,8,6,9,10, sum divisible by 11."""
    return sum(int(c) * w for c, w in zip(d, (1, 4, 3, 7, 5, 8, 6, 9, 10))) % 11 == 0


def mynumber_ok(d):
    """My Number check digit (Cabinet Office ordinance No. 85 of 2014, art. 5)."""
    s = sum(int(d[11 - k]) * (k + 1 if k <= 6 else k - 5) for k in range(1, 12))
    return int(d[11]) == (0 if s % 11 <= 1 else 11 - s % 11)


def id_lookalikes(r, n=12):
    """Issue 11's national-ID false positives as value pools: Thai provincial landlines
    (NBTC plan: 0 + 2-digit area + 6 digits, written 0xx xxx xxx) that are valid TFNs, and
    Indonesian mobiles (0 + 8xx + 8 digits, written 08xx xxxx xxxx) that are valid My
    Numbers. The same values are real IDs in Australian and Japanese records."""
    th, idn = [], []
    while len(th) < n:
        d = "0" + r.choice(["32", "34", "38", "44", "53", "74", "76"]) + digits(r, 6, "0123456789")
        if tfn_ok(d):
            th.append(f"{d[:3]} {d[3:6]} {d[6:]}")
    while len(idn) < n:
        d = "08" + r.choice(["11", "12", "13", "21", "52", "53", "57", "77"]) + digits(r, 8, "0123456789")
        if mynumber_ok(d):
            idn.append(f"{d[:4]} {d[4:8]} {d[8:]}")
    return th, idn


def intl_mobile(r, c):
    """A mobile number in international format (the national plans' mobile ranges)."""
    return {"AU": lambda: f"+61 4{digits(r, 2, '0123456789')} {digits(r, 3)} {digits(r, 3)}",
            "TH": lambda: f"+66 {r.choice('689')}{r.choice('0123456789')} {digits(r, 3)} {digits(r, 4)}",
            "ID": lambda: f"+62 8{r.choice('12357')}{r.choice('0123456789')}-{digits(r, 4)}-{digits(r, 4)}",
            "JP": lambda: f"+81 {r.choice(['70', '80', '90'])}-{digits(r, 4)}-{digits(r, 4)}"}[c]()


def write_coherence(outdir, r, fakers, labels, rows):
    """Loan applications of AU, TH, ID and JP customers (a notes file and a CSV): the
    value after the applicant's reference word is a TFN or My Number in Australian and
    Japanese records (labelled national_id; with the scheme's keyword or without) and,
    with the same digits, a landline or mobile in Thai and Indonesian ones (labelled
    optional phone_number: a national-format number without phone context, which
    classify does not claim to find; counted against precision if read as an ID)."""
    th, idn = id_lookalikes(r)
    words = {"AU": ["TFN ", "supplied "], "JP": ["マイナンバー ", "確認済 "], "TH": ["บ้าน ", "office "],
             "ID": ["kantor ", "rumah "]}
    head = {"AU": "Finance application: ", "JP": "ローン申込: ", "TH": "ใบสมัครสินเชื่อ: ", "ID": "Pengajuan kredit: "}

    def special(o, c):
        v = r.choice(th if c in ("AU", "TH") else idn)
        o.add(r.choice(words[c]))
        o.val(v, "national_id" if c in ("AU", "JP") else "?phone_number", c)

    o = Out("finance_notes.txt", labels)
    for _ in range(rows):
        c = r.choice(["AU", "TH", "ID", "JP"])
        o.add(head[c])
        special(o, c)
        o.add("; mobile "); o.val(intl_mobile(r, c), "phone_number", c)
        o.add("; email "); o.val(fakers[c].email(), "email_address", c); o.add(".\n")
    o.save(outdir)
    o = Out("finance_applications.csv", labels)
    o.add("Remarks,Mobile,Email\r\n")  # the country comes after the number
    for _ in range(rows):
        c = r.choice(["AU", "TH", "ID", "JP"])
        special(o, c); o.add(",")
        o.val(intl_mobile(r, c), "phone_number", c); o.add(",")
        o.val(fakers[c].email(), "email_address", c); o.add("\r\n")
    o.save(outdir)


def write_all(outdir, seed=11, rows=220):
    os.makedirs(outdir, exist_ok=True)
    r = random.Random(seed)
    fakers = {}
    for c, loc in FK.items():
        f = Faker(loc)
        f.seed_instance(seed + len(fakers))
        fakers[c] = f
    labels = []

    def people(cs, n):
        return [Person(r, fakers, r.choice(cs)) for _ in range(n)]

    # 1. Excel CSV (UTF-8 BOM), English headers: AU/NZ dealer export, multi-line addresses
    o = Out("au_nz_dealer.csv", labels)
    o.add("\ufeffCustomer Name,Address,Mobile,Email,DOB,Rego,VIN,Card Number,Notes\r\n")
    for p in people(["AU", "NZ"], rows):
        csv_field(o, p.name, "person_name", p.c); o.add(",")
        csv_field(o, p.address, "postal_address", p.c); o.add(",")
        csv_field(o, p.phone or "", "phone_number" if p.phone else None, p.c); o.add(",")
        csv_field(o, p.email, "email_address", p.c); o.add(",")
        csv_field(o, fmt_dob(r, p.c, p.dob), "date_of_birth", p.c); o.add(",")
        csv_field(o, p.plate, "vehicle_registration", p.c); o.add(",")
        csv_field(o, p.vin, "vin", p.c); o.add(",")
        csv_field(o, p.card, "credit_card", p.c); o.add(",")
        csv_field(o, decoys(r)); o.add("\r\n")
    o.save(outdir)
    # 2. Thai headers, Buddhist-era dates
    o = Out("th_customers.csv", labels)
    o.add("\ufeffชื่อลูกค้า,ที่อยู่,เบอร์โทร,วันเกิด,ทะเบียน,เลขตัวถัง,อีเมล\r\n")
    for p in people(["TH"], rows // 2):
        csv_field(o, p.name, "person_name", "TH"); o.add(",")
        csv_field(o, p.address, "postal_address", "TH"); o.add(",")
        csv_field(o, p.phone or "", "phone_number" if p.phone else None, "TH"); o.add(",")
        csv_field(o, fmt_dob(r, "TH", p.dob), "date_of_birth", "TH"); o.add(",")
        csv_field(o, p.plate, "vehicle_registration", "TH"); o.add(",")
        csv_field(o, p.vin, "vin", "TH"); o.add(",")
        csv_field(o, p.email, "email_address", "TH"); o.add("\r\n")
    o.save(outdir)
    # 3. Japanese headers, era dates, honorifics, gzip TSV
    o = Out("jp_customers.tsv.gz", labels)
    o.add("お客様名\t住所\t電話番号\t生年月日\t登録番号\t車台番号\tメールアドレス\n")
    for p in people(["JP"], rows // 2):
        nm = p.name + ("様" if r.random() < 0.3 else "")
        o.val(nm, "person_name", "JP"); o.add("\t")
        o.val(p.address, "postal_address", "JP"); o.add("\t")
        o.val(p.phone or "", "phone_number" if p.phone else None, "JP"); o.add("\t")
        o.val(fmt_dob(r, "JP", p.dob), "date_of_birth", "JP"); o.add("\t")
        o.val(p.plate, "vehicle_registration", "JP"); o.add("\t")
        o.val(p.vin, "vin", "JP"); o.add("\t")
        o.val(p.email, "email_address", "JP"); o.add("\n")
    o.save(outdir, gz=True)
    # 4. mysqldump, Indonesian columns, backslash escapes, extended INSERT
    o = Out("id_dealer.sql", labels)
    o.add("-- MySQL dump 10.13  Distrib 8.0.36\n/*!40101 SET NAMES utf8mb4 */;\n"
          "CREATE TABLE `pelanggan` (\n  `id` int NOT NULL,\n  `nama` varchar(100),\n  `alamat` text,\n"
          "  `no_hp` varchar(20),\n  `tanggal_lahir` varchar(30),\n  `no_polisi` varchar(12),\n  `no_rangka` char(17),\n"
          "  `no_kartu_kredit` varchar(19),\n  `catatan` text,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB;\n")
    ps = people(["ID", "MY"], rows)
    for start in range(0, len(ps), 50):
        o.add("INSERT INTO `pelanggan` VALUES ")
        for i, p in enumerate(ps[start:start + 50]):
            def sq(s, cat=None):
                esc = s.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n")
                o.add("'")
                o.val(s, cat, p.c, raw=esc)
                o.add("'")
            o.add("," if i else "")
            o.add(f"({start + i},")
            nm = p.name if r.random() > 0.15 else p.name.split()[0] + " O'" + p.name.split()[-1]
            sq(nm, "person_name"); o.add(",")
            sq(p.address, "postal_address"); o.add(",")
            sq(p.phone or "", "phone_number" if p.phone else None); o.add(",")
            sq(fmt_dob(r, p.c, p.dob), "date_of_birth"); o.add(",")
            sq(p.plate, "vehicle_registration"); o.add(",")
            sq(p.vin, "vin"); o.add(",")
            sq(p.card, "credit_card"); o.add(",")
            sq(decoys(r)); o.add(")")
        o.add(";\n")
    o.save(outdir)
    # 5. NDJSON service events (PH, SG, MY, IN), English keys
    o = Out("events.ndjson", labels)
    for i, p in enumerate(people(["PH", "SG", "MY", "IN"], rows)):
        def js(k, v, cat=None, last=False):
            o.add(json.dumps(k) + ": ")
            raw = json.dumps(v, ensure_ascii=False)
            o.add('"')
            o.val(v, cat, p.c, raw=raw[1:-1])
            o.add('"' + ("" if last else ", "))
        o.add('{"ts": "2024-05-0%dT10:00:00Z", "event": "service.booked", "customer": {' % (1 + i % 9))
        js("fullName", p.name, "person_name")
        js("phone", p.phone, "phone_number")
        js("email", p.email, "email_address")
        js("birthDate", fmt_dob(r, p.c, p.dob), "date_of_birth", last=True)
        o.add('}, "vehicle": {')
        js("vin", p.vin, "vin")
        js("plateNumber", p.plate, "vehicle_registration", last=True)
        o.add('}, "traceId": "%s"}\n' % "".join(r.choice("0123456789ABCDEF") for _ in range(17)))
    o.save(outdir)
    # 6. free-text service notes, local keywords
    o = Out("service_notes.txt", labels)
    for p in people(["AU", "NZ", "TH", "JP", "ID", "MY", "PH", "SG", "IN"], rows):
        c = p.c
        d = fmt_dob(r, c, p.dob)
        if c == "TH":
            o.add("ลูกค้า คุณ"); o.val(p.name, "person_name", c)
            if p.phone:
                o.add(" โทร "); o.val(p.phone, "phone_number", c)
            o.add(" ทะเบียน "); o.val(p.plate, "vehicle_registration", c)
            o.add(" วันเกิด: "); o.val(d, "date_of_birth", c)
            o.add(" เลขตัวถัง "); o.val(p.vin, "vin", c)
        elif c == "JP":
            o.add("お客様 "); o.val(p.name, "person_name", c); o.add("様 ")
            if p.phone:
                o.add("電話 "); o.val(p.phone, "phone_number", c)
            o.add(" ナンバー "); o.val(p.plate, "vehicle_registration", c)
            o.add(" 生年月日："); o.val(d, "date_of_birth", c)
            o.add(" 車台番号 "); o.val(p.vin, "vin", c)
        elif c in ("ID", "MY"):
            o.add("Pelanggan " + r.choice(["Bapak ", "Ibu ", "Encik ", ""])); o.val(p.name, "person_name", c)
            if p.phone:
                o.add(", HP "); o.val(p.phone, "phone_number", c)
            o.add(", nopol "); o.val(p.plate, "vehicle_registration", c)
            o.add(", tanggal lahir "); o.val(d, "date_of_birth", c)
            o.add(", no rangka "); o.val(p.vin, "vin", c)
            o.add(", alamat: "); o.val(p.address.replace("\n", ", "), "postal_address", c)
        else:
            o.add(r.choice(["Customer ", "Owner ", ""]) + r.choice(["Mr ", "Mrs ", "Ms. ", "Dr "]))
            o.val(p.name.split()[-1] if r.random() < 0.3 else p.name, "person_name", c)
            if p.phone:
                o.add(" called from "); o.val(p.phone, "phone_number", c)
            o.add(" about rego "); o.val(p.plate, "vehicle_registration", c)
            o.add(r.choice(["; DOB ", ". Date of birth: ", ", born "])); o.val(d, "date_of_birth", c)
            o.add(". VIN "); o.val(p.vin, "vin", c)
            o.add(", email "); o.val(p.email, "email_address", c)
        o.add(". " + decoys(r) + ".\n")
    o.save(outdir)
    # 7. loan applications: national-ID look-alikes of other countries (country coherence)
    write_coherence(outdir, r, fakers, labels, rows // 2)
    with open(os.path.join(outdir, "labels.tsv"), "w", encoding="utf-8") as f:
        for lab in labels:
            f.write("\t".join(str(x) for x in lab) + "\n")
    return labels


if __name__ == "__main__":
    a = sys.argv[1:]
    seed = int(a[a.index("--seed") + 1]) if "--seed" in a else 11
    rows = int(a[a.index("--rows") + 1]) if "--rows" in a else 220
    n = write_all(a[0], seed, rows)
    print(f"{len(n)} labels")
