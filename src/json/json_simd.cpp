// json_simd.cpp - the project's only C++ file: simdjson's DOM parser behind
// the C API of json.h. Each parse converts simdjson's tape into our arena
// tree (cw_json), interning object keys per arena (keys repeat in every
// configuration item, so this keeps the tree much smaller than the text).
#include <simdjson.h>

#include <cstring>
#include <new>

#include "jint.h"
#include "../util/hmap.h"

static_assert(CW_JSON_PADDING >= simdjson::SIMDJSON_PADDING, "padding too small");

namespace {

// Direct-mapped cache of short strings (object keys and values) allocated in
// one arena: keys repeat in every configuration item and many values repeat
// ("Active", region names, resource types), so sharing them keeps the tree
// well below the size of the text. A collision just evicts. 4096 slots (96 KB)
// stay in L2: 1 << 16 slots cost ~15% more CPU in load for 7 MiB less RSS.
alignas(4) const char empty_key[5] = {0, 0, 0, 0, 0};

struct str_cache {
    struct slot {
        const char *s;
        uint32_t len, tag;
        unsigned long long gen; // arena generation the string belongs to
    };
    static constexpr size_t N = 1u << 12;
    static constexpr size_t MAXLEN = 48;
    slot *slots = nullptr;
    ~str_cache() { free(slots); }

    // Only the ends and the length: strings that share them collide and are
    // told apart by the full compare (cw_key_eq); cheap for the 20-48 byte ids.
    static uint64_t hash(const char *s, size_t n)
    {
        uint64_t a, b;
        if (n >= 8) {
            std::memcpy(&a, s, 8);
            std::memcpy(&b, s + n - 8, 8);
            if (n > 16) { // and the middle word, so ARNs of one account differ
                uint64_t m;
                std::memcpy(&m, s + n / 2 - 4, 8);
                a ^= m * 0x9E3779B97F4A7C15ULL;
            }
        } else {
            a = cw_tail_word(s, n), b = 0;
        }
        uint64_t h = (a ^ (n * 0x9E3779B97F4A7C15ULL)) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
        h = (h ^ b) * 0xc4ceb9fe1a85ec53ULL;
        return h ^ (h >> 29);
    }
    // every string made here carries its length in the 4 bytes before it
    static const char *make(cw_arena *a, const char *s, size_t n)
    {
        char *p = static_cast<char *>(cw_arena_alloc_align(a, n + 5, 4));
        uint32_t len = static_cast<uint32_t>(n);
        std::memcpy(p, &len, 4);
        if (n) std::memcpy(p + 4, s, n);
        p[4 + n] = 0;
        return p + 4;
    }
    const char *get(cw_arena *a, const char *s, size_t n, bool *hit = nullptr)
    {
        if (n == 0) return empty_key + 4;
        if (n > MAXLEN) return make(a, s, n);
        if (!slots) slots = static_cast<slot *>(cw_xcalloc(N, sizeof(slot)));
        uint64_t h = hash(s, n);
        slot &sl = slots[h & (N - 1)];
        uint32_t tag = static_cast<uint32_t>(h >> 32);
        if (sl.s && sl.gen == a->gen && sl.len == n && sl.tag == tag && cw_key_eq(sl.s, s, n)) {
            if (hit) *hit = true;
            return sl.s;
        }
        const char *k = make(a, s, n);
        sl = {k, static_cast<uint32_t>(n), tag, a->gen};
        return k;
    }
};

// Projection decisions by exact key bytes: the same few hundred keys recur in
// every record, so most lookups are one hash and one compare in a table that
// stays in cache. A slot also remembers the key interned in the arena being
// filled (no second lookup to build the member) and how often this field's
// string values were found in the string cache: fields whose values do not
// repeat (ids, timestamps) stop probing it, which saved a cache miss per
// value for nothing.
struct proj_cache {
    struct slot {
        uint64_t serial; // of the node, 0 = empty
        const cw_jproj *child;
        const char *ikey;        // the key interned in the arena of generation kgen
        unsigned long long kgen;
        uint32_t tries, hits;    // string values of this field looked up / found in the cache
        uint8_t len, keep;
        char key[46];
    };
    static constexpr size_t N = 1024;
    static constexpr uint32_t PROBE = 256; // values looked up before a field may stop
    slot *slots = nullptr;
    ~proj_cache() { free(slots); }
    // The slot of key k under p (nullptr when the key is too long to cache:
    // then *keep and *child are set directly).
    slot *lookup(const cw_jproj *p, const char *k, size_t n, const cw_jproj **child, int *keep)
    {
        if (n > sizeof(slot::key)) {
            *keep = cw_jproj_lookup(p, k, n, child);
            return nullptr;
        }
        if (!slots) slots = static_cast<slot *>(cw_xcalloc(N, sizeof(slot)));
        uint64_t h = str_cache::hash(k, n) ^ (p->serial * 0x9E3779B97F4A7C15ULL);
        slot &sl = slots[(h ^ (h >> 32)) & (N - 1)];
        if (!(sl.serial == p->serial && sl.len == n && cw_key_eq(sl.key, k, n))) {
            int kp = cw_jproj_lookup(p, k, n, child);
            sl.serial = p->serial, sl.child = *child, sl.len = static_cast<uint8_t>(n), sl.keep = static_cast<uint8_t>(kp);
            sl.ikey = nullptr, sl.kgen = 0, sl.tries = sl.hits = 0;
            std::memcpy(sl.key, k, n);
        }
        *child = sl.child;
        *keep = sl.keep;
        return &sl;
    }
    // whether values of the slot's field are worth looking up in the string cache
    static bool share_values(const slot *sl) { return !sl || sl->tries < PROBE || sl->hits * 8 >= sl->tries; }
};

struct state {
    simdjson::dom::parser parser{};
    str_cache keys;
    proj_cache proj;
    simdjson::padded_string scratch;
    state()
    {
        auto e = parser.allocate(1 << 16, CW_JSON_MAX_DEPTH);
        (void)e;
    }
};

state &st()
{
    thread_local state s;
    return s;
}

// Duplicate keys in one object: the last value wins, in the place of the first
// (as jq and Python's json do; a verdict must not disagree with what other
// tools read from the same item). A 64-bit filter of (length, end bytes) makes
// the common case one bit test per member; only a hit compares keys, through
// a hash table of member indexes once an object has more than 32 members (so
// an object of a million keys is not quadratic).
struct dupkeys {
    static constexpr size_t SMALL = 32;
    uint64_t bloom = 0;
    uint32_t *tab = nullptr; // open addressing, index + 1, 0 = empty
    size_t mask = 0;
    uint32_t local[128];
    explicit dupkeys(size_t n)
    {
        if (n <= SMALL) return;
        size_t cap = 64;
        while (cap < 2 * n) cap <<= 1;
        tab = cap <= sizeof local / sizeof *local ? local : static_cast<uint32_t *>(cw_xmalloc(cap * sizeof(uint32_t)));
        std::memset(tab, 0, cap * sizeof(uint32_t));
        mask = cap - 1;
    }
    ~dupkeys()
    {
        if (tab && tab != local) free(tab);
    }
    dupkeys(const dupkeys &) = delete;
    dupkeys &operator=(const dupkeys &) = delete;
    static bool same(const cw_jmember *m, const char *k, size_t n)
    {
        return cw_jkeylen(m) == n && cw_key_eq(m->key, k, n);
    }
    // The index of an earlier member mem[0..i) named k, or -1 (then member i
    // is recorded as the one named k).
    long find_or_add(const cw_jmember *mem, size_t i, const char *k, size_t n)
    {
        if (tab) {
            size_t h = str_cache::hash(k, n) & mask;
            for (;; h = (h + 1) & mask) {
                uint32_t t = tab[h];
                if (!t) {
                    tab[h] = static_cast<uint32_t>(i + 1);
                    return -1;
                }
                if (same(&mem[t - 1], k, n)) return static_cast<long>(t - 1);
            }
        }
        unsigned b = static_cast<unsigned>((n * 11u + (n ? static_cast<unsigned char>(k[0]) * 7u +
                                                                 static_cast<unsigned char>(k[n - 1]) * 3u
                                                           : 0u)) & 63u);
        uint64_t bit = UINT64_C(1) << b;
        if (bloom & bit)
            for (size_t j = 0; j < i; j++)
                if (same(&mem[j], k, n)) return static_cast<long>(j);
        bloom |= bit;
        return -1;
    }
};

void convert(cw_arena *a, str_cache &keys, simdjson::dom::element e, cw_json *out, const cw_jproj *p,
             proj_cache::slot *vs = nullptr);

// An object under a projection: only the members p keeps are built, into an
// array of exactly their number.
void convert_projected(cw_arena *a, str_cache &keys, simdjson::dom::object o, cw_json *out, const cw_jproj *p)
{
    proj_cache &pc = st().proj;
    constexpr size_t LOCAL = 64;
    proj_cache::slot *sel[LOCAL];
    const cw_jproj *child[LOCAL];
    uint64_t keep = 0;
    size_t n = 0, k = 0;
    for (auto field : o) {
        const cw_jproj *c;
        int kp;
        proj_cache::slot *sl = pc.lookup(p, field.key.data(), field.key.size(), &c, &kp);
        if (kp) {
            if (n < LOCAL) keep |= UINT64_C(1) << n;
            k++;
        }
        if (n < LOCAL) sel[n] = sl, child[n] = c;
        n++;
    }
#ifdef CW_PROJ_CHECK
    const bool tag = !cw_jproj_keeps_rest(p);
#else
    const bool tag = false;
#endif
    out->type = CW_JOBJ;
    cw_jmember *mem = k || tag ? static_cast<cw_jmember *>(cw_arena_alloc(a, (k + tag) * sizeof(cw_jmember))) : nullptr;
#ifdef CW_PROJ_CHECK
    if (tag) {
        cw_proj_check_tag(mem, p);
        mem++;
        out->b = CW_PROJ_CHECK_FLAG;
    }
#endif
    out->u.members = mem;
    size_t i = 0, j = 0;
    dupkeys dk(k);
    for (auto field : o) {
        const cw_jproj *c;
        proj_cache::slot *sl;
        int kept;
        if (i < LOCAL) kept = (keep >> i) & 1, c = child[i], sl = sel[i];
        else sl = pc.lookup(p, field.key.data(), field.key.size(), &c, &kept);
        i++;
        if (!kept || j >= k) continue;
        long d = dk.find_or_add(mem, j, field.key.data(), field.key.size());
        if (d >= 0) { // a key given again: its value replaces the earlier one's
            convert(a, keys, field.value, &mem[d].val, c, sl);
            continue;
        }
        cw_jmember *m = &mem[j++];
        // the slot may have been taken by another key of this object since
        // pass 1 (it is direct-mapped): its interned key counts only if the
        // slot still holds this key
        const size_t kn = field.key.size();
        if (sl && !(sl->serial == p->serial && sl->len == kn && cw_key_eq(sl->key, field.key.data(), kn))) sl = nullptr;
        if (sl && sl->kgen == a->gen && sl->ikey) {
            m->key = sl->ikey;
        } else {
            m->key = keys.get(a, field.key.data(), field.key.size());
            if (sl) sl->ikey = m->key, sl->kgen = a->gen;
        }
        convert(a, keys, field.value, &m->val, c, sl);
    }
    out->len = static_cast<uint32_t>(j);
}

void convert(cw_arena *a, str_cache &keys, simdjson::dom::element e, cw_json *out, const cw_jproj *p,
             proj_cache::slot *vs)
{
    using namespace simdjson::dom;
    std::memset(out, 0, sizeof *out);
    switch (e.type()) {
    case element_type::OBJECT: {
        object o = e.get_object().value_unsafe();
        if (p) {
            convert_projected(a, keys, o, out, p);
            break;
        }
        size_t n = o.size();
        out->type = CW_JOBJ;
        out->len = static_cast<uint32_t>(n);
        out->u.members = n ? static_cast<cw_jmember *>(cw_arena_alloc(a, n * sizeof(cw_jmember))) : nullptr;
        size_t i = 0, seen = 0;
        dupkeys dk(n);
        for (auto field : o) {
            if (seen++ >= n) break;
            long d = dk.find_or_add(out->u.members, i, field.key.data(), field.key.size());
            if (d >= 0) { // a key given again: its value replaces the earlier one's
                convert(a, keys, field.value, &out->u.members[d].val, nullptr);
                continue;
            }
            cw_jmember *m = &out->u.members[i++];
            m->key = keys.get(a, field.key.data(), field.key.size());
            convert(a, keys, field.value, &m->val, nullptr);
        }
        out->len = static_cast<uint32_t>(i);
        break;
    }
    case element_type::ARRAY: {
        array arr = e.get_array().value_unsafe();
        size_t n = arr.size();
        if (n == 0xFFFFFF) { // simdjson saturates the cached size: count
            n = 0;
            for (auto it = arr.begin(); it != arr.end(); ++it) n++;
        }
        out->type = CW_JARR;
        out->u.items = n ? static_cast<cw_json *>(cw_arena_alloc(a, n * sizeof(cw_json))) : nullptr;
        size_t i = 0;
        for (auto child : arr) {
            if (i >= n) break;
            convert(a, keys, child, &out->u.items[i++], p, vs);
        }
        out->len = static_cast<uint32_t>(i);
        break;
    }
    case element_type::STRING: {
        std::string_view sv = e.get_string().value_unsafe();
        out->type = CW_JSTR;
        out->len = static_cast<uint32_t>(sv.size());
        if (!proj_cache::share_values(vs)) {
            out->u.str = str_cache::make(a, sv.data(), sv.size());
        } else {
            bool hit = false;
            out->u.str = keys.get(a, sv.data(), sv.size(), &hit);
            if (vs && sv.size() && sv.size() <= str_cache::MAXLEN) vs->tries++, vs->hits += hit;
        }
        break;
    }
    case element_type::INT64:
        out->type = CW_JNUM;
    {
        int64_t i = e.get_int64().value_unsafe();
        out->u.num = static_cast<double>(i);
        out->is_int = (i <= (INT64_C(1) << 53) && i >= -(INT64_C(1) << 53)) ? 1 : 0;
        break;
    }
    case element_type::UINT64:
        out->type = CW_JNUM;
        out->u.num = static_cast<double>(e.get_uint64().value_unsafe());
        out->is_int = 0;
        break;
    case element_type::DOUBLE:
        out->type = CW_JNUM;
        out->u.num = e.get_double().value_unsafe();
        break;
    case element_type::BOOL:
        out->type = CW_JBOOL;
        out->b = e.get_bool().value_unsafe() ? 1 : 0;
        break;
    case element_type::NULL_VALUE:
        out->type = CW_JNULL;
        break;
    }
}

cw_json *fail(const char *buf, size_t len, simdjson::error_code code, cw_json_err *err)
{
    std::memset(err, 0, sizeof *err);
    if (cw_json_locate(buf, len, err) == 0 && cw_json_locate_number(buf, len, err) == 0) {
        // the strict validator accepts what simdjson rejected (capacity...)
        err->offset = 0;
        std::snprintf(err->msg, sizeof err->msg, "cannot parse JSON: %s", simdjson::error_message(code));
    }
    cw_offset_to_linecol(buf, len, err->offset, &err->line, &err->col);
    return nullptr;
}

cw_json *parse(cw_arena *a, const char *buf, size_t len, const cw_jproj *p, cw_json_err *err)
{
    state &s = st();
    size_t skip = 0;
    if (len >= 3 && std::memcmp(buf, "\xEF\xBB\xBF", 3) == 0) skip = 3; // tolerate a UTF-8 BOM
    simdjson::dom::element root;
    auto code = s.parser.parse(reinterpret_cast<const uint8_t *>(buf + skip), len - skip, false).get(root);
    if (code) return fail(buf, len, code, err);
    cw_json *out = static_cast<cw_json *>(cw_arena_alloc(a, sizeof(cw_json)));
    convert(a, s.keys, root, out, p);
    return out;
}

} // namespace

extern "C" const char *cw_json_intern(cw_arena *a, const char *s, size_t n)
{
    return st().keys.get(a, s, n);
}

extern "C" const char *cw_json_key(cw_arena *a, const char *s, size_t n)
{
    return st().keys.get(a, s, n);
}

extern "C" cw_json *cw_json_parse_padded(cw_arena *a, const char *buf, size_t len, const cw_jproj *p,
                                         cw_json_err *err)
{
    try {
        return parse(a, buf, len, p, err);
    } catch (const std::bad_alloc &) {
        cw_oom(len);
    }
}

extern "C" cw_json *cw_json_parse(cw_arena *a, const char *buf, size_t len, cw_json_err *err)
{
    return cw_json_parse_proj(a, buf, len, nullptr, err);
}

extern "C" cw_json *cw_json_parse_proj(cw_arena *a, const char *buf, size_t len, const cw_jproj *p, cw_json_err *err)
{
    try {
        state &s = st();
        // copy into a padded buffer: callers' buffers carry no padding guarantee
        if (s.scratch.size() < len || (s.scratch.size() > (64u << 20) && len < (1u << 20)))
            s.scratch = simdjson::padded_string(len < 4096 ? 4096 : len);
        if (len) std::memcpy(s.scratch.data(), buf, len);
        return parse(a, s.scratch.data(), len, p, err);
    } catch (const std::bad_alloc &) {
        cw_oom(len);
    }
}
