/* The index build's hot loops in C (issue 16): unspin.analyze's tokens, hashes and terms.
 *
 * Optional: unspin.analyze falls back to its numpy code (the reference) when this module is
 * not built, and tests assert both give byte-identical results. Inputs and outputs are plain
 * buffers (bytes, numpy arrays through the buffer protocol), so no numpy headers are needed.
 *
 * scan(text, min_word_len, stop_keys, stop_shift) -> (hashes, flags, starts, ends)
 *   The tokens of ``unspin.text.TOKEN_RE`` (named groups dropped) in ``text``, left to
 *   right as ``re.findall`` finds them, with character classes as the regular expression
 *   engine defines them (\s: Py_UNICODE_ISSPACE, \d: Py_UNICODE_ISDECIMAL, \w: ISALNUM or
 *   "_"). hashes: uint64 per token, analyze.hash_keys of its UTF-8 bytes; flags: uint8 per
 *   token (FLAG_* below); starts/ends: int64 code point offsets.
 * dedupe(term_hashes, is_term, art_off) -> (firsts, pair_terms, pair_off)
 *   Distinct terms of a batch by hash in order of first occurrence (token index of each),
 *   and each article's distinct terms (indexes into firsts), articles being token ranges.
 * pack(counts, sent_off, codes, ids, tok_off) -> (blob, offsets)
 *   Every article's stored token form (analyze.pack) in one bytes object.
 * units(text, low, unit_type), features(units, u0, u1, stopwords), count_words(text)
 *   The diff's tokens and a sentence's alignment features (unspin.aligner, which falls back to
 *   its own Python code when this module is not built; tests/test_fastscan.py compares them).
 * sentences(text, start, end, abbrev)
 *   unspin.text.split_sentences' (start, end) spans (which falls back to its Python code, the
 *   reference, when this module is not built or has no such function; tests compare them).
 * records(type, slots, rows)
 *   Instances of a slotted record class made without calling it (unspin.differ's Change
 *   records; tests compare them with the class's own, which it falls back to).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#define FASTSCAN_VERSION 1

enum { C_SPACE = 0, C_LETTER = 1, C_DIGIT = 2, C_UNDERSCORE = 3, C_PUNCT = 4 };
enum { FLAG_LETTER = 1, FLAG_DIGIT = 2, FLAG_PUNCT = 4, FLAG_SEP = 8, FLAG_SLOW = 16, FLAG_TERM = 32 };

static const uint64_t MULT = 0x9E3779B97F4A7C15ULL;
static const uint64_t MIX = 0xBF58476D1CE4E5B9ULL;
static const uint64_t SIGN = 0x8000000000000000ULL; /* int64 order of uint64 values */
static unsigned char ascii_class[128];

static int
uclass(Py_UCS4 c)
{
    if (Py_UNICODE_ISSPACE(c))
        return C_SPACE;
    if (Py_UNICODE_ISDECIMAL(c))
        return C_DIGIT;
    if (c == '_')
        return C_UNDERSCORE;
    if (Py_UNICODE_ISALNUM(c))
        return C_LETTER;
    return C_PUNCT;
}

static inline int
cclass(Py_UCS4 c)
{
    return c < 128 ? ascii_class[c] : uclass(c);
}

static inline uint64_t
mix(uint64_t h)
{
    h ^= h >> 31;
    h *= MIX;
    h ^= h >> 29;
    return h;
}

/* The token that starts at i (class cls, not space or underscore): its end. */
static Py_ssize_t
token_end(int kind, const void *data, Py_ssize_t n, Py_ssize_t i, int cls)
{
    Py_ssize_t j = i + 1;
    if (cls == C_DIGIT) {
        for (;;) {
            while (j < n && cclass(PyUnicode_READ(kind, data, j)) == C_DIGIT)
                j++;
            if (j + 1 < n) {
                Py_UCS4 c = PyUnicode_READ(kind, data, j);
                if ((c == '.' || c == ',' || c == ':') &&
                    cclass(PyUnicode_READ(kind, data, j + 1)) == C_DIGIT) {
                    j += 2;
                    continue;
                }
            }
            break;
        }
        if (j < n && PyUnicode_READ(kind, data, j) == '%')
            j++;
    } else if (cls == C_LETTER) {
        for (;;) {
            while (j < n && cclass(PyUnicode_READ(kind, data, j)) == C_LETTER)
                j++;
            if (j + 1 < n) {
                Py_UCS4 c = PyUnicode_READ(kind, data, j);
                if ((c == '\'' || c == 0x2019 || c == '-') &&
                    cclass(PyUnicode_READ(kind, data, j + 1)) == C_LETTER) {
                    j += 2;
                    continue;
                }
            }
            break;
        }
    }
    return j;
}

/* Can scan fold case itself? True when no code point outside ASCII (but the apostrophe
 * U+2019, read as "'") changes when lower-cased, so str.lower() would only touch ASCII. */
static int
fold_safe(int kind, const void *data, Py_ssize_t n)
{
    if (kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *d = (const Py_UCS1 *)data;
        for (Py_ssize_t i = 0; i < n; i++)
            if (d[i] >= 128 && Py_UNICODE_TOLOWER(d[i]) != d[i])
                return 0;
        return 1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c >= 128 && c != 0x2019 && Py_UNICODE_TOLOWER(c) != c)
            return 0;
    }
    return 1;
}

typedef struct {
    uint64_t *hs;
    unsigned char *fs;
    int64_t *ss, *es;
    Py_ssize_t cap, t;
} tokens_t;

static void
tokens_free(tokens_t *o)
{
    PyMem_RawFree(o->hs);
    PyMem_RawFree(o->fs);
    PyMem_RawFree(o->ss);
    PyMem_RawFree(o->es);
}

static int
tokens_alloc(tokens_t *o, Py_ssize_t cap)
{
    uint64_t *hs = (uint64_t *)PyMem_RawRealloc(o->hs, 8 * (size_t)cap);
    if (hs)
        o->hs = hs;
    unsigned char *fs = (unsigned char *)PyMem_RawRealloc(o->fs, (size_t)cap);
    if (fs)
        o->fs = fs;
    int64_t *ss = (int64_t *)PyMem_RawRealloc(o->ss, 8 * (size_t)cap);
    if (ss)
        o->ss = ss;
    int64_t *es = (int64_t *)PyMem_RawRealloc(o->es, 8 * (size_t)cap);
    if (es)
        o->es = es;
    if (!hs || !fs || !ss || !es)
        return -1;
    o->cap = cap;
    return 0;
}

enum { SCAN_OK = 0, SCAN_NOMEM = 1, SCAN_SURROGATE = 2 };

/* The scan proper: no Python object is touched (runs without the GIL). */
static int
scan_text(int kind, const void *data, Py_ssize_t n, Py_ssize_t min_word_len,
          const uint64_t *stop_keys, unsigned int shift, int fold, tokens_t *o)
{
    Py_ssize_t i = 0;
    while (i < n) {
        if (o->t == o->cap && tokens_alloc(o, 2 * o->cap) < 0)
            return SCAN_NOMEM;
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        int cls = cclass(c);
        if (cls == C_SPACE || cls == C_UNDERSCORE) {
            i++;
            continue;
        }
        Py_ssize_t j = token_end(kind, data, n, i, cls);
        uint64_t h = 0, pw = 1;
        int wide = 0, sepchar = 0;
        for (Py_ssize_t k = i; k < j; k++) {
            Py_UCS4 u = PyUnicode_READ(kind, data, k);
            unsigned char b[4];
            int nb;
            if (fold) {
                if (u >= 'A' && u <= 'Z')
                    u += 'a' - 'A';
                else if (u == 0x2019)
                    u = '\'';
            }
            if (u < 0x80) {
                b[0] = (unsigned char)u;
                nb = 1;
                if (u == ',' || u == '.')
                    sepchar = 1;
            } else {
                wide = 1;
                if (u < 0x800) {
                    b[0] = 0xC0 | (u >> 6);
                    b[1] = 0x80 | (u & 0x3F);
                    nb = 2;
                } else if (u < 0x10000) {
                    if (u >= 0xD800 && u <= 0xDFFF)
                        return SCAN_SURROGATE;
                    b[0] = 0xE0 | (u >> 12);
                    b[1] = 0x80 | ((u >> 6) & 0x3F);
                    b[2] = 0x80 | (u & 0x3F);
                    nb = 3;
                } else {
                    b[0] = 0xF0 | (u >> 18);
                    b[1] = 0x80 | ((u >> 12) & 0x3F);
                    b[2] = 0x80 | ((u >> 6) & 0x3F);
                    b[3] = 0x80 | (u & 0x3F);
                    nb = 4;
                }
            }
            for (int q = 0; q < nb; q++) {
                h += ((uint64_t)b[q] + 1) * pw;
                pw *= MULT;
            }
        }
        h = mix(h + pw); /* the key's terminating NUL: (0 + 1) * P**len */
        unsigned char f;
        if (cls == C_LETTER) {
            f = FLAG_LETTER;
            if (wide)
                f |= FLAG_SLOW;
            else if (j - i >= min_word_len && stop_keys[(h >> shift) & 0xFFFF] != h)
                f |= FLAG_TERM;
        } else if (cls == C_DIGIT) {
            f = FLAG_DIGIT;
            f |= (wide || sepchar) ? FLAG_SLOW : FLAG_TERM;
        } else {
            f = FLAG_PUNCT;
            if (c == 1)
                f |= FLAG_SEP;
        }
        o->hs[o->t] = h;
        o->fs[o->t] = f;
        o->ss[o->t] = i;
        o->es[o->t] = j;
        o->t++;
        i = j;
    }
    return SCAN_OK;
}

static PyObject *
fs_scan(PyObject *self, PyObject *args)
{
    PyObject *text;
    Py_ssize_t min_word_len;
    Py_buffer stop;
    unsigned int shift;
    int fold = 0;
    if (!PyArg_ParseTuple(args, "Uny*I|p", &text, &min_word_len, &stop, &shift, &fold))
        return NULL;
    if (stop.len != 65536 * 8) {
        PyBuffer_Release(&stop);
        PyErr_SetString(PyExc_ValueError, "stop_keys must hold 65536 uint64 values");
        return NULL;
    }
    const uint64_t *stop_keys = (const uint64_t *)stop.buf;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    tokens_t o = {NULL, NULL, NULL, NULL, 0, 0};
    PyObject *result = NULL;
    int rc = SCAN_OK, safe = 1;
    /* outputs grow as tokens come (news text: a token every 5-6 code points) */
    if (tokens_alloc(&o, n / 4 + 64) < 0) {
        PyErr_NoMemory();
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    if (fold)
        safe = fold_safe(kind, data, n);
    if (safe)
        rc = scan_text(kind, data, n, min_word_len, stop_keys, shift, fold, &o);
    Py_END_ALLOW_THREADS
    if (!safe) {
        result = Py_None;
        Py_INCREF(result);
    } else if (rc == SCAN_NOMEM) {
        PyErr_NoMemory();
    } else if (rc == SCAN_SURROGATE) {
        /* a lone surrogate: the UTF-8 codec's own error */
        PyObject *r = PyUnicode_AsUTF8String(text);
        Py_XDECREF(r);
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_UnicodeError, "surrogate in text");
    } else {
        result = Py_BuildValue("(y#y#y#y#)", (const char *)o.hs, 8 * o.t, (const char *)o.fs, o.t,
                               (const char *)o.ss, 8 * o.t, (const char *)o.es, 8 * o.t);
    }
done:
    tokens_free(&o);
    PyBuffer_Release(&stop);
    return result;
}

typedef struct {
    uint64_t key;
    int64_t idx; /* -1: empty */
    int64_t last;
} slot_t;

/* An open-addressing table of 64-bit keys that grows (load <= 1/2): sized by the distinct
 * keys, not the input, so it stays in cache for a batch's terms. Raw allocator, no Python
 * error set: usable without the GIL (a NULL or -1 means out of memory). */
typedef struct {
    slot_t *slots;
    size_t cap, used;
} table_t;

static int
table_init(table_t *t, size_t cap)
{
    t->slots = (slot_t *)PyMem_RawMalloc(cap * sizeof(slot_t));
    if (!t->slots)
        return -1;
    t->cap = cap;
    t->used = 0;
    for (size_t s = 0; s < cap; s++)
        t->slots[s].idx = -1;
    return 0;
}

static inline size_t
table_home(uint64_t key, size_t cap)
{
    return (size_t)(key ^ (key >> 32)) & (cap - 1);
}

/* The slot of key (idx -1 if new: the caller fills it in); NULL on a failed growth. */
static slot_t *
table_slot(table_t *t, uint64_t key)
{
    if (2 * (t->used + 1) > t->cap) {
        table_t bigger;
        if (table_init(&bigger, 2 * t->cap) < 0)
            return NULL;
        for (size_t s = 0; s < t->cap; s++) {
            if (t->slots[s].idx < 0)
                continue;
            size_t q = table_home(t->slots[s].key, bigger.cap);
            while (bigger.slots[q].idx >= 0)
                q = (q + 1) & (bigger.cap - 1);
            bigger.slots[q] = t->slots[s];
        }
        bigger.used = t->used;
        PyMem_RawFree(t->slots);
        *t = bigger;
    }
    size_t s = table_home(key, t->cap);
    while (t->slots[s].idx >= 0 && t->slots[s].key != key)
        s = (s + 1) & (t->cap - 1);
    if (t->slots[s].idx < 0) {
        t->slots[s].key = key;
        t->used++;
    }
    return &t->slots[s];
}

/* dedupe's loop, without the GIL: 0, or -1 out of memory, -2 bad offsets */
static int
dedupe_loop(const uint64_t *h, const unsigned char *m, const int64_t *off, Py_ssize_t n,
            Py_ssize_t na, int64_t *fo, int64_t *po, int64_t *oo, int64_t *nterms, int64_t *npairs)
{
    table_t table = {NULL, 0, 0};
    if (table_init(&table, 1 << 12) < 0)
        return -1;
    int rc = 0;
    int64_t nt = 0, np_ = 0;
    oo[0] = 0;
    for (Py_ssize_t a = 0; a < na && rc == 0; a++) {
        int64_t lo = off[a], hi = off[a + 1];
        if (lo < 0 || hi < lo || hi > n) {
            rc = -2;
            break;
        }
        for (int64_t k = lo; k < hi; k++) {
            if (!m[k])
                continue;
            slot_t *sl = table_slot(&table, h[k]);
            if (!sl) {
                rc = -1;
                break;
            }
            if (sl->idx < 0) {
                sl->idx = nt;
                sl->last = -1;
                fo[nt++] = k;
            }
            if (sl->last != a) {
                sl->last = a;
                po[np_++] = sl->idx;
            }
        }
        oo[a + 1] = np_;
    }
    PyMem_RawFree(table.slots);
    *nterms = nt;
    *npairs = np_;
    return rc;
}

static PyObject *
fs_dedupe(PyObject *self, PyObject *args)
{
    Py_buffer th, is_term, art;
    if (!PyArg_ParseTuple(args, "y*y*y*", &th, &is_term, &art))
        return NULL;
    PyObject *firsts = NULL, *pairs = NULL, *poff = NULL, *result = NULL;
    Py_ssize_t n = th.len / 8, na = art.len / 8 - 1;
    if (is_term.len != n || na < 0 || th.len % 8 || art.len % 8) {
        PyErr_SetString(PyExc_ValueError, "dedupe: arrays of mismatched sizes");
        goto done;
    }
    const uint64_t *h = (const uint64_t *)th.buf;
    const unsigned char *m = (const unsigned char *)is_term.buf;
    const int64_t *off = (const int64_t *)art.buf;
    Py_ssize_t nt = 0;
    for (Py_ssize_t k = 0; k < n; k++)
        nt += m[k] != 0;
    firsts = PyBytes_FromStringAndSize(NULL, 8 * nt);
    pairs = PyBytes_FromStringAndSize(NULL, 8 * nt);
    poff = PyBytes_FromStringAndSize(NULL, 8 * (na + 1));
    if (!firsts || !pairs || !poff)
        goto done;
    int64_t *fo = (int64_t *)PyBytes_AS_STRING(firsts);
    int64_t *po = (int64_t *)PyBytes_AS_STRING(pairs);
    int64_t *oo = (int64_t *)PyBytes_AS_STRING(poff);
    int64_t nterms = 0, np_ = 0;
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = dedupe_loop(h, m, off, n, na, fo, po, oo, &nterms, &np_);
    Py_END_ALLOW_THREADS
    if (rc == -2) {
        PyErr_SetString(PyExc_ValueError, "dedupe: article offsets out of range");
        goto done;
    }
    if (rc < 0) {
        PyErr_NoMemory();
        goto done;
    }
    /* on failure _PyBytes_Resize frees the object and sets the pointer to NULL */
    if (_PyBytes_Resize(&firsts, 8 * nterms) < 0 || _PyBytes_Resize(&pairs, 8 * np_) < 0)
        goto done;
    result = Py_BuildValue("(NNN)", firsts, pairs, poff); /* steals the three references */
    firsts = pairs = poff = NULL;
done:
    Py_XDECREF(firsts);
    Py_XDECREF(pairs);
    Py_XDECREF(poff);
    PyBuffer_Release(&th);
    PyBuffer_Release(&is_term);
    PyBuffer_Release(&art);
    return result;
}

static inline void
put_u32(unsigned char *p, uint32_t v)
{
    p[0] = v & 0xFF;
    p[1] = (v >> 8) & 0xFF;
    p[2] = (v >> 16) & 0xFF;
    p[3] = (v >> 24) & 0xFF;
}

static PyObject *
fs_pack(PyObject *self, PyObject *args)
{
    Py_buffer counts, sent_off, codes, ids, tok_off;
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*", &counts, &sent_off, &codes, &ids, &tok_off))
        return NULL;
    PyObject *blob = NULL, *offs = NULL;
    Py_ssize_t na = sent_off.len / 8 - 1, ns = counts.len / 4, nt = codes.len;
    const uint32_t *cn = (const uint32_t *)counts.buf;
    const int64_t *so = (const int64_t *)sent_off.buf;
    const unsigned char *cd = (const unsigned char *)codes.buf;
    const uint32_t *id = (const uint32_t *)ids.buf;
    const int64_t *to = (const int64_t *)tok_off.buf;
    if (na < 0 || tok_off.len != sent_off.len || ids.len != 4 * nt || counts.len % 4 ||
        sent_off.len % 8) {
        PyErr_SetString(PyExc_ValueError, "pack: arrays of mismatched sizes");
        goto done;
    }
    Py_ssize_t total = 0;
    for (Py_ssize_t a = 0; a < na; a++) {
        if (so[a] < 0 || so[a + 1] < so[a] || so[a + 1] > ns || to[a] < 0 || to[a + 1] < to[a] ||
            to[a + 1] > nt) {
            PyErr_SetString(PyExc_ValueError, "pack: offsets out of range");
            goto done;
        }
        Py_ssize_t k = to[a + 1] - to[a], rare = 0;
        for (Py_ssize_t q = to[a]; q < to[a + 1]; q++)
            rare += cd[q] == 0;
        total += 4 * (so[a + 1] - so[a]) + k + ((4 - k % 4) % 4) + 4 * rare;
    }
    blob = PyBytes_FromStringAndSize(NULL, total);
    offs = PyBytes_FromStringAndSize(NULL, 8 * (na + 1));
    if (!blob || !offs)
        goto done;
    unsigned char *out = (unsigned char *)PyBytes_AS_STRING(blob);
    int64_t *oo = (int64_t *)PyBytes_AS_STRING(offs);
    Py_ssize_t pos = 0;
    for (Py_ssize_t a = 0; a < na; a++) {
        oo[a] = pos;
        for (Py_ssize_t s = so[a]; s < so[a + 1]; s++, pos += 4)
            put_u32(out + pos, cn[s]);
        Py_ssize_t k = to[a + 1] - to[a];
        memcpy(out + pos, cd + to[a], k);
        pos += k;
        for (Py_ssize_t q = 0; q < (4 - k % 4) % 4; q++)
            out[pos++] = 0;
        for (Py_ssize_t q = to[a]; q < to[a + 1]; q++)
            if (cd[q] == 0) {
                put_u32(out + pos, id[q]);
                pos += 4;
            }
    }
    oo[na] = pos;
    PyBuffer_Release(&counts);
    PyBuffer_Release(&sent_off);
    PyBuffer_Release(&codes);
    PyBuffer_Release(&ids);
    PyBuffer_Release(&tok_off);
    return Py_BuildValue("(NN)", blob, offs);
done:
    Py_XDECREF(blob);
    Py_XDECREF(offs);
    PyBuffer_Release(&counts);
    PyBuffer_Release(&sent_off);
    PyBuffer_Release(&codes);
    PyBuffer_Release(&ids);
    PyBuffer_Release(&tok_off);
    return NULL;
}

/* postings(pair_hashes, pair_rowids) -> (hashes, blobs)
 * One posting block per distinct term hash: the hashes as int64 (the uint64 values
 * reinterpreted, as SQLite stores them), ascending and, for each, the rowids of its pairs in input order as little-endian
 * uint32 bytes (the input lists a batch's articles in rowid order, so each block ascends). */
typedef struct {
    int64_t m;      /* distinct keys */
    uint64_t *keys; /* by first occurrence */
    int64_t *cnt;   /* pairs per key */
    int64_t *order; /* key ids by ascending int64 key */
    unsigned char *buf; /* rowids (uint32 LE) grouped by key, keys in ``order`` */
} plan_t;

static void
plan_free(plan_t *p)
{
    PyMem_RawFree(p->keys);
    PyMem_RawFree(p->cnt);
    PyMem_RawFree(p->order);
    PyMem_RawFree(p->buf);
}

/* postings' work without the GIL: 0, or -1 out of memory */
static int
postings_plan(const uint64_t *h, const uint32_t *r, Py_ssize_t n, plan_t *p)
{
    table_t table = {NULL, 0, 0};
    int64_t *tid = (int64_t *)PyMem_RawMalloc((n + 1) * sizeof(int64_t));
    int64_t *tmp = NULL, *pos = NULL;
    int rc = -1;
    p->keys = (uint64_t *)PyMem_RawMalloc((n + 1) * sizeof(uint64_t));
    p->cnt = (int64_t *)PyMem_RawCalloc(n + 1, sizeof(int64_t));
    if (!tid || !p->keys || !p->cnt || table_init(&table, 1 << 12) < 0)
        goto out;
    int64_t m = 0;
    for (Py_ssize_t k = 0; k < n; k++) {
        slot_t *sl = table_slot(&table, h[k]);
        if (!sl)
            goto out;
        if (sl->idx < 0) {
            sl->idx = m;
            p->keys[m++] = h[k];
        }
        tid[k] = sl->idx;
        p->cnt[sl->idx]++;
    }
    p->m = m;
    /* key ids by ascending int64 key: radix sort, 8 passes of 8 bits */
    p->order = (int64_t *)PyMem_RawMalloc((m + 1) * sizeof(int64_t));
    tmp = (int64_t *)PyMem_RawMalloc((m + 1) * sizeof(int64_t));
    if (!p->order || !tmp)
        goto out;
    for (int64_t j = 0; j < m; j++)
        p->order[j] = j;
    for (int shift = 0; shift < 64; shift += 8) {
        int64_t bucket[257] = {0};
        for (int64_t j = 0; j < m; j++)
            bucket[(((p->keys[p->order[j]] ^ SIGN) >> shift) & 0xFF) + 1]++;
        for (int b = 0; b < 256; b++)
            bucket[b + 1] += bucket[b];
        for (int64_t j = 0; j < m; j++)
            tmp[bucket[((p->keys[p->order[j]] ^ SIGN) >> shift) & 0xFF]++] = p->order[j];
        int64_t *sw = p->order;
        p->order = tmp;
        tmp = sw;
    }
    /* each key's block in the rowid buffer, blocks in key order, rowids in input order */
    pos = (int64_t *)PyMem_RawMalloc((m + 1) * sizeof(int64_t));
    p->buf = (unsigned char *)PyMem_RawMalloc(4 * (size_t)n + 1);
    if (!pos || !p->buf)
        goto out;
    int64_t at = 0;
    for (int64_t j = 0; j < m; j++) {
        pos[p->order[j]] = at;
        at += p->cnt[p->order[j]];
    }
    for (Py_ssize_t k = 0; k < n; k++)
        put_u32(p->buf + 4 * (pos[tid[k]]++), r[k]);
    rc = 0;
out:
    PyMem_RawFree(table.slots);
    PyMem_RawFree(tid);
    PyMem_RawFree(tmp);
    PyMem_RawFree(pos);
    return rc;
}

static PyObject *
fs_postings(PyObject *self, PyObject *args)
{
    Py_buffer ph, pr;
    if (!PyArg_ParseTuple(args, "y*y*", &ph, &pr))
        return NULL;
    PyObject *hashes = NULL, *blobs = NULL, *result = NULL;
    plan_t p = {0, NULL, NULL, NULL, NULL};
    Py_ssize_t n = ph.len / 8;
    if (ph.len % 8 || pr.len != 4 * n) {
        PyErr_SetString(PyExc_ValueError, "postings: arrays of mismatched sizes");
        goto done;
    }
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = postings_plan((const uint64_t *)ph.buf, (const uint32_t *)pr.buf, n, &p);
    Py_END_ALLOW_THREADS
    if (rc < 0) {
        PyErr_NoMemory();
        goto done;
    }
    hashes = PyBytes_FromStringAndSize(NULL, 8 * p.m);
    blobs = PyList_New(p.m);
    if (!hashes || !blobs)
        goto done;
    uint64_t *ho = (uint64_t *)PyBytes_AS_STRING(hashes);
    int64_t at = 0;
    for (int64_t j = 0; j < p.m; j++) {
        int64_t t = p.order[j];
        ho[j] = p.keys[t];
        PyObject *b = PyBytes_FromStringAndSize((const char *)p.buf + 4 * at, 4 * p.cnt[t]);
        if (!b)
            goto done;
        PyList_SET_ITEM(blobs, j, b);
        at += p.cnt[t];
    }
    result = Py_BuildValue("(NN)", hashes, blobs); /* steals both references */
    hashes = blobs = NULL;
done:
    plan_free(&p);
    Py_XDECREF(hashes);
    Py_XDECREF(blobs);
    PyBuffer_Release(&ph);
    PyBuffer_Release(&pr);
    return result;
}

/* ---- Index format 4: posting groups (issue 16, branch post16) ------------------------
 *
 * groups(pair_hashes, pair_rowids, base, bits[, shift]) -> (grps, dirs, datas)
 *   The posting rows of a batch (or of a merge). Pairs (term key = hash >> shift, 47 bits;
 *   rowid, int64, 0: left out), each key's rowids ascending in input order and >= base. Terms are grouped by the top ``bits`` of
 *   their key; one row per non-empty group, groups ascending: grps (int64 per row,
 *   (1 << bits) | (key >> (47 - bits))), dirs (bytes, per term of the group by ascending key,
 *   16 bytes: key uint64, count uint32, end uint32 = the byte end of its rowids in data),
 *   datas (bytes, per term, LEB128 varints: its first rowid - base, then each gap - 1).
 * lookup(keys, gids, row_grps, dirs, datas, bases) -> (offsets, rowids)
 *   Rows sorted by (group id, chunk); gids: for each level, each key's group id (level by
 *   level, int64[levels * k]). For key i, the rows of its group at each level in turn: the
 *   number of its rowids (offsets, int64[k + 1], cumulative) and, unless datas is None,
 *   the rowids themselves (uint32, key after key; else None).
 * decode(dir, data, base) -> (keys, counts, rowids)
 *   A whole row, validated (ValueError naming the problem).
 */
#define KEY_BITS 47

static inline uint64_t
get_u64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int q = 7; q >= 0; q--)
        v = (v << 8) | p[q];
    return v;
}

static inline uint32_t
get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static inline Py_ssize_t
put_varint(unsigned char *p, uint32_t v)
{
    Py_ssize_t n = 0;
    while (v >= 128) {
        p[n++] = (unsigned char)((v & 127) | 128);
        v >>= 7;
    }
    p[n++] = (unsigned char)v;
    return n;
}

typedef struct {
    int64_t ng;          /* non-empty groups */
    int64_t *gid;        /* group id of each */
    int64_t *tstart;     /* first term of each (ng + 1) */
    int64_t *dstart;     /* first data byte of each (ng + 1) */
    unsigned char *dir;  /* 16 bytes a term, ends relative to the group's data */
    unsigned char *data; /* varints */
} groups_t;

static void
groups_free(groups_t *g)
{
    PyMem_RawFree(g->gid);
    PyMem_RawFree(g->tstart);
    PyMem_RawFree(g->dstart);
    PyMem_RawFree(g->dir);
    PyMem_RawFree(g->data);
}

typedef struct {
    uint64_t key;
    int64_t tid;
} keyed_t;

static int
keyed_cmp(const void *a, const void *b)
{
    uint64_t x = ((const keyed_t *)a)->key, y = ((const keyed_t *)b)->key;
    return x < y ? -1 : x > y;
}

/* groups' work without the GIL: 0, -1 out of memory, -2 rowids not ascending or below base.
 * A counting sort of the pairs by the top (at most 16) bits of their key (the input order
 * kept within a bucket), then per bucket a small hash table of its keys (in cache), its
 * distinct keys sorted, its rowids laid out key by key, and the varints written. */
static int
groups_build(const uint64_t *h, const int64_t *r, Py_ssize_t n, int kshift, int64_t base, int bits,
             groups_t *g)
{
    int bb = bits < 16 ? bits : 16, bshift = KEY_BITS - bb, shift = KEY_BITS - bits;
    size_t nb = (size_t)1 << bb;
    int rc = -1;
    int64_t *start = (int64_t *)PyMem_RawCalloc(nb + 1, sizeof(int64_t));
    uint64_t *bk = NULL;
    uint32_t *br = NULL, *rowbuf = NULL;
    int64_t *tid = NULL, *off = NULL, *cnt = NULL;
    keyed_t *ks = NULL;
    slot_t *slots = NULL;
    size_t *used = NULL;
    Py_ssize_t m = 0, kept = 0;
    if (!start)
        goto out;
    for (Py_ssize_t k = 0; k < n; k++) {
        if (!r[k])
            continue;
        start[((h[k] >> kshift) >> bshift) + 1]++;
        kept++;
    }
    int64_t maxb = 0;
    for (size_t b = 0; b < nb; b++) {
        if (start[b + 1] > maxb)
            maxb = start[b + 1];
        start[b + 1] += start[b];
    }
    bk = (uint64_t *)PyMem_RawMalloc((kept + 1) * sizeof(uint64_t));
    br = (uint32_t *)PyMem_RawMalloc((kept + 1) * sizeof(uint32_t));
    g->gid = (int64_t *)PyMem_RawMalloc((kept + 1) * sizeof(int64_t));
    g->tstart = (int64_t *)PyMem_RawMalloc((kept + 2) * sizeof(int64_t));
    g->dstart = (int64_t *)PyMem_RawMalloc((kept + 2) * sizeof(int64_t));
    g->dir = (unsigned char *)PyMem_RawMalloc(16 * (size_t)kept + 1);
    g->data = (unsigned char *)PyMem_RawMalloc(5 * (size_t)kept + 1);
    if (!bk || !br || !g->gid || !g->tstart || !g->dstart || !g->dir || !g->data)
        goto out;
    {
        int64_t *pos = (int64_t *)PyMem_RawMalloc((nb + 1) * sizeof(int64_t));
        if (!pos)
            goto out;
        memcpy(pos, start, (nb + 1) * sizeof(int64_t));
        for (Py_ssize_t k = 0; k < n; k++) {
            if (!r[k])
                continue;
            uint64_t key = h[k] >> kshift;
            int64_t p = pos[key >> bshift]++;
            bk[p] = key;
            br[p] = (uint32_t)r[k];
        }
        PyMem_RawFree(pos);
    }
    size_t cap = 16;
    while (cap < 2 * (size_t)maxb)
        cap *= 2;
    slots = (slot_t *)PyMem_RawMalloc(cap * sizeof(slot_t));
    tid = (int64_t *)PyMem_RawMalloc((maxb + 1) * sizeof(int64_t));
    off = (int64_t *)PyMem_RawMalloc((maxb + 1) * sizeof(int64_t));
    cnt = (int64_t *)PyMem_RawMalloc((maxb + 1) * sizeof(int64_t));
    ks = (keyed_t *)PyMem_RawMalloc((maxb + 1) * sizeof(keyed_t));
    rowbuf = (uint32_t *)PyMem_RawMalloc((maxb + 1) * sizeof(uint32_t));
    used = (size_t *)PyMem_RawMalloc((maxb + 1) * sizeof(size_t));
    if (!slots || !tid || !off || !cnt || !ks || !rowbuf || !used)
        goto out;
    for (size_t q = 0; q < cap; q++)
        slots[q].idx = -1;
    int64_t pos = 0, ng = 0, j = 0;
    uint64_t cur = 0;
    for (size_t b = 0; b < nb; b++) {
        int64_t s0 = start[b], s1 = start[b + 1], nk = 0;
        if (s0 == s1)
            continue;
        size_t bcap = 16;
        while (bcap < 2 * (size_t)(s1 - s0))
            bcap *= 2;
        for (int64_t p = s0; p < s1; p++) {
            uint64_t key = bk[p];
            size_t q = table_home(key, bcap);
            while (slots[q].idx >= 0 && slots[q].key != key)
                q = (q + 1) & (bcap - 1);
            if (slots[q].idx < 0) {
                slots[q].key = key;
                slots[q].idx = nk;
                used[nk] = q;
                ks[nk].key = key;
                ks[nk].tid = nk;
                cnt[nk] = 0;
                nk++;
            }
            tid[p - s0] = slots[q].idx;
            cnt[slots[q].idx]++;
        }
        for (int64_t t = 0; t < nk; t++) /* empty the slots used, for the next bucket */
            slots[used[t]].idx = -1;
        qsort(ks, (size_t)nk, sizeof(keyed_t), keyed_cmp);
        int64_t at = 0;
        for (int64_t t = 0; t < nk; t++) {
            off[ks[t].tid] = at;
            at += cnt[ks[t].tid];
        }
        for (int64_t p = s0; p < s1; p++)
            rowbuf[off[tid[p - s0]]++] = br[p];
        /* off[t] is now the end of term t's rowids */
        for (int64_t t = 0; t < nk; t++, j++) {
            uint64_t key = ks[t].key;
            int64_t id = ks[t].tid, c = cnt[id], e = off[id];
            uint64_t grp = key >> shift;
            if (j == 0 || grp != cur) {
                g->gid[ng] = (int64_t)(((uint64_t)1 << bits) | grp);
                g->tstart[ng] = j;
                g->dstart[ng] = pos;
                ng++;
                cur = grp;
            }
            int64_t prev = -1;
            for (int64_t q = e - c; q < e; q++) {
                int64_t row = (int64_t)rowbuf[q], v;
                if (q == e - c) {
                    if (row < base) {
                        rc = -2;
                        goto out;
                    }
                    v = row - base;
                } else {
                    if (row <= prev) {
                        rc = -2;
                        goto out;
                    }
                    v = row - prev - 1;
                }
                pos += put_varint(g->data + pos, (uint32_t)v);
                prev = row;
            }
            unsigned char *d = g->dir + 16 * j;
            for (int q = 0; q < 8; q++)
                d[q] = (unsigned char)(key >> (8 * q));
            put_u32(d + 8, (uint32_t)c);
            put_u32(d + 12, (uint32_t)(pos - g->dstart[ng - 1]));
        }
    }
    m = j;
    g->tstart[ng] = m;
    g->dstart[ng] = pos;
    g->ng = ng;
    rc = 0;
out:
    PyMem_RawFree(start);
    PyMem_RawFree(bk);
    PyMem_RawFree(br);
    PyMem_RawFree(rowbuf);
    PyMem_RawFree(tid);
    PyMem_RawFree(off);
    PyMem_RawFree(cnt);
    PyMem_RawFree(ks);
    PyMem_RawFree(slots);
    PyMem_RawFree(used);
    return rc;
}

static PyObject *
fs_groups(PyObject *self, PyObject *args)
{
    Py_buffer ph, pr;
    long long base;
    int bits, kshift = 0;
    if (!PyArg_ParseTuple(args, "y*y*Li|i", &ph, &pr, &base, &bits, &kshift))
        return NULL;
    PyObject *grps = NULL, *dirs = NULL, *datas = NULL, *result = NULL;
    groups_t g = {0, NULL, NULL, NULL, NULL, NULL};
    Py_ssize_t n = ph.len / 8;
    if (ph.len % 8 || pr.len != 8 * n || bits < 1 || bits > 32 || base < 0 || kshift < 0 ||
        kshift > 63) {
        PyErr_SetString(PyExc_ValueError, "groups: arrays of mismatched sizes or bad bits/base/shift");
        goto done;
    }
    const uint64_t *hs = (const uint64_t *)ph.buf;
    const int64_t *rows = (const int64_t *)pr.buf;
    for (Py_ssize_t k = 0; k < n; k++) {
        if (rows[k] && (hs[k] >> kshift) >> KEY_BITS) {
            PyErr_SetString(PyExc_ValueError, "groups: a key wider than 47 bits");
            goto done;
        }
        if (rows[k] < 0 || rows[k] > 0xFFFFFFFFLL) {
            PyErr_SetString(PyExc_ValueError, "groups: a rowid out of range");
            goto done;
        }
    }
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = groups_build(hs, rows, n, kshift, (int64_t)base, bits, &g);
    Py_END_ALLOW_THREADS
    if (rc == -2) {
        PyErr_SetString(PyExc_ValueError, "groups: a key's rowids are not ascending (or below base)");
        goto done;
    }
    if (rc < 0) {
        PyErr_NoMemory();
        goto done;
    }
    grps = PyBytes_FromStringAndSize((const char *)g.gid, 8 * g.ng);
    dirs = PyList_New(g.ng);
    datas = PyList_New(g.ng);
    if (!grps || !dirs || !datas)
        goto done;
    for (int64_t q = 0; q < g.ng; q++) {
        PyObject *d = PyBytes_FromStringAndSize((const char *)g.dir + 16 * g.tstart[q],
                                                16 * (g.tstart[q + 1] - g.tstart[q]));
        if (!d)
            goto done;
        PyList_SET_ITEM(dirs, q, d);
        PyObject *b = PyBytes_FromStringAndSize((const char *)g.data + g.dstart[q],
                                                g.dstart[q + 1] - g.dstart[q]);
        if (!b)
            goto done;
        PyList_SET_ITEM(datas, q, b);
    }
    result = Py_BuildValue("(NNN)", grps, dirs, datas); /* steals the three references */
    grps = dirs = datas = NULL;
done:
    groups_free(&g);
    Py_XDECREF(grps);
    Py_XDECREF(dirs);
    Py_XDECREF(datas);
    PyBuffer_Release(&ph);
    PyBuffer_Release(&pr);
    return result;
}

/* The directory of a row: NULL if sound, else what is wrong. */
static const char *
dir_problem(const unsigned char *dir, Py_ssize_t dlen, Py_ssize_t datalen)
{
    if (dlen % 16)
        return "its directory is not a whole number of entries";
    Py_ssize_t m = dlen / 16;
    uint64_t prev_key = 0;
    uint32_t prev_end = 0;
    for (Py_ssize_t j = 0; j < m; j++) {
        const unsigned char *d = dir + 16 * j;
        uint64_t key = get_u64(d);
        uint32_t cnt = get_u32(d + 8), end = get_u32(d + 12);
        if (j && key <= prev_key)
            return "its keys are not ascending";
        if (key >> KEY_BITS)
            return "a key is wider than 47 bits";
        if (cnt == 0)
            return "a term without rowids";
        if (end < prev_end || (uint64_t)end - prev_end < cnt)
            return "a term's rowids do not fit its bytes";
        prev_key = key;
        prev_end = end;
    }
    if ((Py_ssize_t)prev_end != datalen)
        return "its directory does not end where its data ends";
    return NULL;
}

/* Decodes one term's rowids (data[lo:hi], count values) into out: NULL, or the problem. */
static const char *
term_rowids(const unsigned char *data, Py_ssize_t lo, Py_ssize_t hi, uint32_t count, int64_t base,
            uint32_t *out)
{
    Py_ssize_t pos = lo;
    uint64_t prev = 0;
    for (uint32_t c = 0; c < count; c++) {
        uint64_t v = 0;
        for (int k = 0;; k++) {
            if (k == 5)
                return "a rowid's varint is longer than 5 bytes";
            if (pos >= hi)
                return "a term's rowids run past its bytes";
            unsigned char b = data[pos++];
            v |= (uint64_t)(b & 127) << (7 * k);
            if (!(b & 128))
                break;
        }
        uint64_t row = c == 0 ? (uint64_t)base + v : prev + 1 + v;
        if (row > 0xFFFFFFFFULL)
            return "a rowid out of range";
        out[c] = (uint32_t)row;
        prev = row;
    }
    if (pos != hi)
        return "a term's bytes hold more than its rowids";
    return NULL;
}

static PyObject *
fs_decode(PyObject *self, PyObject *args)
{
    Py_buffer dir, data;
    long long base;
    if (!PyArg_ParseTuple(args, "y*y*L", &dir, &data, &base))
        return NULL;
    PyObject *keys = NULL, *counts = NULL, *rows = NULL, *result = NULL;
    const unsigned char *d = (const unsigned char *)dir.buf, *b = (const unsigned char *)data.buf;
    const char *why = base < 0 ? "a negative base" : dir_problem(d, dir.len, data.len);
    if (why) {
        PyErr_SetString(PyExc_ValueError, why);
        goto done;
    }
    Py_ssize_t m = dir.len / 16, total = 0;
    for (Py_ssize_t j = 0; j < m; j++)
        total += get_u32(d + 16 * j + 8);
    keys = PyBytes_FromStringAndSize(NULL, 8 * m);
    counts = PyBytes_FromStringAndSize(NULL, 8 * m);
    rows = PyBytes_FromStringAndSize(NULL, 4 * total);
    if (!keys || !counts || !rows)
        goto done;
    uint64_t *ko = (uint64_t *)PyBytes_AS_STRING(keys);
    int64_t *co = (int64_t *)PyBytes_AS_STRING(counts);
    uint32_t *ro = (uint32_t *)PyBytes_AS_STRING(rows);
    Py_ssize_t lo = 0, at = 0;
    for (Py_ssize_t j = 0; j < m && !why; j++) {
        const unsigned char *e = d + 16 * j;
        uint32_t cnt = get_u32(e + 8), end = get_u32(e + 12);
        ko[j] = get_u64(e);
        co[j] = cnt;
        why = term_rowids(b, lo, end, cnt, base, ro + at);
        at += cnt;
        lo = end;
    }
    if (why) {
        PyErr_SetString(PyExc_ValueError, why);
        goto done;
    }
    result = Py_BuildValue("(NNN)", keys, counts, rows);
    keys = counts = rows = NULL;
done:
    Py_XDECREF(keys);
    Py_XDECREF(counts);
    Py_XDECREF(rows);
    PyBuffer_Release(&dir);
    PyBuffer_Release(&data);
    return result;
}

/* The entry of key in a directory of m entries, or -1. */
static Py_ssize_t
dir_find(const unsigned char *dir, Py_ssize_t m, uint64_t key)
{
    Py_ssize_t lo = 0, hi = m;
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        uint64_t k = get_u64(dir + 16 * mid);
        if (k < key)
            lo = mid + 1;
        else if (k > key)
            hi = mid;
        else
            return mid;
    }
    return -1;
}

/* The first of the n ascending values >= g. */
static Py_ssize_t
lower_bound(const int64_t *v, Py_ssize_t n, int64_t g)
{
    Py_ssize_t lo = 0, hi = n;
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        if (v[mid] < g)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static PyObject *
fs_lookup(PyObject *self, PyObject *args)
{
    Py_buffer kb, gb, rb, bb;
    PyObject *dirs, *datas;
    if (!PyArg_ParseTuple(args, "y*y*y*O!Oy*", &kb, &gb, &rb, &PyList_Type, &dirs, &datas, &bb))
        return NULL;
    PyObject *offs = NULL, *rows = NULL, *result = NULL;
    int64_t *hit_row = NULL, *hit_ent = NULL;
    Py_ssize_t k = kb.len / 8, nr = rb.len / 8, nl = k ? gb.len / 8 / k : 0;
    int decode = datas != Py_None;
    const uint64_t *keys = (const uint64_t *)kb.buf;
    const int64_t *gids = (const int64_t *)gb.buf, *rg = (const int64_t *)rb.buf;
    const int64_t *bases = (const int64_t *)bb.buf;
    if (kb.len % 8 || gb.len % 8 || (k && gb.len != 8 * nl * k) || rb.len % 8 ||
        PyList_GET_SIZE(dirs) != nr || bb.len != 8 * nr ||
        (decode && (!PyList_Check(datas) || PyList_GET_SIZE(datas) != nr))) {
        PyErr_SetString(PyExc_ValueError, "lookup: arguments of mismatched sizes");
        goto done;
    }
    for (Py_ssize_t q = 1; q < nr; q++)
        if (rg[q] < rg[q - 1]) {
            PyErr_SetString(PyExc_ValueError, "lookup: rows not in group order");
            goto done;
        }
    /* at most one hit per key and row */
    Py_ssize_t cap = 16, nh = 0;
    hit_row = (int64_t *)PyMem_RawMalloc(cap * sizeof(int64_t));
    hit_ent = (int64_t *)PyMem_RawMalloc(cap * sizeof(int64_t));
    offs = PyBytes_FromStringAndSize(NULL, 8 * (k + 1));
    if (!hit_row || !hit_ent || !offs) {
        PyErr_NoMemory();
        goto done;
    }
    int64_t *oo = (int64_t *)PyBytes_AS_STRING(offs);
    int64_t total = 0;
    oo[0] = 0;
    for (Py_ssize_t i = 0; i < k; i++) {
        for (Py_ssize_t l = 0; l < nl; l++) {
            int64_t g = gids[l * k + i];
            for (Py_ssize_t q = lower_bound(rg, nr, g); q < nr && rg[q] == g; q++) {
                PyObject *d = PyList_GET_ITEM(dirs, q);
                if (!PyBytes_Check(d) || PyBytes_GET_SIZE(d) % 16) {
                    PyErr_SetString(PyExc_ValueError, "lookup: a directory is not a whole number of entries");
                    goto done;
                }
                const unsigned char *dd = (const unsigned char *)PyBytes_AS_STRING(d);
                Py_ssize_t e = dir_find(dd, PyBytes_GET_SIZE(d) / 16, keys[i]);
                if (e < 0)
                    continue;
                if (nh == cap) {
                    cap *= 2;
                    int64_t *a = (int64_t *)PyMem_RawRealloc(hit_row, cap * sizeof(int64_t));
                    if (a)
                        hit_row = a;
                    int64_t *b = (int64_t *)PyMem_RawRealloc(hit_ent, cap * sizeof(int64_t));
                    if (b)
                        hit_ent = b;
                    if (!a || !b) {
                        PyErr_NoMemory();
                        goto done;
                    }
                }
                hit_row[nh] = q;
                hit_ent[nh++] = e;
                total += get_u32(dd + 16 * e + 8);
            }
        }
        oo[i + 1] = total;
    }
    if (!decode) {
        rows = Py_None;
        Py_INCREF(rows);
    } else {
        rows = PyBytes_FromStringAndSize(NULL, 4 * total);
        if (!rows)
            goto done;
        uint32_t *ro = (uint32_t *)PyBytes_AS_STRING(rows);
        int64_t at = 0;
        for (Py_ssize_t h = 0; h < nh; h++) {
            int64_t q = hit_row[h], e = hit_ent[h];
            PyObject *d = PyList_GET_ITEM(dirs, q), *b = PyList_GET_ITEM(datas, q);
            if (!PyBytes_Check(b)) {
                PyErr_SetString(PyExc_ValueError, "lookup: a row's data is not bytes");
                goto done;
            }
            const unsigned char *ent = (const unsigned char *)PyBytes_AS_STRING(d) + 16 * e;
            uint32_t cnt = get_u32(ent + 8), end = get_u32(ent + 12);
            uint32_t lo = e ? get_u32(ent - 4) : 0;
            const char *why = NULL;
            if (lo > end || (Py_ssize_t)end > PyBytes_GET_SIZE(b))
                why = "a term's bytes lie outside its row";
            else
                why = term_rowids((const unsigned char *)PyBytes_AS_STRING(b), lo, end, cnt, bases[q], ro + at);
            if (why) {
                PyErr_SetString(PyExc_ValueError, why);
                goto done;
            }
            at += cnt;
        }
    }
    result = Py_BuildValue("(NN)", offs, rows);
    offs = rows = NULL;
done:
    PyMem_RawFree(hit_row);
    PyMem_RawFree(hit_ent);
    Py_XDECREF(offs);
    Py_XDECREF(rows);
    PyBuffer_Release(&kb);
    PyBuffer_Release(&gb);
    PyBuffer_Release(&rb);
    PyBuffer_Release(&bb);
    return result;
}
/* ---- end of index format 4 ------------------------------------------------------------ */

/* ---- the diff's tokens (unspin.aligner.units) ------------------------------------------ */

static PyObject *s_word, *s_number, *s_punct, *s_comma, *s_empty;

/* units(text, low, unit_type) -> list of unit_type(start, end, text, kind, key)
 *   unspin.aligner.units' fast path: the tokens of TOKEN_RE (classes as in scan), a word's key
 *   the slice of ``low`` (text lower-cased, "’" as "'", the same length as text: the caller
 *   checks), a number's key its text without commas, a punctuation mark's key its text. */
static PyObject *
fs_units(PyObject *self, PyObject *args)
{
    PyObject *text, *low;
    PyTypeObject *unit;
    if (!PyArg_ParseTuple(args, "UUO!", &text, &low, &PyType_Type, &unit))
        return NULL;
    if (!PyType_IsSubtype(unit, &PyTuple_Type)) {
        PyErr_SetString(PyExc_TypeError, "unit_type must be a tuple subclass");
        return NULL;
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (PyUnicode_GET_LENGTH(low) != n) {
        PyErr_SetString(PyExc_ValueError, "low must be as long as text");
        return NULL;
    }
    PyObject *out = PyList_New(0);
    if (!out)
        return NULL;
    Py_ssize_t i = 0;
    while (i < n) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        int cls = cclass(c);
        if (cls == C_SPACE || cls == C_UNDERSCORE) {
            i++;
            continue;
        }
        Py_ssize_t j = cls == C_PUNCT ? i + 1 : token_end(kind, data, n, i, cls);
        PyObject *t = PyUnicode_Substring(text, i, j);
        if (!t)
            goto fail;
        PyObject *k = NULL, *kd;
        if (cls == C_LETTER) {
            kd = s_word;
            /* a word already in lower case (most are) keeps one string for text and key: the
             * same value as low[i:j], one allocation (and deallocation) less */
            int lkind = PyUnicode_KIND(low), same = 1;
            const void *ldata = PyUnicode_DATA(low);
            for (Py_ssize_t q = i; q < j; q++)
                if (PyUnicode_READ(kind, data, q) != PyUnicode_READ(lkind, ldata, q)) {
                    same = 0;
                    break;
                }
            if (same) {
                k = t;
                Py_INCREF(k);
            } else
                k = PyUnicode_Substring(low, i, j);
        } else if (cls == C_DIGIT) {
            kd = s_number;
            int comma = 0;
            for (Py_ssize_t q = i; q < j; q++)
                if (PyUnicode_READ(kind, data, q) == ',') {
                    comma = 1;
                    break;
                }
            if (comma)
                k = PyUnicode_Replace(t, s_comma, s_empty, -1);
            else {
                k = t;
                Py_INCREF(k);
            }
        } else {
            kd = s_punct;
            k = t;
            Py_INCREF(k);
        }
        if (!k) {
            Py_DECREF(t);
            goto fail;
        }
        PyObject *a = PyLong_FromSsize_t(i), *b = PyLong_FromSsize_t(j);
        PyObject *u = unit->tp_alloc(unit, 5);
        if (!a || !b || !u) {
            Py_XDECREF(a);
            Py_XDECREF(b);
            Py_XDECREF(u);
            Py_DECREF(t);
            Py_DECREF(k);
            goto fail;
        }
        Py_INCREF(kd);
        PyTuple_SET_ITEM(u, 0, a);
        PyTuple_SET_ITEM(u, 1, b);
        PyTuple_SET_ITEM(u, 2, t);
        PyTuple_SET_ITEM(u, 3, kd);
        PyTuple_SET_ITEM(u, 4, k);
        /* ints and strings only (and a type without __dict__): it can be in no reference cycle,
         * so the collector need not walk it (CPython untracks such plain tuples itself) */
        PyObject_GC_UnTrack(u);
        int rc = PyList_Append(out, u);
        Py_DECREF(u);
        if (rc < 0)
            goto fail;
        i = j;
    }
    return out;
fail:
    Py_DECREF(out);
    return NULL;
}

static PyObject *s_hash, *s_under, *p_n, *p_w, *f_num, *f_word, *f_skel;

/* "s:a b c" (what PyUnicode_FromFormat("s:%U %U %U") gives, without parsing a format) */
static PyObject *
skeleton_key(PyObject *a, PyObject *b, PyObject *c)
{
    Py_ssize_t la = PyUnicode_GET_LENGTH(a), lb = PyUnicode_GET_LENGTH(b), lc = PyUnicode_GET_LENGTH(c);
    Py_UCS4 mx = PyUnicode_MAX_CHAR_VALUE(a);
    if (PyUnicode_MAX_CHAR_VALUE(b) > mx)
        mx = PyUnicode_MAX_CHAR_VALUE(b);
    if (PyUnicode_MAX_CHAR_VALUE(c) > mx)
        mx = PyUnicode_MAX_CHAR_VALUE(c);
    PyObject *out = PyUnicode_New(la + lb + lc + 4, mx);
    if (!out)
        return NULL;
    PyUnicode_WriteChar(out, 0, 's');
    PyUnicode_WriteChar(out, 1, ':');
    PyUnicode_WriteChar(out, 2 + la, ' ');
    PyUnicode_WriteChar(out, 3 + la + lb, ' ');
    if (PyUnicode_CopyCharacters(out, 2, a, 0, la) < 0 || PyUnicode_CopyCharacters(out, 3 + la, b, 0, lb) < 0
        || PyUnicode_CopyCharacters(out, 4 + la + lb, c, 0, lc) < 0) {
        Py_DECREF(out);
        return NULL;
    }
    return out;
}

/* count_words(text) -> int
 *   len(re.findall(r"\w+(?:['’\-]\w+)*", text)) without making the strings (\w: the classes
 *   above but space and punctuation). */
static PyObject *
fs_count_words(PyObject *self, PyObject *args)
{
    PyObject *text;
    if (!PyArg_ParseTuple(args, "U", &text))
        return NULL;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), i = 0, count = 0;
#define IS_W(c) (cclass(c) != C_SPACE && cclass(c) != C_PUNCT)
    while (i < n) {
        if (!IS_W(PyUnicode_READ(kind, data, i))) {
            i++;
            continue;
        }
        count++;
        for (;;) {
            while (i < n && IS_W(PyUnicode_READ(kind, data, i)))
                i++;
            if (i + 1 < n) {
                Py_UCS4 c = PyUnicode_READ(kind, data, i);
                if ((c == '\'' || c == 0x2019 || c == '-') && IS_W(PyUnicode_READ(kind, data, i + 1))) {
                    i += 2;
                    continue;
                }
            }
            break;
        }
    }
#undef IS_W
    return PyLong_FromSsize_t(count);
}

/* features(units, u0, u1, stopwords) -> (feats, n_content)
 *   unspin.aligner._features of units[u0:u1] (the same keys, values and insertion order). */
static PyObject *
fs_features(PyObject *self, PyObject *args)
{
    PyObject *us, *stop;
    Py_ssize_t u0, u1;
    if (!PyArg_ParseTuple(args, "O!nnO", &PyList_Type, &us, &u0, &u1, &stop))
        return NULL;
    if (!PyAnySet_Check(stop)) {
        PyErr_SetString(PyExc_TypeError, "stopwords must be a set");
        return NULL;
    }
    if (u0 < 0)
        u0 = 0;
    if (u1 > PyList_GET_SIZE(us))
        u1 = PyList_GET_SIZE(us);
    PyObject *feats = PyDict_New();
    Py_ssize_t cap = u1 > u0 ? u1 - u0 : 0, m = 0, n_content = 0;
    PyObject **skel = PyMem_Malloc((cap + 1) * sizeof(PyObject *)); /* borrowed */
    char *wild = PyMem_Malloc(cap + 1);
    if (!feats || !skel || !wild) {
        PyErr_NoMemory();
        goto fail;
    }
    for (Py_ssize_t q = u0; q < u1; q++) {
        PyObject *u = PyList_GET_ITEM(us, q);
        if (!PyTuple_Check(u) || PyTuple_GET_SIZE(u) != 5) {
            PyErr_SetString(PyExc_TypeError, "a unit must be a 5-tuple");
            goto fail;
        }
        PyObject *kd = PyTuple_GET_ITEM(u, 3), *key = PyTuple_GET_ITEM(u, 4);
        int is_num = PyUnicode_Check(kd) && PyUnicode_CompareWithASCIIString(kd, "number") == 0;
        int is_word = !is_num && PyUnicode_Check(kd) && PyUnicode_CompareWithASCIIString(kd, "word") == 0;
        if (!is_num && !is_word)
            continue;
        if (!PyUnicode_Check(key)) {
            PyErr_SetString(PyExc_TypeError, "a unit's key must be a str");
            goto fail;
        }
        if (is_num) {
            PyObject *f = PyUnicode_Concat(p_n, key);
            if (!f || PyDict_SetItem(feats, f, f_num) < 0) {
                Py_XDECREF(f);
                goto fail;
            }
            Py_DECREF(f);
            skel[m] = s_hash;
            wild[m++] = 1;
            continue;
        }
        int sw = PySet_Contains(stop, key);
        if (sw < 0)
            goto fail;
        if (sw) {
            skel[m] = key;
            wild[m++] = 0;
            continue;
        }
        n_content++;
        PyObject *stem = PyUnicode_Substring(key, 0, 5);
        PyObject *f = stem ? PyUnicode_Concat(p_w, stem) : NULL;
        Py_XDECREF(stem);
        if (!f || PyDict_SetItem(feats, f, f_word) < 0) {
            Py_XDECREF(f);
            goto fail;
        }
        Py_DECREF(f);
        skel[m] = s_under;
        wild[m++] = 1;
    }
    for (Py_ssize_t q = 0; q + 2 < m; q++) {
        if (wild[q] && wild[q + 1] && wild[q + 2])
            continue;
        PyObject *f = skeleton_key(skel[q], skel[q + 1], skel[q + 2]);
        if (!f || PyDict_SetItem(feats, f, f_skel) < 0) {
            Py_XDECREF(f);
            goto fail;
        }
        Py_DECREF(f);
    }
    PyMem_Free(skel);
    PyMem_Free(wild);
    PyObject *r = Py_BuildValue("(Nn)", feats, n_content);
    return r;
fail:
    Py_XDECREF(feats);
    PyMem_Free(skel);
    PyMem_Free(wild);
    return NULL;
}

/* ---- sentences (unspin.text.split_sentences) ------------------------------------------- */

static PyObject *s_lower;

/* the splitter's character tests below 128 (each as str's method or the regular expression's
 * class says, filled in at import); above, the Py_UNICODE_IS* macros those use */
enum { SP_NL = 1, SP_STOP = 2, SP_CLOSE = 4, SP_SPACE = 8, SP_WORD = 16, SP_LOWER = 32 };
static unsigned char sent_ascii[128];

static inline int
sp_space(Py_UCS4 c) /* \s, str.isspace */
{
    return c < 128 ? sent_ascii[c] & SP_SPACE : Py_UNICODE_ISSPACE(c);
}

static inline int
sp_word(Py_UCS4 c) /* str.isalnum or "._" */
{
    return c < 128 ? sent_ascii[c] & SP_WORD : Py_UNICODE_ISALNUM(c);
}

static inline int
sp_lower(Py_UCS4 c) /* str.islower of one character */
{
    return c < 128 ? sent_ascii[c] & SP_LOWER : Py_UNICODE_ISLOWER(c);
}

static inline int
sp_close(Py_UCS4 c) /* ["'”’)\]] */
{
    return c < 128 ? sent_ascii[c] & SP_CLOSE : c == 0x201D || c == 0x2019;
}

/* The ASCII words of the last abbreviation frozenset seen (its strong reference in
 * abbrev_set), in an open-addressing table, so that an ASCII word before a full stop is looked
 * up without making a str. Only a frozenset (it cannot change) of exact str members is read
 * so; words longer than AB_LEN, or not ASCII, and any other set go through PySet_Contains. */
#define AB_LEN 15
#define AB_SLOTS 256
static PyObject *abbrev_set;
static int abbrev_table_ok;
static char abbrev_table[AB_SLOTS][AB_LEN];
static unsigned char abbrev_len[AB_SLOTS]; /* 0: an empty slot */

static inline unsigned
ab_hash(const char *w, Py_ssize_t n)
{
    uint32_t h = 2166136261u;
    for (Py_ssize_t q = 0; q < n; q++)
        h = (h ^ (unsigned char)w[q]) * 16777619u;
    return h & (AB_SLOTS - 1);
}

/* Reads abbrev into abbrev_table unless it is there: 1 when its ASCII words are in the table,
 * 0 when it cannot be read so, -1 on error. (The table is used while abbrev_set is the set
 * looked up and abbrev_table_ok: a finalizer run by the collector during a call could call
 * again with another set.) */
static int
abbrev_table_for(PyObject *abbrev)
{
    if (abbrev == abbrev_set)
        return abbrev_table_ok;
    PyObject *old = abbrev_set; /* released last (its release could run a finalizer) */
    abbrev_set = NULL;
    abbrev_table_ok = 0;
    memset(abbrev_len, 0, sizeof abbrev_len);
    int ok = PyFrozenSet_CheckExact(abbrev) && PySet_GET_SIZE(abbrev) <= AB_SLOTS / 2;
    if (ok) {
        PyObject *it = PyObject_GetIter(abbrev), *key;
        if (!it) {
            Py_XDECREF(old);
            return -1;
        }
        while (ok && (key = PyIter_Next(it))) {
            Py_ssize_t n = PyUnicode_CheckExact(key) ? PyUnicode_GET_LENGTH(key) : -1;
            if (n < 0)
                ok = 0;
            else if (PyUnicode_IS_ASCII(key) && n > 0 && n <= AB_LEN) {
                /* (an ASCII word of at most AB_LEN characters equals no other key) */
                const char *w = (const char *)PyUnicode_1BYTE_DATA(key);
                unsigned h = ab_hash(w, n);
                while (abbrev_len[h])
                    h = (h + 1) & (AB_SLOTS - 1);
                memcpy(abbrev_table[h], w, n);
                abbrev_len[h] = (unsigned char)n;
            }
            Py_DECREF(key);
        }
        Py_DECREF(it);
        if (PyErr_Occurred()) {
            memset(abbrev_len, 0, sizeof abbrev_len);
            Py_XDECREF(old);
            return -1;
        }
    }
    if (!ok)
        memset(abbrev_len, 0, sizeof abbrev_len);
    Py_INCREF(abbrev);
    abbrev_set = abbrev;
    abbrev_table_ok = ok;
    Py_XDECREF(old);
    return ok;
}

static inline int
ab_contains(const char *w, Py_ssize_t n)
{
    unsigned h = ab_hash(w, n);
    while (abbrev_len[h]) {
        if (abbrev_len[h] == n && memcmp(abbrev_table[h], w, n) == 0)
            return 1;
        h = (h + 1) & (AB_SLOTS - 1);
    }
    return 0;
}

/* 1 when text[k:dot].lower() is in abbrev or one character long, 0 when not, -1 on error
 * (Python's str.lower: for a word not all ASCII the method itself, its length may change) */
static int
abbrev_or_initial(PyObject *text, int kind, const void *data, Py_ssize_t k, Py_ssize_t dot, PyObject *abbrev)
{
    Py_ssize_t n = dot - k;
    char buf[AB_LEN];
    int ascii = 1;
    for (Py_ssize_t q = k; q < dot; q++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, q);
        if (c >= 128) {
            ascii = 0;
            break;
        }
        if (q - k < AB_LEN)
            buf[q - k] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    }
    if (ascii && n == 1)
        return 1; /* an initial (in abbrev or not) */
    if (ascii && n <= AB_LEN && abbrev == abbrev_set && abbrev_table_ok)
        return ab_contains(buf, n);
    PyObject *w;
    if (ascii) {
        w = PyUnicode_New(n, 127);
        if (!w)
            return -1;
        Py_UCS1 *o = PyUnicode_1BYTE_DATA(w);
        for (Py_ssize_t q = k; q < dot; q++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, q);
            o[q - k] = (Py_UCS1)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
        }
    } else {
        PyObject *sub = PyUnicode_Substring(text, k, dot);
        if (!sub)
            return -1;
        w = PyObject_CallMethodNoArgs(sub, s_lower);
        Py_DECREF(sub);
        if (!w)
            return -1;
    }
    int r = PySet_Contains(abbrev, w);
    if (r == 0 && PyUnicode_Check(w) && PyUnicode_GET_LENGTH(w) == 1)
        r = 1;
    Py_DECREF(w);
    return r;
}

/* append (s, e) to out with the whitespace at both ends trimmed, unless nothing is left */
static int
add_span(PyObject *out, int kind, const void *data, Py_ssize_t s, Py_ssize_t e)
{
    while (s < e && sp_space(PyUnicode_READ(kind, data, s)))
        s++;
    while (e > s && sp_space(PyUnicode_READ(kind, data, e - 1)))
        e--;
    if (e <= s)
        return 0;
    PyObject *a = PyLong_FromSsize_t(s), *b = PyLong_FromSsize_t(e);
    PyObject *t = PyTuple_New(2);
    if (!a || !b || !t) {
        Py_XDECREF(a);
        Py_XDECREF(b);
        Py_XDECREF(t);
        return -1;
    }
    PyTuple_SET_ITEM(t, 0, a);
    PyTuple_SET_ITEM(t, 1, b);
    PyObject_GC_UnTrack(t); /* two ints: in no reference cycle */
    int rc = PyList_Append(out, t);
    Py_DECREF(t);
    return rc;
}

#if defined(__GNUC__) || defined(__clang__)
#define SP_INLINE static inline __attribute__((always_inline))
#else
#define SP_INLINE static inline
#endif

/* The splitter in one pass over text[start:end] (0 <= start, end <= len), into out; 0, or -1
 * on error. Inlined once per string kind (a constant there). Lines end at "\n", which is also
 * whitespace: so a candidate end before it (or at end) is one at its line's end, and the next
 * character after the spaces is looked for up to it. */
SP_INLINE int
sentences_kind(PyObject *out, PyObject *text, const int kind, const void *data, Py_ssize_t start,
               Py_ssize_t end, PyObject *abbrev)
{
    Py_ssize_t i = start, cur = start; /* cur: where the pending sentence starts */
    while (i < end) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c >= 128 || !(sent_ascii[c] & (SP_NL | SP_STOP))) {
            i++;
            continue;
        }
        if (c == '\n') {
            if (cur < i && add_span(out, kind, data, cur, i) < 0)
                return -1;
            cur = ++i;
            continue;
        }
        Py_ssize_t dot = i, q = i + 1;
        while (q < end && PyUnicode_READ(kind, data, q) < 128 && (sent_ascii[PyUnicode_READ(kind, data, q)] & SP_STOP))
            q++;
        while (q < end && sp_close(PyUnicode_READ(kind, data, q)))
            q++;
        i = q;
        if (q < end && !sp_space(PyUnicode_READ(kind, data, q)))
            continue; /* no match here: the search goes on after it */
        Py_ssize_t cut = q;
        if (c == '.') {
            Py_ssize_t k = dot;
            while (k > cur && sp_word(PyUnicode_READ(kind, data, k - 1)))
                k--;
            if (k < dot) {
                int r = abbrev_or_initial(text, kind, data, k, dot, abbrev);
                if (r < 0)
                    return -1;
                if (r)
                    continue;
            }
        }
        Py_ssize_t r = cut;
        Py_UCS4 d = 0;
        while (r < end && (d = PyUnicode_READ(kind, data, r)) != '\n' && sp_space(d))
            r++;
        if (r < end && sp_lower(d)) /* ("\n" is not lower-case) */
            continue;
        if (add_span(out, kind, data, cur, cut) < 0)
            return -1;
        cur = cut;
    }
    if (cur < end && add_span(out, kind, data, cur, end) < 0)
        return -1;
    return 0;
}

/* sentences(text, start, end, abbrev) -> list of (start, end)
 *   unspin.text._split_sentences_py(text, start, end) with its _ABBREV set (a frozenset: read
 *   once into a table): lines are the runs of _LINE_RE.finditer(text, start, end) (start and
 *   end clipped to [0, len] as the regular expression engine clips pos and endpos); in a line,
 *   a candidate end is a maximal run of ".!?" and then of closing quotes and brackets, followed
 *   by whitespace (\s: Py_UNICODE_ISSPACE) or the line's end (else the search resumes after
 *   it: no shorter match of _SENT_END can end there); it splits unless it starts with "."
 *   after an abbreviation or an initial, or the next character after the spaces is lower-case
 *   (str.islower). */
static PyObject *
fs_sentences(PyObject *self, PyObject *args)
{
    PyObject *text, *abbrev;
    Py_ssize_t start, end;
    if (!PyArg_ParseTuple(args, "UnnO", &text, &start, &end, &abbrev))
        return NULL;
    if (!PyAnySet_Check(abbrev)) {
        PyErr_SetString(PyExc_TypeError, "abbrev must be a set");
        return NULL;
    }
    if (abbrev_table_for(abbrev) < 0)
        return NULL;
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (start < 0)
        start = 0;
    else if (start > n)
        start = n;
    if (end < 0)
        end = 0;
    else if (end > n)
        end = n;
    PyObject *out = PyList_New(0);
    if (!out)
        return NULL;
    int rc;
    switch (PyUnicode_KIND(text)) {
    case PyUnicode_1BYTE_KIND:
        rc = sentences_kind(out, text, PyUnicode_1BYTE_KIND, data, start, end, abbrev);
        break;
    case PyUnicode_2BYTE_KIND:
        rc = sentences_kind(out, text, PyUnicode_2BYTE_KIND, data, start, end, abbrev);
        break;
    default:
        rc = sentences_kind(out, text, PyUnicode_4BYTE_KIND, data, start, end, abbrev);
        break;
    }
    if (rc < 0) {
        Py_DECREF(out);
        return NULL;
    }
    return out;
}

static PyObject *
fs_classes(PyObject *self, PyObject *args)
{
    PyObject *text;
    if (!PyArg_ParseTuple(args, "U", &text))
        return NULL;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    PyObject *out = PyBytes_FromStringAndSize(NULL, n);
    if (!out)
        return NULL;
    unsigned char *o = (unsigned char *)PyBytes_AS_STRING(out);
    for (Py_ssize_t i = 0; i < n; i++)
        o[i] = (unsigned char)cclass(PyUnicode_READ(kind, data, i));
    return out;
}

/* pair_scores(copy_feats, source_feats, cells_max, df_cap) -> list | None
 *   unspin.aligner._pair_scores for two documents' sentences (lists of feature -> base weight
 *   dicts): (copy sentence, source sentence, containment, dice, shared content features) of
 *   every pair that shares a feature, in (copy, source) order, with the same floats as the
 *   Python code (weights base * log(1 + n / df) of each feature's first occurrence, totals and
 *   shared sums added in the same order). None when the Python code takes another path: a
 *   feature in more than df_cap sentences, or more than cells_max (copy x source) cells. */
static PyObject *
fs_pair_scores(PyObject *self, PyObject *args)
{
    PyObject *cl, *sl;
    Py_ssize_t cells_max, df_cap;
    if (!PyArg_ParseTuple(args, "O!O!nn", &PyList_Type, &cl, &PyList_Type, &sl, &cells_max, &df_cap))
        return NULL;
    Py_ssize_t nc = PyList_GET_SIZE(cl), ns = PyList_GET_SIZE(sl), nsent = nc + ns, total = 0;
    for (Py_ssize_t q = 0; q < nsent; q++) {
        PyObject *d = q < nc ? PyList_GET_ITEM(cl, q) : PyList_GET_ITEM(sl, q - nc);
        if (!PyDict_Check(d)) {
            PyErr_SetString(PyExc_TypeError, "a sentence's features must be a dict");
            return NULL;
        }
        total += PyDict_GET_SIZE(d);
    }
    PyObject *fidx = PyDict_New(), *out = NULL;
    Py_ssize_t nf = 0;
    /* per feature: document frequency, weight, content flag; per sentence: feature ids (flat) */
    Py_ssize_t *df = PyMem_Calloc(total + 1, sizeof(Py_ssize_t));
    double *wt = PyMem_Malloc((total + 1) * sizeof(double));
    char *content = PyMem_Malloc(total + 1);
    Py_ssize_t *ids = PyMem_Malloc((total + 1) * sizeof(Py_ssize_t));
    Py_ssize_t *sptr = PyMem_Malloc((nsent + 1) * sizeof(Py_ssize_t));
    double *tot = PyMem_Malloc((nsent + 1) * sizeof(double));
    Py_ssize_t *pptr = NULL, *post = NULL, *counts = NULL;
    double *shared = NULL;
    if (!fidx || !df || !wt || !content || !ids || !sptr || !tot) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t m = 0;
    for (Py_ssize_t q = 0; q < nsent; q++) {
        PyObject *d = q < nc ? PyList_GET_ITEM(cl, q) : PyList_GET_ITEM(sl, q - nc), *key, *val;
        Py_ssize_t pos = 0;
        sptr[q] = m;
        while (PyDict_Next(d, &pos, &key, &val)) {
            if (!PyUnicode_Check(key) || PyUnicode_GET_LENGTH(key) == 0) {
                PyErr_SetString(PyExc_TypeError, "a feature must be a non-empty str");
                goto done;
            }
            PyObject *k = PyDict_GetItemWithError(fidx, key); /* borrowed */
            Py_ssize_t f;
            if (k) {
                f = PyLong_AsSsize_t(k);
            } else {
                if (PyErr_Occurred())
                    goto done;
                double b = PyFloat_AsDouble(val);
                if (b == -1.0 && PyErr_Occurred())
                    goto done;
                f = nf++;
                PyObject *v = PyLong_FromSsize_t(f);
                if (!v || PyDict_SetItem(fidx, key, v) < 0) {
                    Py_XDECREF(v);
                    goto done;
                }
                Py_DECREF(v);
                wt[f] = b; /* the base weight of the first occurrence, made a weight below */
                content[f] = PyUnicode_READ_CHAR(key, 0) != 's';
            }
            df[f]++;
            ids[m++] = f;
        }
    }
    sptr[nsent] = m;
    Py_ssize_t maxdf = 0;
    for (Py_ssize_t f = 0; f < nf; f++) {
        wt[f] = wt[f] * log(1.0 + (double)nsent / (double)df[f]);
        if (df[f] > maxdf)
            maxdf = df[f];
    }
    if (maxdf > df_cap || (nc && ns && nc > cells_max / ns)) {
        out = Py_NewRef(Py_None);
        goto done;
    }
    for (Py_ssize_t q = 0; q < nsent; q++) {
        double t = 0.0;
        for (Py_ssize_t r = sptr[q]; r < sptr[q + 1]; r++)
            t += wt[ids[r]];
        tot[q] = t;
    }
    /* the source sentences of each feature, in sentence order */
    pptr = PyMem_Calloc(nf + 1, sizeof(Py_ssize_t));
    post = PyMem_Malloc((sptr[nsent] - sptr[nc] + 1) * sizeof(Py_ssize_t));
    shared = PyMem_Malloc((ns + 1) * sizeof(double));
    counts = PyMem_Malloc((ns + 1) * sizeof(Py_ssize_t));
    if (!pptr || !post || !shared || !counts) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t r = sptr[nc]; r < sptr[nsent]; r++)
        pptr[ids[r] + 1]++;
    for (Py_ssize_t f = 0; f < nf; f++)
        pptr[f + 1] += pptr[f];
    {
        Py_ssize_t *fill = PyMem_Malloc((nf + 1) * sizeof(Py_ssize_t));
        if (!fill) {
            PyErr_NoMemory();
            goto done;
        }
        memcpy(fill, pptr, (nf + 1) * sizeof(Py_ssize_t));
        for (Py_ssize_t j = 0; j < ns; j++)
            for (Py_ssize_t r = sptr[nc + j]; r < sptr[nc + j + 1]; r++)
                post[fill[ids[r]]++] = j;
        PyMem_Free(fill);
    }
    out = PyList_New(0);
    if (!out)
        goto done;
    for (Py_ssize_t i = 0; i < nc; i++) {
        for (Py_ssize_t j = 0; j < ns; j++) {
            shared[j] = 0.0;
            counts[j] = 0;
        }
        for (Py_ssize_t r = sptr[i]; r < sptr[i + 1]; r++) {
            Py_ssize_t f = ids[r];
            double w = wt[f];
            for (Py_ssize_t p = pptr[f]; p < pptr[f + 1]; p++) {
                shared[post[p]] += w;
                if (content[f])
                    counts[post[p]]++;
            }
        }
        double ctot = tot[i];
        for (Py_ssize_t j = 0; j < ns; j++) {
            double sh = shared[j], st = tot[nc + j];
            if (!(sh > 0.0))
                continue;
            double lo = ctot < st ? ctot : st;
            if (!(lo > 0.0))
                continue;
            PyObject *t = Py_BuildValue("(nnddd)", i, j, sh / lo, 2.0 * sh / (ctot + st), (double)counts[j]);
            if (!t || PyList_Append(out, t) < 0) {
                Py_XDECREF(t);
                Py_CLEAR(out);
                goto done;
            }
            Py_DECREF(t);
        }
    }
done:
    Py_XDECREF(fidx);
    PyMem_Free(df);
    PyMem_Free(wt);
    PyMem_Free(content);
    PyMem_Free(ids);
    PyMem_Free(sptr);
    PyMem_Free(tot);
    PyMem_Free(pptr);
    PyMem_Free(post);
    PyMem_Free(shared);
    PyMem_Free(counts);
    return out;
}

/* A C-contiguous buffer of signed integers of ITEMSIZE bytes, or an error naming WHAT. */
static int
int_buffer(PyObject *obj, Py_buffer *view, Py_ssize_t itemsize, const char *what)
{
    if (PyObject_GetBuffer(obj, view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0)
        return -1;
    const char *f = view->format ? view->format : "B";
    if (*f == '<' || *f == '=' || *f == '@')
        f++;
    int ok = view->itemsize == itemsize && view->ndim == 1
             && (itemsize == 4 ? (f[0] == 'i' || (f[0] == 'l' && sizeof(long) == 4))
                               : (f[0] == 'q' || (f[0] == 'l' && sizeof(long) == 8)))
             && f[1] == '\0';
    if (!ok) {
        PyBuffer_Release(view);
        PyErr_Format(PyExc_TypeError, "%s must be a 1-d array of %zd-byte signed integers", what, itemsize);
        return -1;
    }
    return 0;
}

/* rows_hit(ids, indptr, heads, heads_ptr, rows, targets) -> bool
 *   unspin.differ._linked's test: some id in ``targets`` (a set of ints) is in the thesaurus
 *   row of one of ``rows`` (ids[indptr[i]:indptr[i + 1]], rows past the table have none) or in
 *   its reverse row (heads[heads_ptr[i]:heads_ptr[i + 1]]); int32 ids, int64 pointers. */
static PyObject *
fs_rows_hit(PyObject *self, PyObject *args)
{
    PyObject *ids_o, *indptr_o, *heads_o, *hptr_o, *rows, *targets;
    if (!PyArg_ParseTuple(args, "OOOOO!O", &ids_o, &indptr_o, &heads_o, &hptr_o, &PyList_Type, &rows, &targets))
        return NULL;
    if (!PyAnySet_Check(targets)) {
        PyErr_SetString(PyExc_TypeError, "targets must be a set of ints");
        return NULL;
    }
    Py_ssize_t nt = PySet_GET_SIZE(targets), q = 0;
    if (nt == 0 || PyList_GET_SIZE(rows) == 0)
        Py_RETURN_FALSE;
    long long *tv = PyMem_Malloc(nt * sizeof(long long));
    if (!tv)
        return PyErr_NoMemory();
    PyObject *it = PyObject_GetIter(targets), *key;
    if (!it) {
        PyMem_Free(tv);
        return NULL;
    }
    while (q < nt && (key = PyIter_Next(it))) {
        long long v = PyLong_AsLongLong(key);
        Py_DECREF(key);
        if (v == -1 && PyErr_Occurred())
            break;
        tv[q++] = v;
    }
    Py_DECREF(it);
    if (PyErr_Occurred()) {
        PyMem_Free(tv);
        return NULL;
    }
    nt = q;
    Py_buffer ids, indptr, heads, hptr;
    int got = 0, hit = 0;
    if (int_buffer(ids_o, &ids, 4, "ids") < 0)
        goto done;
    got = 1;
    if (int_buffer(indptr_o, &indptr, 8, "indptr") < 0)
        goto done;
    got = 2;
    if (int_buffer(heads_o, &heads, 4, "heads") < 0)
        goto done;
    got = 3;
    if (int_buffer(hptr_o, &hptr, 8, "heads_ptr") < 0)
        goto done;
    got = 4;
    const int32_t *idv = ids.buf, *hv = heads.buf;
    const int64_t *ip = indptr.buf, *hp = hptr.buf;
    Py_ssize_t nip = indptr.shape[0], nhp = hptr.shape[0], nid = ids.shape[0], nh = heads.shape[0];
    for (Py_ssize_t r = 0; r < PyList_GET_SIZE(rows) && !hit; r++) {
        Py_ssize_t i = PyLong_AsSsize_t(PyList_GET_ITEM(rows, r));
        if (i == -1 && PyErr_Occurred())
            goto done;
        if (i < 0 || i + 1 >= nhp) {
            PyErr_SetString(PyExc_IndexError, "a row is outside the reverse table");
            goto done;
        }
        for (int side = 0; side < 2 && !hit; side++) {
            const int64_t *p = side ? ip : hp;
            const int32_t *v = side ? idv : hv;
            Py_ssize_t n = side ? nid : nh;
            if (side && i + 1 >= nip)
                break; /* past the forward table: no row */
            int64_t a = p[i], b = p[i + 1];
            if (a < 0 || b > n || a > b) {
                PyErr_SetString(PyExc_ValueError, "a row pointer is out of range");
                goto done;
            }
            for (int64_t k = a; k < b && !hit; k++)
                for (Py_ssize_t t = 0; t < nt; t++)
                    if ((long long)v[k] == tv[t]) {
                        hit = 1;
                        break;
                    }
        }
    }
done:
    if (got >= 1)
        PyBuffer_Release(&ids);
    if (got >= 2)
        PyBuffer_Release(&indptr);
    if (got >= 3)
        PyBuffer_Release(&heads);
    if (got >= 4)
        PyBuffer_Release(&hptr);
    PyMem_Free(tv);
    if (PyErr_Occurred())
        return NULL;
    return PyBool_FromLong(hit);
}

/* records(type, slots, rows) -> list: one instance of ``type`` per row (a tuple), each value
 * stored in the member slot of the same position in ``slots`` (the record's fields' member
 * descriptors, ``getattr(type, name)``, in order, all of them). What a frozen slotted dataclass's
 * __init__ does with one object.__setattr__ call per field (a third of a microsecond each), at
 * one store per field: for a class with no __new__, __init__ or __post_init__ of its own beyond
 * the dataclass's field assignments, which the caller vouches for. */
static PyObject *
fs_records(PyObject *self, PyObject *args)
{
    PyObject *type, *slots, *rows;
    if (!PyArg_ParseTuple(args, "O!O!O!", &PyType_Type, &type, &PyTuple_Type, &slots, &PyList_Type, &rows))
        return NULL;
    PyTypeObject *tp = (PyTypeObject *)type;
    Py_ssize_t nf = PyTuple_GET_SIZE(slots);
    Py_ssize_t offsets[64];
    if (nf < 1 || nf > 64) {
        PyErr_SetString(PyExc_ValueError, "records: 1 to 64 slots");
        return NULL;
    }
    for (Py_ssize_t k = 0; k < nf; k++) {
        PyObject *d = PyTuple_GET_ITEM(slots, k);
        if (!PyObject_TypeCheck(d, &PyMemberDescr_Type)) {
            PyErr_SetString(PyExc_TypeError, "records: slots must be member descriptors");
            return NULL;
        }
        PyMemberDescrObject *md = (PyMemberDescrObject *)d;
        PyMemberDef *m = md->d_member;
        if (m->type != T_OBJECT_EX || (m->flags & READONLY) || !PyType_IsSubtype(tp, PyDescr_TYPE(md))
            || m->offset < (Py_ssize_t)sizeof(PyObject) || m->offset + (Py_ssize_t)sizeof(PyObject *) > tp->tp_basicsize) {
            PyErr_SetString(PyExc_TypeError, "records: a slot is not a writable object slot of the type");
            return NULL;
        }
        offsets[k] = m->offset;
    }
    Py_ssize_t n = PyList_GET_SIZE(rows);
    PyObject *out = PyList_New(n);
    if (out == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *row = PyList_GET_ITEM(rows, i);
        if (!PyTuple_Check(row) || PyTuple_GET_SIZE(row) != nf) {
            PyErr_SetString(PyExc_ValueError, "records: each row must be a tuple of one value per slot");
            Py_DECREF(out);
            return NULL;
        }
        PyObject *obj = tp->tp_alloc(tp, 0);
        if (obj == NULL) {
            Py_DECREF(out);
            return NULL;
        }
        for (Py_ssize_t k = 0; k < nf; k++) {
            PyObject **addr = (PyObject **)((char *)obj + offsets[k]);
            PyObject *v = PyTuple_GET_ITEM(row, k);
            Py_INCREF(v);
            Py_XSETREF(*addr, v);
        }
        PyList_SET_ITEM(out, i, obj);
    }
    return out;
}

static PyMethodDef methods[] = {
    {"scan", fs_scan, METH_VARARGS, "Tokens, hashes and flags of a text (see the module source)."},
    {"dedupe", fs_dedupe, METH_VARARGS, "Distinct terms of a batch and each article's terms."},
    {"postings", fs_postings, METH_VARARGS, "One posting block per distinct term hash."},
    {"pack", fs_pack, METH_VARARGS, "Every article's stored token form in one bytes object."},
    {"groups", fs_groups, METH_VARARGS, "Posting rows of term groups (index format 4)."},
    {"decode", fs_decode, METH_VARARGS, "One posting row decoded and validated (index format 4)."},
    {"lookup", fs_lookup, METH_VARARGS, "Keys' rowids (or counts) from posting rows (index format 4)."},
    {"classes", fs_classes, METH_VARARGS, "The character class of each code point (for tests)."},
    {"units", fs_units, METH_VARARGS, "unspin.aligner.units' tokens with keys (see the module source)."},
    {"features", fs_features, METH_VARARGS, "unspin.aligner._features of a sentence's units."},
    {"count_words", fs_count_words, METH_VARARGS, "How many words unspin.differ.summarize counts in a text."},
    {"rows_hit", fs_rows_hit, METH_VARARGS, "unspin.differ._linked's test of thesaurus rows against a set of ids."},
    {"pair_scores", fs_pair_scores, METH_VARARGS, "unspin.aligner._pair_scores of two documents' sentence features."},
    {"sentences", fs_sentences, METH_VARARGS, "unspin.text.split_sentences' spans (see the module source)."},
    {"records", fs_records, METH_VARARGS, "Instances of a slotted record class, one per row of values (see the module source)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "unspin._fastscan",
    "The index build's hot loops in C (optional; unspin.analyze has the reference).", -1, methods,
};

PyMODINIT_FUNC
PyInit__fastscan(void)
{
    for (int c = 0; c < 128; c++) {
        ascii_class[c] = (unsigned char)uclass((Py_UCS4)c);
        sent_ascii[c] = (unsigned char)((c == '\n' ? SP_NL : 0) | (c == '.' || c == '!' || c == '?' ? SP_STOP : 0)
                                        | (c == '"' || c == '\'' || c == ')' || c == ']' ? SP_CLOSE : 0)
                                        | (Py_UNICODE_ISSPACE(c) ? SP_SPACE : 0)
                                        | (Py_UNICODE_ISALNUM(c) || c == '.' || c == '_' ? SP_WORD : 0)
                                        | (Py_UNICODE_ISLOWER(c) ? SP_LOWER : 0));
    }
    s_word = PyUnicode_InternFromString("word");
    s_number = PyUnicode_InternFromString("number");
    s_punct = PyUnicode_InternFromString("punct");
    s_comma = PyUnicode_InternFromString(",");
    s_empty = PyUnicode_InternFromString("");
    s_hash = PyUnicode_InternFromString("#");
    s_under = PyUnicode_InternFromString("_");
    p_n = PyUnicode_InternFromString("n:");
    p_w = PyUnicode_InternFromString("w:");
    f_num = PyFloat_FromDouble(1.5);
    f_word = PyFloat_FromDouble(1.0);
    f_skel = PyFloat_FromDouble(0.5);
    s_lower = PyUnicode_InternFromString("lower");
    if (!s_lower || !s_word || !s_number || !s_punct || !s_comma || !s_empty || !s_hash || !s_under || !p_n || !p_w
        || !f_num || !f_word || !f_skel)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m && PyModule_AddIntConstant(m, "VERSION", FASTSCAN_VERSION) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
