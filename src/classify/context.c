/* context.c - field-name vocabulary. Words are matched after splitting the name into
 * lower-case words; compounds written as one word are listed too. */
#include "context.h"

#include <ctype.h>
#include <string.h>

#define MAXW 10
typedef struct words {
    char w[MAXW][24];
    int n;
} words;

static void split(const char *s, size_t n, words *ws)
{
    ws->n = 0;
    size_t l = 0;
    for (size_t i = 0; i <= n; i++) {
        unsigned char c = i < n ? (unsigned char)s[i] : 0;
        bool boundary = !isalnum(c);
        /* camelCase: lower->Upper starts a new word */
        bool camel = i > 0 && i < n && isupper(c) && islower((unsigned char)s[i - 1]);
        if ((boundary || camel) && l) {
            ws->w[ws->n][l] = 0;
            if (++ws->n == MAXW) return;
            l = 0;
        }
        if (!boundary && l < 23) ws->w[ws->n][l++] = (char)tolower(c);
    }
}

static bool in(const char *w, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(w, *list) == 0) return true;
    return false;
}

static bool any(const words *ws, const char *const *list)
{
    for (int i = 0; i < ws->n; i++)
        if (in(ws->w[i], list)) return true;
    return false;
}

static bool has_word(const words *ws, const char *w)
{
    for (int i = 0; i < ws->n; i++)
        if (strcmp(ws->w[i], w) == 0) return true;
    return false;
}

static const char *const W_EMAIL[] = {"email", "mail", "emailaddress", "emails", NULL};
static const char *const W_PHONE[] = {"phone", "mobile", "tel", "telephone", "cell", "cellphone", "msisdn", "fax",
                                      "handphone", "phonenumber", "mobilephone", "phones", "landline", "contactno",
                                      "whatsapp", NULL};
static const char *const W_VIN[] = {"vin", "chassis", "vins", "vinnumber", "chassisno", "chassisnumber", NULL};
static const char *const W_PLATE[] = {"rego", "plate", "plates", "numberplate", "licenseplate", "licenceplate",
                                      "regno", "registrationnumber", "nopol", "plateno", "platenumber", "registration",
                                      NULL};
static const char *const W_CARD[] = {"card", "cardnumber", "cardno", "cc", "ccnumber", "ccnum", "creditcard", "pan",
                                     "cardnum", NULL};
static const char *const W_NATID[] = {"nric", "tfn", "ird", "mynumber", "nik", "ktp", "mykad", "aadhaar", "aadhar",
                                      "ssn", "sss", "tin", "passport", "nationalid", "idcard", "citizenid", "umid",
                                      "philsys", "kojin", NULL};
static const char *const W_DOB[] = {"dob", "birth", "birthday", "birthdate", "born", "dateofbirth", NULL};
static const char *const W_ADDR[] = {"address", "addr", "street", "residence", "homeaddress", "mailingaddress",
                                     "postaladdress", "streetaddress", "address1", "address2", "addressline1",
                                     "addressline2", "line1", "line2", "jusho", NULL};
static const char *const W_NAME[] = {"name", "fullname", "firstname", "lastname", "surname", "forename",
                                     "givenname", "familyname", "customername", "ownername", "cardholder",
                                     "holder", "owner", "customer", "contactname", "middlename", "names", "shimei",
                                     "nama", NULL};
static const char *const W_NAMEPART[] = {"given", "family", "first", "last", "middle", "full", "display", "legal",
                                         "preferred", NULL};
static const char *const W_BIZ[] = {"dealer", "company", "business", "shop", "branch", "product", "part", "model",
                                    "make", "file", "brand", "store", "workshop", "org", "organisation",
                                    "organization", "bank", "garage", "host", "user", "username", "table", "service",
                                    "item", "vendor", "supplier", "dealership", "site", "app", "template", "street",
                                    "city", "suburb", "town", "region", "state", "country", "province", NULL};
static const char *const W_IDENT[] = {"id", "no", "num", "number", "code", "ref", "reference", "order", "invoice",
                                      "part", "serial", "sku", "batch", "lot", "stock", "tracking", "ticket", "job",
                                      "sn", "uuid", "guid", "hash", "token", "key", "odometer", "amount", "price",
                                      "count", "qty", "quantity", "total", "model", "version", "ip", "mac", "url",
                                      "uri", "session", "request", "transaction", "txn", "workorder", "partno",
                                      "orderno", "po", "imei", "barcode", NULL};
static const char *const W_TEXT[] = {"note", "notes", "comment", "comments", "description", "desc", "message",
                                     "msg", "remark", "remarks", "text", "body", "details", "memo", "summary",
                                     "log", NULL};
static const char *const W_DATEWORDS[] = {"date", "expiry", "expires", "expiration", "due", "state", "type", "status",
                                          "fee", "year", "country", NULL};

cw_ctx cw_ctx_of_name(const char *name, size_t n, const char *parent, size_t pn)
{
    words ws, ps;
    split(name, n, &ws);
    ps.n = 0;
    if (parent) split(parent, pn, &ps);
    if (ws.n == 0) return 0;
    /* e-mail first: "email address" is not a postal address */
    if (any(&ws, W_EMAIL) || (has_word(&ws, "e") && has_word(&ws, "mail"))) return CW_CTX_CAT(CW_CAT_EMAIL);
    if (any(&ws, W_DOB)) return CW_CTX_CAT(CW_CAT_DOB);
    if (any(&ws, W_VIN) || (has_word(&ws, "vehicle") && has_word(&ws, "identification")) ||
        (has_word(&ws, "frame") && (has_word(&ws, "no") || has_word(&ws, "number"))))
        return CW_CTX_CAT(CW_CAT_VIN);
    if (any(&ws, W_PHONE) || (has_word(&ws, "contact") && (has_word(&ws, "number") || has_word(&ws, "no"))))
        return CW_CTX_CAT(CW_CAT_PHONE);
    if (any(&ws, W_NATID) || (has_word(&ws, "national") && has_word(&ws, "id")) ||
        (has_word(&ws, "tax") && (has_word(&ws, "id") || has_word(&ws, "number") || has_word(&ws, "file"))) ||
        (has_word(&ws, "ic") && (has_word(&ws, "no") || has_word(&ws, "number"))) ||
        (has_word(&ws, "id") && (has_word(&ws, "card") || has_word(&ws, "citizen"))) ||
        (has_word(&ws, "my") && has_word(&ws, "number")))
        return has_word(&ws, "pan") ? CW_CTX_CAT(CW_CAT_NATIONAL_ID) | CW_CTX_CAT(CW_CAT_CARD)
                                    : CW_CTX_CAT(CW_CAT_NATIONAL_ID);
    if (any(&ws, W_CARD) && !any(&ws, W_DATEWORDS) && !has_word(&ws, "holder"))
        return has_word(&ws, "pan") ? CW_CTX_CAT(CW_CAT_NATIONAL_ID) | CW_CTX_CAT(CW_CAT_CARD)
                                    : CW_CTX_CAT(CW_CAT_CARD);
    if (any(&ws, W_PLATE) && !any(&ws, W_DATEWORDS) && !has_word(&ws, "id")) return CW_CTX_CAT(CW_CAT_PLATE);
    if (has_word(&ws, "license") || has_word(&ws, "licence")) {
        if (has_word(&ws, "plate") || has_word(&ws, "vehicle")) return CW_CTX_CAT(CW_CAT_PLATE);
        return CW_CTX_CAT(CW_CAT_NATIONAL_ID); /* driver licence number */
    }
    if ((has_word(&ws, "reg") && (has_word(&ws, "no") || has_word(&ws, "number"))) || has_word(&ws, "rego"))
        return CW_CTX_CAT(CW_CAT_PLATE);
    if (any(&ws, W_ADDR) && !has_word(&ws, "ip") && !has_word(&ws, "mac") && !has_word(&ws, "web"))
        return CW_CTX_CAT(CW_CAT_POSTAL_ADDRESS);
    if (any(&ps, W_ADDR) && !any(&ws, W_IDENT)) return CW_CTX_CAT(CW_CAT_POSTAL_ADDRESS);
    /* names */
    bool nameword = any(&ws, W_NAME);
    bool parent_name = any(&ps, W_NAME) && !any(&ps, W_BIZ);
    if (nameword || (parent_name && any(&ws, W_NAMEPART))) {
        if (any(&ws, W_BIZ) || (!parent_name && any(&ps, W_BIZ) && has_word(&ws, "name") && ws.n == 1))
            return CW_CTX_BIZ;
        if (any(&ws, W_IDENT) && !has_word(&ws, "name")) return CW_CTX_IDENT; /* customer_id, owner_no */
        return CW_CTX_CAT(CW_CAT_PERSON_NAME);
    }
    if (any(&ws, W_TEXT)) return CW_CTX_TEXT;
    if (any(&ws, W_IDENT)) return CW_CTX_IDENT;
    return CW_CTX_OTHER;
}
