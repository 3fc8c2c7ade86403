// json_simd.cpp - the project's only C++ file: simdjson's DOM parser behind
// the C API of json.h. Each parse converts simdjson's tape into our arena
// tree (cw_json), interning object keys per arena (keys repeat in every
// configuration item, so this keeps the tree much smaller than the text).
#include <simdjson.h>

#include <cstring>
#include <new>

#include "jint.h"

static_assert(CW_JSON_PADDING >= simdjson::SIMDJSON_PADDING, "padding too small");

namespace {

struct key_intern {
    // open addressing; key pointers live in the arena identified by (arena, gen)
    struct slot {
        const char *key;
        uint32_t len;
        uint64_t hash;
    };
    slot *slots = nullptr;
    size_t cap = 0, count = 0;
    const cw_arena *arena = nullptr;
    unsigned long long gen = 0;
    ~key_intern() { free(slots); }

    void reset(const cw_arena *a)
    {
        arena = a;
        gen = a->gen;
        if (slots) std::memset(slots, 0, cap * sizeof *slots);
        count = 0;
    }
    static uint64_t hash(const char *s, size_t n)
    {
        uint64_t h = 1469598103934665603ULL;
        for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
        return h ^ (h >> 31);
    }
    const char *get(cw_arena *a, const char *s, size_t n)
    {
        if (n > 64) return cw_arena_strndup(a, s, n);
        if (arena != a || gen != a->gen) reset(a);
        if (count * 2 >= cap) {
            if (cap >= (1u << 16)) return cw_arena_strndup(a, s, n); // full: stop interning
            size_t ncap = cap ? cap * 2 : 1024;
            slot *ns = static_cast<slot *>(cw_xcalloc(ncap, sizeof(slot)));
            for (size_t i = 0; i < cap; i++)
                if (slots[i].key) {
                    size_t j = slots[i].hash & (ncap - 1);
                    while (ns[j].key) j = (j + 1) & (ncap - 1);
                    ns[j] = slots[i];
                }
            free(slots);
            slots = ns;
            cap = ncap;
        }
        uint64_t h = hash(s, n);
        size_t j = h & (cap - 1);
        while (slots[j].key) {
            if (slots[j].hash == h && slots[j].len == n && std::memcmp(slots[j].key, s, n) == 0) return slots[j].key;
            j = (j + 1) & (cap - 1);
        }
        const char *k = cw_arena_strndup(a, s, n);
        slots[j] = {k, static_cast<uint32_t>(n), h};
        count++;
        return k;
    }
};

struct state {
    simdjson::dom::parser parser{};
    key_intern keys;
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

void convert(cw_arena *a, key_intern &keys, simdjson::dom::element e, cw_json *out)
{
    using namespace simdjson::dom;
    std::memset(out, 0, sizeof *out);
    switch (e.type()) {
    case element_type::OBJECT: {
        object o = e.get_object().value_unsafe();
        size_t n = o.size();
        out->type = CW_JOBJ;
        out->len = static_cast<uint32_t>(n);
        out->u.members = n ? static_cast<cw_jmember *>(cw_arena_alloc(a, n * sizeof(cw_jmember))) : nullptr;
        size_t i = 0;
        for (auto field : o) {
            if (i >= n) break;
            cw_jmember *m = &out->u.members[i++];
            m->key = keys.get(a, field.key.data(), field.key.size());
            m->keylen = static_cast<uint32_t>(field.key.size());
            convert(a, keys, field.value, &m->val);
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
            convert(a, keys, child, &out->u.items[i++]);
        }
        out->len = static_cast<uint32_t>(i);
        break;
    }
    case element_type::STRING: {
        std::string_view sv = e.get_string().value_unsafe();
        out->type = CW_JSTR;
        out->len = static_cast<uint32_t>(sv.size());
        out->u.str = cw_arena_strndup(a, sv.data(), sv.size());
        break;
    }
    case element_type::INT64:
        out->type = CW_JNUM;
        out->is_int = 1;
        out->i = e.get_int64().value_unsafe();
        out->u.num = static_cast<double>(out->i);
        break;
    case element_type::UINT64:
        out->type = CW_JNUM;
        out->u.num = static_cast<double>(e.get_uint64().value_unsafe());
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
    if (cw_json_locate(buf, len, err) == 0) {
        // the strict validator accepts what simdjson rejected (capacity, number range...)
        err->offset = 0;
        std::snprintf(err->msg, sizeof err->msg, "cannot parse JSON: %s", simdjson::error_message(code));
    }
    cw_offset_to_linecol(buf, len, err->offset, &err->line, &err->col);
    return nullptr;
}

cw_json *parse(cw_arena *a, const char *buf, size_t len, cw_json_err *err)
{
    state &s = st();
    if (len >= 3 && std::memcmp(buf, "\xEF\xBB\xBF", 3) == 0) { // tolerate a UTF-8 BOM
        buf += 3;
        len -= 3;
    }
    simdjson::dom::element root;
    auto code = s.parser.parse(reinterpret_cast<const uint8_t *>(buf), len, false).get(root);
    if (code) return fail(buf, len, code, err);
    cw_json *out = static_cast<cw_json *>(cw_arena_alloc(a, sizeof(cw_json)));
    convert(a, s.keys, root, out);
    return out;
}

} // namespace

extern "C" cw_json *cw_json_parse_padded(cw_arena *a, const char *buf, size_t len, cw_json_err *err)
{
    try {
        return parse(a, buf, len, err);
    } catch (const std::bad_alloc &) {
        cw_bug("out of memory parsing %zu bytes of JSON", len);
    }
}

extern "C" cw_json *cw_json_parse(cw_arena *a, const char *buf, size_t len, cw_json_err *err)
{
    try {
        state &s = st();
        // copy into a padded buffer: callers' buffers carry no padding guarantee
        if (s.scratch.size() < len || (s.scratch.size() > (64u << 20) && len < (1u << 20)))
            s.scratch = simdjson::padded_string(len < 4096 ? 4096 : len);
        std::memcpy(s.scratch.data(), buf, len);
        return parse(a, s.scratch.data(), len, err);
    } catch (const std::bad_alloc &) {
        cw_bug("out of memory parsing %zu bytes of JSON", len);
    }
}
