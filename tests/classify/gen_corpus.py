#!/usr/bin/env python3
"""gen_corpus.py - labelled corpus for `cloudwarden classify`.

  gen_corpus.py accuracy OUTDIR [--seed N] [--rows N]
      Writes several files in the formats classify reads (CSV, gzip TSV, NDJSON, pretty JSON,
      SQL dump with INSERT and COPY, application log, free text) plus OUTDIR/labels.tsv:
      one line per real value: file, byte offset, byte length, category, country/region.
      Offsets are in the decompressed bytes. Decoys (part numbers failing the VIN check,
      order numbers failing Luhn, phone-like serials, lorem text) are not labelled.

  gen_corpus.py bench OUTFILE SIZE_MB [--seed N]
      PII-dense CSV for the benchmark: every row a customer of a dealer.
"""
import gzip
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pii_data as P  # noqa: E402


class Out:
    """Byte-accurate writer: remembers where each labelled value lands."""

    def __init__(self, name, labels):
        self.name, self.labels, self.parts, self.off = name, labels, [], 0

    def add(self, s):
        b = s.encode("utf-8")
        self.parts.append(b)
        self.off += len(b)

    def val(self, s, cat=None, country="", raw=None):
        """Write s (already escaped for the format as raw, if given) and label it."""
        text = raw if raw is not None else s
        if cat:
            self.labels.append((self.name, self.off, len(text.encode("utf-8")), cat, country))
        self.add(text)

    def save(self, outdir, gz=False):
        data = b"".join(self.parts)
        path = os.path.join(outdir, self.name)
        if gz:
            with gzip.open(path, "wb") as f:
                f.write(data)
        else:
            with open(path, "wb") as f:
                f.write(data)


def vin_region(v):
    return "NA" if v[0] in "12345" else "OTHER"


def csv_field(o, s, cat=None, country="", sep=","):
    if sep in s or '"' in s:
        o.add('"')
        o.val(s, cat, country, raw=s.replace('"', '""'))
        o.add('"')
    else:
        o.val(s, cat, country)


def note_text(r, o, c, sep):
    """Free-text note: lorem, decoys, sometimes a phone with a keyword."""
    k = r.random()
    if k < 0.25:
        ph, _ = P.make_phone(r, c)
        o.add('"' if sep == "," else "")
        o.add("Customer asked for a call back on ")
        o.val(ph, "phone_number", c)
        o.add(" re: " + P.lorem(r, 3))
        o.add('"' if sep == "," else "")
    elif k < 0.5:
        o.add(f"S/N {P.make_serial(r)} replaced; batch {P.make_serial(r)}")
    elif k < 0.7:
        o.add(P.lorem(r, 8))
    else:
        o.add(f"part {P.make_part_number(r)} ordered ref {P.make_order_number(r)}")


def gen_dealer_csv(r, outdir, labels, rows):
    o = Out("dealer_customers.csv", labels)
    o.add("customer_id,first_name,last_name,email,mobile,address,country,vin,rego,date_of_birth,"
          "last_service,odometer_km,part_no,order_no,notes\n")
    for i in range(rows):
        c = r.choice(P.COUNTRIES)
        fn, ln = r.choice(P.FIRST[c]), r.choice(P.LAST[c])
        o.add(f"C{100000 + i},")
        csv_field(o, fn, "person_name", c); o.add(",")
        csv_field(o, ln, "person_name", c); o.add(",")
        o.val(P.make_email(r, c, fn, ln), "email_address", c); o.add(",")
        ph, _ = P.make_phone(r, c)
        o.val(ph, "phone_number", c); o.add(",")
        csv_field(o, P.make_address(r, c), "postal_address", c); o.add(",")
        o.add(c + ",")
        v = P.make_vin(r)
        o.val(v, "vin", vin_region(v)); o.add(",")
        csv_field(o, P.make_plate(r, c), "vehicle_registration", c); o.add(",")
        o.val(P.make_dob(r, r.choice([0, 1])), "date_of_birth", c); o.add(",")
        o.add(f"2024-{r.randint(1, 12):02d}-{r.randint(1, 28):02d},{r.randint(100, 250000)},")
        o.add(P.make_part_number(r) + "," + P.make_order_number(r) + ",")
        note_text(r, o, c, ",")
        o.add("\n")
    o.save(outdir)


def gen_service_tsv(r, outdir, labels, rows):
    o = Out("service_history.tsv.gz", labels)
    o.add("Customer Name\tPhone Number\tE-mail\tChassis No\tPlate\tDOB\tAddress\tWork Order\t"
          "Part Number\tSerial No\tTechnician notes\n")
    for _ in range(rows):
        c = r.choice(P.COUNTRIES)
        o.val(P.make_name(r, c), "person_name", c); o.add("\t")
        ph, _ = P.make_phone(r, c)
        o.val(ph, "phone_number", c); o.add("\t")
        o.val(P.make_email(r, c), "email_address", c); o.add("\t")
        v = P.make_vin(r)
        o.val(v, "vin", vin_region(v)); o.add("\t")
        o.val(P.make_plate(r, c), "vehicle_registration", c); o.add("\t")
        o.val(P.make_dob(r), "date_of_birth", c); o.add("\t")
        o.val(P.make_address(r, c), "postal_address", c); o.add("\t")
        o.add(P.make_order_number(r) + "\t" + P.make_part_number(r) + "\t" + P.make_serial(r) + "\t")
        o.add(P.lorem(r, 6) + "\n")
    o.save(outdir, gz=True)


def jstr(o, s, cat=None, country=""):
    enc = json.dumps(s, ensure_ascii=False)
    o.add('"')
    o.val(s, cat, country, raw=enc[1:-1])
    o.add('"')


def gen_ndjson(r, outdir, labels, rows):
    o = Out("customers.ndjson", labels)
    for i in range(rows):
        c = r.choice(P.COUNTRIES)
        fn, ln = r.choice(P.FIRST[c]), r.choice(P.LAST[c])
        o.add('{"id":%d,"customer":{"name":{"given":' % (i + 1))
        jstr(o, fn, "person_name", c)
        o.add(',"family":')
        jstr(o, ln, "person_name", c)
        o.add('},"contact":{"email":')
        jstr(o, P.make_email(r, c, fn, ln), "email_address", c)
        o.add(',"phone":')
        jstr(o, P.make_phone(r, c)[0], "phone_number", c)
        o.add('},"address":')
        jstr(o, P.make_address(r, c), "postal_address", c)
        o.add(',"birth_date":')
        jstr(o, P.make_dob(r, 0), "date_of_birth", c)
        o.add('},"vehicle":{"vin":')
        v = P.make_vin(r)
        jstr(o, v, "vin", vin_region(v))
        o.add(',"registration":')
        jstr(o, P.make_plate(r, c), "vehicle_registration", c)
        o.add(',"model":"Corolla Hybrid"},"dealer":{"name":')
        jstr(o, r.choice(["Sydney City Toyota", "Auckland Motors", "Osaka Auto Plaza", "Bangkok Motor Works"]))
        o.add(',"phone":')
        jstr(o, P.make_phone(r, c, intl=True)[0], "phone_number", c)
        o.add('},"parts":[')
        jstr(o, P.make_part_number(r))
        o.add(",")
        jstr(o, P.make_part_number(r))
        o.add('],"order":{"number":')
        jstr(o, P.make_order_number(r))
        o.add(',"comment":')
        jstr(o, P.lorem(r, 5))
        o.add("}}\n")
    o.save(outdir)


def gen_pretty_json(r, outdir, labels, rows):
    o = Out("export.json", labels)
    o.add('{\n  "exported": "2024-06-01T00:00:00Z",\n  "records": [\n')
    for i in range(rows):
        c = r.choice(P.COUNTRIES)
        o.add('    {\n      "ownerName": ')
        jstr(o, P.make_name(r, c), "person_name", c)
        o.add(',\n      "contactPhone": ')
        jstr(o, P.make_phone(r, c)[0], "phone_number", c)
        o.add(',\n      "emailAddress": ')
        jstr(o, P.make_email(r, c), "email_address", c)
        o.add(',\n      "vehicleIdentificationNumber": ')
        v = P.make_vin(r)
        jstr(o, v, "vin", vin_region(v))
        o.add(',\n      "licensePlate": ')
        jstr(o, P.make_plate(r, c), "vehicle_registration", c)
        o.add(',\n      "homeAddress": ')
        jstr(o, P.make_address(r, c), "postal_address", c)
        o.add(',\n      "partNumber": ')
        jstr(o, P.make_part_number(r))
        o.add(',\n      "serial": ')
        jstr(o, P.make_serial(r))
        o.add(',\n      "odometer": %d\n    }%s\n' % (r.randint(10, 300000), "," if i + 1 < rows else ""))
    o.add("  ]\n}\n")
    o.save(outdir)


def sq(o, s, cat=None, country=""):
    o.add("'")
    o.val(s, cat, country, raw=s.replace("'", "''"))
    o.add("'")


def gen_sql(r, outdir, labels, rows):
    o = Out("dms_dump.sql", labels)
    o.add("-- dealer management system dump\nSET NAMES utf8mb4;\n\n"
          "CREATE TABLE `customers` (\n  `id` int NOT NULL,\n  `full_name` varchar(120) DEFAULT NULL,\n"
          "  `email` varchar(200),\n  `phone` varchar(40),\n  `address` text,\n  `dob` date,\n"
          "  `national_id` varchar(30),\n  `order_ref` varchar(20),\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB;\n\n")
    i = 0
    while i < rows:
        o.add("INSERT INTO `customers` VALUES ")
        for j in range(min(50, rows - i)):
            c = r.choice(P.COUNTRIES)
            o.add("," if j else "")
            o.add(f"({i + 1},")
            sq(o, P.make_name(r, c), "person_name", c); o.add(",")
            sq(o, P.make_email(r, c), "email_address", c); o.add(",")
            sq(o, P.make_phone(r, c)[0], "phone_number", c); o.add(",")
            sq(o, P.make_address(r, c), "postal_address", c); o.add(",")
            sq(o, P.make_dob(r, 0), "date_of_birth", c); o.add(",")
            nid, _ = P.make_national_id(r, c)
            sq(o, nid, "national_id", c); o.add(",")
            sq(o, P.make_order_number(r)); o.add(")")
            i += 1
        o.add(";\n")
    o.add("\nCREATE TABLE payments (id integer, cardholder text, card_number text, order_no text, amount numeric);\n")
    o.add("INSERT INTO payments (id, cardholder, card_number, order_no, amount) VALUES\n")
    n = max(rows // 2, 10)
    for k in range(n):
        c = r.choice(P.COUNTRIES)
        o.add(f"({k + 1}, ")
        sq(o, P.make_name(r, c), "person_name", c); o.add(", ")
        txt, _ = P.make_card(r)
        sq(o, txt, "credit_card", c); o.add(", ")
        sq(o, P.make_order_number(r)); o.add(f", {r.randint(10, 9000)}.{r.randint(0, 99):02d})")
        o.add(",\n" if k + 1 < n else ";\n")
    o.add("\nCOPY public.vehicles (id, vin, plate_no, owner_name, part_no, odometer) FROM stdin;\n")
    for k in range(rows):
        c = r.choice(P.COUNTRIES)
        o.add(f"{k + 1}\t")
        v = P.make_vin(r)
        o.val(v, "vin", vin_region(v)); o.add("\t")
        o.val(P.make_plate(r, c), "vehicle_registration", c); o.add("\t")
        o.val(P.make_name(r, c), "person_name", c); o.add("\t")
        o.add(P.make_part_number(r) + f"\t{r.randint(1, 300000)}\n")
    o.add("\\.\n\n")
    o.save(outdir)


def gen_payments_csv(r, outdir, labels, rows):
    o = Out("payments.csv", labels)
    o.add("payment_id,cardholder,card_number,order_number,amount,email\n")
    for i in range(rows):
        c = r.choice(P.COUNTRIES)
        o.add(f"P{i:06d},")
        csv_field(o, P.make_name(r, c), "person_name", c); o.add(",")
        o.val(P.make_card(r)[0], "credit_card", c); o.add(",")
        o.add(P.make_order_number(r) + f",{r.randint(10, 5000)}.{r.randint(0, 99):02d},")
        o.val(P.make_email(r, c), "email_address", c); o.add("\n")
    o.save(outdir)


def gen_ids_csv(r, outdir, labels, rows):
    o = Out("kyc_ids.csv", labels)
    o.add("customer_id;name;country;national_id;date_of_birth\n")
    for i in range(rows):
        c = r.choice(P.COUNTRIES)
        o.add(f"K{i};")
        o.val(P.make_name(r, c), "person_name", c); o.add(f";{c};")
        nid, _ = P.make_national_id(r, c)
        o.val(nid, "national_id", c); o.add(";")
        o.val(P.make_dob(r, 3), "date_of_birth", c); o.add("\n")
    o.save(outdir)


def gen_log(r, outdir, labels, rows):
    o = Out("app.log", labels)
    for i in range(rows):
        c = r.choice(P.COUNTRIES)
        o.add(f"2024-05-{r.randint(1, 28):02d}T{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}Z ")
        k = r.random()
        if k < 0.3:
            o.add('INFO booking.created customer="')
            o.val(P.make_name(r, c), "person_name", c)
            o.add('" email=')
            o.val(P.make_email(r, c), "email_address", c)
            o.add(" phone=")
            o.val(P.make_phone(r, c)[0], "phone_number", c)
            o.add(" vin=")
            v = P.make_vin(r)
            o.val(v, "vin", vin_region(v))
            o.add(' rego="')
            o.val(P.make_plate(r, c), "vehicle_registration", c)
            o.add('"\n')
        elif k < 0.45:
            o.add("WARN payment.declined card=")
            o.val(P.make_card(r)[0], "credit_card", c)
            o.add(f" order={P.make_order_number(r)} amount={r.randint(10, 999)}.00\n")
        elif k < 0.6:
            o.add("INFO sms.sent to ")
            o.val(P.make_phone(r, c, intl=True)[0], "phone_number", c)
            o.add(f" template=service_reminder batch={P.make_serial(r)}\n")
        elif k < 0.8:
            o.add(f"DEBUG inventory.sync part={P.make_part_number(r)} serial={P.make_serial(r)} "
                  f"order={P.make_order_number(r)} {P.lorem(r, 4)}\n")
        else:
            o.add("INFO mail.bounce recipient=<")
            o.val(P.make_email(r, c), "email_address", c)
            o.add("> reason=" + P.lorem(r, 3) + "\n")
    o.save(outdir)


def gen_text(r, outdir, labels, rows):
    o = Out("notes.txt", labels)
    for i in range(rows):
        c = r.choice(P.COUNTRIES)
        k = r.random()
        if k < 0.6:
            o.add(P.lorem(r, r.randint(8, 30)).capitalize() + ". ")
            if r.random() < 0.3:
                o.add(f"Ref {P.make_order_number(r)}, part {P.make_part_number(r)}, S/N {P.make_serial(r)}. ")
            o.add("\n")
        else:
            o.add("Please contact the owner at ")
            o.val(P.make_email(r, c), "email_address", c)
            o.add(" or phone ")
            o.val(P.make_phone(r, c, intl=True)[0], "phone_number", c)
            o.add(". The car (VIN ")
            v = P.make_vin(r, wmi=r.choice(P.NA_WMI))
            o.val(v, "vin", vin_region(v))
            o.add(") is ready.\n")
    o.add("\n")
    o.save(outdir)


def messy_phone(r, c):
    """Phone numbers as people really type them."""
    ph, _ = P.make_phone(r, c, intl=r.random() < 0.5)
    k = r.random()
    if k < 0.25:
        return ph.replace(" ", "-")
    if k < 0.5 and not ph.startswith("+"):
        return "".join(ch for ch in ph if ch.isdigit())  # 0412345678
    if k < 0.6 and ph.startswith("+61 4"):
        return "+61 (0)4" + ph[5:]
    return ph


def decoy_cells(r):
    h = "%032X" % r.getrandbits(128)
    uuid = "%08x-%04x-%04x-%04x-%012x" % (r.getrandbits(32), r.getrandbits(16), r.getrandbits(16),
                                           r.getrandbits(16), r.getrandbits(48))
    ip = ".".join(str(r.randint(1, 254)) for _ in range(4))
    ts = f"2024-{r.randint(1, 12):02d}-{r.randint(1, 28):02d} {r.randint(0, 23):02d}:{r.randint(0, 59):02d}:00"
    track = "".join(r.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(17))
    return [h, uuid, ip, ts, track, str(r.randint(10**16, 10**17 - 1))]


def gen_messy_csv(r, outdir, labels, rows):
    """Export with mixed spellings, case, separators, empty and N/A cells, and decoy columns
    (hashes, UUIDs, IPs, timestamps, 17-character tracking codes, 17-digit numbers)."""
    o = Out("crm_export.csv", labels)
    o.add("Cust No,Given Name,Surname,EMAIL,Tel,Street Address,Car Rego,Chassis Number,Birthday,"
          "sha1,uuid,client_ip,updated_at,tracking_code,ledger_ref,Comment\n")
    for i in range(rows):
        c = r.choice(P.COUNTRIES)
        fn, ln = r.choice(P.FIRST[c]), r.choice(P.LAST[c])
        o.add(f"{900000 + i},")
        if r.random() < 0.1:
            o.add("N/A,")
        else:
            csv_field(o, fn.upper() if r.random() < 0.3 else fn, "person_name", c); o.add(",")
        csv_field(o, ln, "person_name", c); o.add(",")
        e = P.make_email(r, c, fn, ln)
        o.val(e.upper() if r.random() < 0.2 else e, "email_address", c); o.add(",")
        if r.random() < 0.08:
            o.add(",")
        else:
            csv_field(o, messy_phone(r, c), "phone_number", c); o.add(",")
        a = P.make_address(r, c)
        csv_field(o, a.lower() if r.random() < 0.2 else a, "postal_address", c); o.add(",")
        pl = P.make_plate(r, c)
        if r.random() < 0.4 and len(pl) == 6 and (pl[:3].isalpha() and pl[3:].isdigit() or
                                                  pl[:3].isdigit() and pl[3:].isalpha()):
            pl = pl[:3] + r.choice("- ") + pl[3:]  # ABC-123, 123 ABC
        csv_field(o, pl, "vehicle_registration", c); o.add(",")
        v = P.make_vin(r)
        o.val(v, "vin", vin_region(v)); o.add(",")
        o.val(P.make_dob(r, r.choice([0, 1, 2])).replace("-", "/") if r.random() < 0.3 else P.make_dob(r), "date_of_birth", c)
        o.add(",")
        o.add(",".join(decoy_cells(r)) + ",")
        o.add('"' + P.lorem(r, 5) + ", ok" + '"' if r.random() < 0.5 else "")
        o.add("\n")
    o.save(outdir)


def accuracy(outdir, seed=7, rows=1500):
    os.makedirs(outdir, exist_ok=True)
    r = random.Random(seed)
    labels = []
    gen_dealer_csv(r, outdir, labels, rows)
    gen_service_tsv(r, outdir, labels, rows // 2)
    gen_ndjson(r, outdir, labels, rows)
    gen_pretty_json(r, outdir, labels, rows // 3)
    gen_sql(r, outdir, labels, rows // 2)
    gen_payments_csv(r, outdir, labels, rows // 2)
    gen_ids_csv(r, outdir, labels, rows // 2)
    gen_log(r, outdir, labels, rows)
    gen_text(r, outdir, labels, rows // 2)
    gen_messy_csv(r, outdir, labels, rows)
    with open(os.path.join(outdir, "labels.tsv"), "w", encoding="utf-8") as f:
        for lab in labels:
            f.write("\t".join(map(str, lab)) + "\n")
    return labels


def bench(outfile, size_mb, seed=11):
    r = random.Random(seed)
    target = int(size_mb * 1024 * 1024)
    header = ("customer_id,first_name,last_name,email,mobile,address,country,vin,rego,date_of_birth,"
              "last_service,odometer_km,part_no,order_no,card_number\n")
    # A pool of rows made once, then recombined column-wise so 500 MB takes seconds, not minutes,
    # while values stay varied (distinct counts in the millions).
    pool = []
    for i in range(20000):
        c = r.choice(P.COUNTRIES)
        fn, ln = r.choice(P.FIRST[c]), r.choice(P.LAST[c])
        addr = P.make_address(r, c)
        plate = P.make_plate(r, c)
        pool.append([fn, ln, P.make_email(r, c, fn, ln), P.make_phone(r, c)[0],
                     '"' + addr + '"' if "," in addr else addr, c, P.make_vin(r), plate,
                     P.make_dob(r, 0), f"2024-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}",
                     str(r.randint(100, 250000)), P.make_part_number(r), P.make_order_number(r),
                     P.make_card(r)[0] if r.random() < 0.3 else ""])
    with open(outfile, "w", encoding="utf-8") as f:
        f.write(header)
        written, i = len(header), 0
        ncol = len(pool[0])
        while written < target:
            lines = []
            for _ in range(5000):
                row = [pool[r.randrange(20000)][k] for k in range(ncol)]
                # distinct e-mails, VINs and phone numbers across the whole file
                row[2] = row[2].replace("@", f"{i}@", 1)
                v = row[6][:11] + f"{i % 1000000:06d}"
                row[6] = v[:8] + P.vin_check(v) + v[9:]
                ph = row[3]
                tail = f"{i % 10000:04d}"
                row[3] = ph[:-4] + tail if ph[-4:].isdigit() else ph
                lines.append(f"C{i}," + ",".join(row) + "\n")
                i += 1
            s = "".join(lines)
            f.write(s)
            written += len(s.encode("utf-8"))
    return i


def main(argv):
    if len(argv) >= 2 and argv[0] == "accuracy":
        seed = int(argv[argv.index("--seed") + 1]) if "--seed" in argv else 7
        rows = int(argv[argv.index("--rows") + 1]) if "--rows" in argv else 1500
        labels = accuracy(argv[1], seed, rows)
        print(f"wrote {len(labels)} labelled values to {argv[1]}", file=sys.stderr)
        return 0
    if len(argv) >= 3 and argv[0] == "bench":
        n = bench(argv[1], float(argv[2]))
        print(f"wrote {n} rows to {argv[1]}", file=sys.stderr)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
