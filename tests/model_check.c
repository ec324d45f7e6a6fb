/* Model-based random test: a seeded random sequence of winshm calls, checked
 * step by step against a small reference model of sections, handles, names
 * and views. The model says which result each call must return and which
 * bytes each view must show.
 *
 *   model_check.exe [--seed N] [--steps N] [--trace]
 *
 * Without --seed the seed comes from the clock; it is printed first, and a
 * failure prints the command line that replays it. */
#include <windows.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "winshm.h"
#include "test_support.h"

enum { NAMES = 3, SLOTS = 4, VIEWS = 6, SECTIONS = 32, HISTORY = 24 };
static uint64_t PAGE; /* winshm_page_size(), set first thing */

typedef struct section_model {
    int live;
    int name;               /* index into the name pool, -1 when unnamed */
    uint64_t size;          /* page-rounded */
    winshm_mode protection; /* the mode it was created with */
    int reserve;            /* reserve-only: pages need winshm_commit in each view */
    int handles, views;
    unsigned char *bytes;
    int ready_known;        /* open_or_init marked it READY, and ready_trailer holds what it wrote */
    unsigned char ready_trailer[40]; /* the trailer's checked fields (the library's layout) */
    uint64_t ready_size;    /* the size init was given, when ready_known */
} section_model;

typedef struct slot_model {
    int section;            /* -1 when empty */
    winshm_mode mode;
    uint64_t size;          /* what winshm_get_size says: the section's, or for open_or_init the size init was given */
} slot_model;

typedef struct view_model {
    int section;            /* -1 when empty */
    winshm_mode mode;
    uint64_t offset;
    size_t size;
    unsigned char *copy;    /* copy-on-write: the view's own bytes, valid for pages in `private_page` */
    unsigned char *private_page; /* per section page in the view: written, hence private */
    uint64_t first_page;
    unsigned char *committed; /* reserve-only sections: per section page in the view, committed through it */
} view_model;

static section_model sections[SECTIONS];
static slot_model slots[SLOTS];
static view_model views[VIEWS];
static int name_owner[NAMES];           /* section that holds the name, or -1 */
static char names[NAMES][96];
static winshm shms[SLOTS];
static winshm_view real_views[VIEWS];
static uint64_t rng_state, seed;
static long step;
static int on_wine, trace;
static char history[HISTORY][200];
static long result_counts[15];          /* by -result */
static long writes, private_writes, views_checked, commits;

static uint64_t next_random(void)
{
    /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ull;
}

static uint64_t below(uint64_t n)
{
    return next_random() % n;
}

static void note(const char *fmt, ...)
{
    va_list ap;
    char *line = history[step % HISTORY];
    va_start(ap, fmt);
    vsnprintf(line, sizeof history[0], fmt, ap);
    va_end(ap);
    if (trace)
        printf("%6ld %s\n", step, line);
}

static void fail(const char *fmt, ...)
{
    va_list ap;
    long s;
    fprintf(stderr, "\nmodel_check: FAILED at step %ld (seed %llu)\n  ", step, (unsigned long long)seed);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nthe last steps:\n");
    for (s = step - HISTORY + 1 < 0 ? 0 : step - HISTORY + 1; s <= step; ++s)
        fprintf(stderr, "  %6ld %s\n", s, history[s % HISTORY]);
    fprintf(stderr, "replay: model_check.exe --seed %llu --steps %ld --trace\n", (unsigned long long)seed, step + 1);
    printf("model_check: 0 passed, 1 failed\n");
    exit(1);
}

static void expect_result(const char *what, winshm_result got, winshm_result expected)
{
    if (got <= 0 && got >= -14)
        ++result_counts[-got];
    if (got != expected)
        fail("%s returned %d (%s), the model expected %d (%s)", what, (int)got, winshm_result_string(got),
             (int)expected, winshm_result_string(expected));
}

/* ---- the model ---- */

static void release_section(int id)
{
    section_model *s = &sections[id];
    if (s->handles == 0 && s->name >= 0 && name_owner[s->name] == id) {
        name_owner[s->name] = -1; /* the name goes with the last handle */
        s->name = -1;
    }
    if (s->handles == 0 && s->views == 0) {
        free(s->bytes);
        memset(s, 0, sizeof *s);
    }
}

static int new_section(int name, uint64_t size, winshm_mode protection, int reserve)
{
    int id;
    for (id = 0; id < SECTIONS && sections[id].live; ++id)
        ;
    if (id == SECTIONS)
        fail("model: out of section records");
    sections[id].live = 1;
    sections[id].name = name;
    sections[id].size = (size + PAGE - 1) / PAGE * PAGE;
    sections[id].protection = protection;
    sections[id].reserve = reserve;
    sections[id].bytes = (unsigned char *)calloc(1, (size_t)sections[id].size);
    if (name >= 0)
        name_owner[name] = id;
    return id;
}

static void model_close_slot(int slot)
{
    int id = slots[slot].section;
    if (id < 0)
        return;
    slots[slot].section = -1;
    slots[slot].mode = (winshm_mode)0;
    slots[slot].size = 0;
    --sections[id].handles;
    release_section(id);
}

static void model_unmap(int v)
{
    int id = views[v].section;
    if (id < 0)
        return;
    free(views[v].copy);
    free(views[v].private_page);
    free(views[v].committed);
    memset(&views[v], 0, sizeof views[v]);
    views[v].section = -1;
    --sections[id].views;
    release_section(id);
}

/* The byte a view must show at section offset `at`. */
static unsigned char view_byte(const view_model *v, uint64_t at)
{
    if (v->mode == WINSHM_COPY_ON_WRITE && v->private_page[at / PAGE - v->first_page])
        return v->copy[at - v->offset];
    return sections[v->section].bytes[at];
}

/* Whether the view may touch the byte at section offset `at`: a reserve-only
 * section's page must have been committed through this view. */
static int view_may_touch(const view_model *v, uint64_t at)
{
    return !sections[v->section].reserve || v->committed[at / PAGE - v->first_page];
}

/* ---- random arguments ---- */

static winshm_mode random_mode(void)
{
    static const int invalid[] = {0, 4, -1, 99};
    if (below(20) == 0)
        return (winshm_mode)invalid[below(4)];
    return (winshm_mode)(1 + below(3));
}

static int mode_is_valid(winshm_mode mode)
{
    return mode >= WINSHM_READ_ONLY && mode <= WINSHM_COPY_ON_WRITE;
}

static uint64_t random_size(void)
{
    /* around a page, around the granularity, and across it */
    const uint64_t grain = winshm_allocation_granularity();
    const uint64_t sizes[] = {1, 100, PAGE - 1, PAGE, PAGE + 1, grain - 1, grain, grain + 4464, 2 * grain + 9072};
    if (below(40) == 0)
        return below(2) ? 0 : UINT64_MAX - below(5000);
    return sizes[below(sizeof sizes / sizeof sizes[0])];
}

/* -1: NULL; -2: ""; -3: invalid UTF-8; otherwise a pool name. */
static int random_name(void)
{
    uint64_t r = below(40);
    if (r == 0)
        return -1;
    if (r == 1)
        return -2;
    if (r == 2)
        return -3;
    return (int)below(NAMES);
}

static const char *name_text(int name)
{
    return name == -1 ? NULL : name == -2 ? "" : name == -3 ? "Local\\bad\xff" : names[name];
}

static const char *mode_text(winshm_mode mode)
{
    switch (mode) {
    case WINSHM_READ_ONLY: return "RO";
    case WINSHM_READ_WRITE: return "RW";
    case WINSHM_COPY_ON_WRITE: return "COW";
    }
    return "bad-mode";
}

/* A random slot, mostly one that is open (want_open) or empty (!want_open),
 * so that most calls get past the argument checks; sometimes any slot. */
static int pick_slot(int want_open)
{
    int candidates[SLOTS], n = 0, i;
    for (i = 0; i < SLOTS; ++i)
        if ((slots[i].section >= 0) == want_open)
            candidates[n++] = i;
    if (n == 0 || below(8) == 0)
        return (int)below(SLOTS);
    return candidates[below((uint64_t)n)];
}

/* A random view, mostly a writable one when `writable`. */
static int pick_view(int writable)
{
    int candidates[VIEWS], n = 0, i;
    for (i = 0; i < VIEWS; ++i)
        if (views[i].section >= 0 && (!writable || views[i].mode != WINSHM_READ_ONLY))
            candidates[n++] = i;
    if (n == 0 || below(10) == 0)
        return (int)below(VIEWS);
    return candidates[below((uint64_t)n)];
}

/* A random view of a reserve-only section, or any view when there is none. */
static int pick_reserve_view(void)
{
    int candidates[VIEWS], n = 0, i;
    for (i = 0; i < VIEWS; ++i)
        if (views[i].section >= 0 && sections[views[i].section].reserve)
            candidates[n++] = i;
    if (n == 0 || below(6) == 0)
        return pick_view(0);
    return candidates[below((uint64_t)n)];
}

/* ---- the operations ---- */

enum { CREATE_ONLY, OPEN_OR_CREATE, OPEN_ONLY, CREATE_EX };

static winshm_result call_constructor(int kind, int wide, int slot, int name, winshm_mode mode, uint64_t size,
                                      const winshm_options *options, int *created)
{
    wchar_t wide_name[128];
    const wchar_t *w = NULL;
    const char *narrow = name_text(name);
    winshm *shm = &shms[slot];
    if (wide && narrow) {
        if (name == -3) {
            wide_name[0] = 'x';
            wide_name[1] = 0xD800; /* a lone surrogate: the UTF-16 twin of bad UTF-8 */
            wide_name[2] = 0;
        } else {
            MultiByteToWideChar(CP_UTF8, 0, narrow, -1, wide_name, 128);
        }
        w = wide_name;
    }
    switch (kind) {
    case CREATE_ONLY:
        return wide ? winshm_create_only_w(shm, w, mode, size, NULL) : winshm_create_only(shm, narrow, mode, size, NULL);
    case OPEN_OR_CREATE:
        return wide ? winshm_open_or_create_w(shm, w, mode, size, NULL, created)
                    : winshm_open_or_create(shm, narrow, mode, size, NULL, created);
    case CREATE_EX:
        return wide ? winshm_create_ex_w(shm, w, mode, size, options, created)
                    : winshm_create_ex(shm, narrow, mode, size, options, created);
    default:
        return wide ? winshm_open_only_w(shm, w, mode) : winshm_open_only(shm, narrow, mode);
    }
}

static void step_constructor(int kind)
{
    static const char *kinds[] = {"create_only", "open_or_create", "open_only", "create_ex"};
    static const unsigned flag_choices[] = {0, WINSHM_RESERVE, WINSHM_RESERVE, WINSHM_RESERVE, 0x2};
    int slot = pick_slot(0), name = random_name(), wide = (int)below(2), created = -1, owner;
    winshm_options options = {NULL, 0, 0};
    winshm_mode mode = random_mode();
    uint64_t size = kind == OPEN_ONLY ? 0 : random_size();
    winshm_result expected, got;
    int expect_created = 0, creating_only, opening_existing;
    if (kind == CREATE_EX) {
        options.flags = flag_choices[below(5)];
        options.open_existing = (int)below(2);
        if (options.flags & WINSHM_RESERVE && below(4) != 0)
            mode = WINSHM_READ_WRITE; /* mostly the mode a reservation needs */
    }
    creating_only = kind == CREATE_ONLY || (kind == CREATE_EX && !options.open_existing);
    opening_existing = kind == OPEN_OR_CREATE || (kind == CREATE_EX && options.open_existing);
    note("%s%s(slot %d, %s, %s, %llu, flags %u%s)", kinds[kind], wide ? "_w" : "", slot, name >= 0 ? names[name] : name == -1 ? "NULL" : name == -2 ? "\"\"" : "bad", mode_text(mode), (unsigned long long)size, options.flags, options.open_existing ? ", open_existing" : "");
    owner = name >= 0 ? name_owner[name] : -1;
    if (slots[slot].section >= 0 || !mode_is_valid(mode) || (name == -1 && !creating_only))
        expected = WINSHM_ERROR_INVALID_ARGUMENT;
    else if ((options.flags & ~(unsigned)WINSHM_RESERVE) || (options.flags & WINSHM_RESERVE && mode != WINSHM_READ_WRITE))
        expected = WINSHM_ERROR_INVALID_ARGUMENT;
    else if (kind != OPEN_ONLY && size == 0)
        expected = WINSHM_ERROR_INVALID_ARGUMENT;
    else if (kind != OPEN_ONLY && size > ((uint64_t)1 << 63) - PAGE)
        expected = WINSHM_ERROR_OUT_OF_RANGE;
    else if (name == -2 || name == -3)
        expected = WINSHM_ERROR_INVALID_NAME;
    else if (creating_only)
        expected = owner >= 0 ? WINSHM_ERROR_ALREADY_EXISTS : WINSHM_OK;
    else if (kind == OPEN_ONLY)
        expected = owner >= 0 ? WINSHM_OK : WINSHM_ERROR_NOT_FOUND;
    else if (owner >= 0)
        expected = sections[owner].size < size ? WINSHM_ERROR_OUT_OF_RANGE : WINSHM_OK;
    else
        expected = WINSHM_OK, expect_created = 1;
    if (creating_only && expected == WINSHM_OK)
        expect_created = 1;
    got = call_constructor(kind, wide, slot, name, mode, size, &options, &created);
    expect_result(kinds[kind], got, expected);
    if ((opening_existing || kind == CREATE_EX) && created != expect_created)
        fail("%s: *created is %d, the model expected %d", kinds[kind], created, expect_created);
    if (got != WINSHM_OK)
        return;
    if (owner < 0)
        owner = new_section(name, size, mode, (options.flags & WINSHM_RESERVE) != 0);
    slots[slot].section = owner;
    slots[slot].mode = mode;
    slots[slot].size = sections[owner].size;
    ++sections[owner].handles;
}

/* ---- open_or_init ----
 * The last 64 bytes of a section belong to the library; of them, the first
 * 40 (magic, sizes, check, state, flags) decide READY, and the state (bytes
 * 32-35) is set to 0 before init runs. The model learns what the library
 * wrote after each successful init, and predicts READY as "those 40 bytes
 * are unchanged since": only a view made through open_only or create can
 * touch them; one made through open_or_init ends at the size init was given.
 * Before init runs again on an existing section, [0, size) is zeroed. */
enum { TRAILER = 64, TRAILER_CHECKED = 40, TRAILER_STATE = 32 };

typedef struct model_init { uint32_t seed; int fail; } model_init;

static unsigned char init_byte(uint32_t pattern, uint64_t i)
{
    return (unsigned char)(pattern + (i * 2654435761u >> 7));
}

static int model_init_fn(const winshm_view *view, void *context)
{
    const model_init *m = (const model_init *)context;
    size_t i;
    if (m->fail)
        return 1;
    if (winshm_commit(view, 0, 0) != WINSHM_OK) /* a reserve-only section: commit before writing */
        return 2;
    for (i = 0; i < view->size; ++i)
        ((unsigned char *)view->data)[i] = init_byte(m->seed, i);
    return 0;
}

static int model_ready(int id)
{
    const section_model *s = &sections[id];
    return s->ready_known && memcmp(s->bytes + s->size - TRAILER, s->ready_trailer, TRAILER_CHECKED) == 0;
}

static void step_open_or_init(void)
{
    int slot = pick_slot(0), name = random_name(), wide = (int)below(2), with_init = below(3) != 0;
    int created = -1, expect_created = 0, owner, runs_init = 0;
    winshm_mode mode = with_init && below(8) != 0 ? WINSHM_READ_WRITE : random_mode();
    uint64_t size = below(4) == 0 ? 0 : random_size();
    /* a reader waits only if asked to: briefly, now and then */
    const DWORD timeout_ms = with_init ? 1000 : below(8) == 0 ? 1 : 0;
    winshm_options options = {NULL, 0, 0};
    model_init init;
    winshm_result expected, got;
    wchar_t wide_name[128];
    const char *narrow = name_text(name);
    init.seed = (uint32_t)next_random();
    init.fail = below(6) == 0;
    options.flags = below(4) == 0 ? (unsigned)WINSHM_RESERVE : 0u;
    options.open_existing = (int)below(2); /* ignored */
    owner = name >= 0 ? name_owner[name] : -1;
    /* Windows refuses a read-write view of a section made read-only, and Wine
     * grants it: the model does not predict which. */
    if (owner >= 0 && sections[owner].protection != WINSHM_READ_WRITE && (with_init || mode == WINSHM_READ_WRITE))
        return;
    /* Before a re-init, a reserve-only section is zeroed where its pages are
     * committed, and Wine's VirtualQuery misses some that other views
     * committed: what a failing init leaves there is not predicted on Wine. */
    if (on_wine && with_init && init.fail && owner >= 0 && sections[owner].reserve && !model_ready(owner))
        return;
    note("open_or_init%s(slot %d, %s, %s, %llu, %s%s%s)", wide ? "_w" : "", slot,
         name >= 0 ? names[name] : name == -1 ? "NULL" : name == -2 ? "\"\"" : "bad", mode_text(mode),
         (unsigned long long)size, with_init ? (init.fail ? "init failing" : "init") : "no init",
         options.flags ? ", reserve" : "", options.open_existing ? ", open_existing" : "");
    if (slots[slot].section >= 0 || !mode_is_valid(mode) || name == -1 ||
        (with_init && (mode != WINSHM_READ_WRITE || size == 0)))
        expected = WINSHM_ERROR_INVALID_ARGUMENT;
    else if (size > ((uint64_t)1 << 63) - PAGE - TRAILER)
        expected = WINSHM_ERROR_OUT_OF_RANGE;
    else if (name == -2 || name == -3)
        expected = WINSHM_ERROR_INVALID_NAME;
    else if (owner < 0)
        expected = !with_init ? (timeout_ms ? WINSHM_ERROR_TIMEOUT : WINSHM_ERROR_NOT_FOUND)
                 : init.fail ? WINSHM_ERROR_NOT_INITIALIZED : WINSHM_OK;
    else if (with_init && sections[owner].size < size + TRAILER)
        expected = WINSHM_ERROR_OUT_OF_RANGE; /* open_or_create's own rule */
    else if (model_ready(owner))
        expected = sections[owner].ready_size < size ? WINSHM_ERROR_OUT_OF_RANGE : WINSHM_OK;
    else if (!with_init)
        expected = timeout_ms ? WINSHM_ERROR_TIMEOUT : WINSHM_ERROR_NOT_INITIALIZED;
    else
        expected = init.fail ? WINSHM_ERROR_NOT_INITIALIZED : WINSHM_OK;
    runs_init = with_init && expected != WINSHM_ERROR_INVALID_ARGUMENT && expected != WINSHM_ERROR_OUT_OF_RANGE &&
                expected != WINSHM_ERROR_INVALID_NAME && (owner < 0 || !model_ready(owner));
    expect_created = runs_init && !init.fail;
    if (wide && narrow) {
        if (name == -3) {
            wide_name[0] = 'x';
            wide_name[1] = 0xD800;
            wide_name[2] = 0;
        } else {
            MultiByteToWideChar(CP_UTF8, 0, narrow, -1, wide_name, 128);
        }
    }
    got = wide ? winshm_open_or_init_w(&shms[slot], narrow ? wide_name : NULL, mode, size, &options,
                                       with_init ? model_init_fn : NULL, &init, timeout_ms, &created)
               : winshm_open_or_init(&shms[slot], narrow, mode, size, &options, with_init ? model_init_fn : NULL,
                                     &init, timeout_ms, &created);
    expect_result("open_or_init", got, expected);
    if (created != expect_created)
        fail("open_or_init: *created is %d, the model expected %d", created, expect_created);
    if (runs_init && owner >= 0) { /* not READY while init runs, and [0, size) zeroed first */
        memset(sections[owner].bytes + sections[owner].size - TRAILER + TRAILER_STATE, 0, 4);
        memset(sections[owner].bytes, 0, (size_t)size);
    }
    if (got != WINSHM_OK)
        return;
    if (owner < 0)
        owner = new_section(name, size + TRAILER, WINSHM_READ_WRITE, (options.flags & WINSHM_RESERVE) != 0);
    if (expect_created)
        sections[owner].ready_size = size;
    slots[slot].section = owner;
    slots[slot].mode = with_init ? WINSHM_READ_WRITE : mode;
    slots[slot].size = sections[owner].ready_size;
    ++sections[owner].handles;
    if (expect_created) {
        section_model *s = &sections[owner];
        winshm_view trailer;
        uint64_t i;
        memset(&trailer, 0, sizeof trailer);
        for (i = 0; i < size; ++i)
            s->bytes[i] = init_byte(init.seed, i);
        /* learn what the library wrote, through a handle of its own: the
         * open_or_init one cannot reach the trailer */
        {
            winshm raw = WINSHM_EMPTY;
            winshm_view beyond = WINSHM_EMPTY;
            if (winshm_map(&shms[slot], WINSHM_READ_ONLY, size, 1, &beyond) != WINSHM_ERROR_OUT_OF_RANGE)
                fail("open_or_init: a view past the size init was given is not OUT_OF_RANGE");
            if (winshm_open_only(&raw, names[name], WINSHM_READ_ONLY) != WINSHM_OK ||
                winshm_map(&raw, WINSHM_READ_ONLY, s->size - TRAILER, TRAILER, &trailer) != WINSHM_OK)
                fail("open_or_init: cannot map the trailer");
            winshm_close(&raw);
        }
        memcpy(s->bytes + s->size - TRAILER, trailer.data, TRAILER);
        memcpy(s->ready_trailer, trailer.data, TRAILER_CHECKED);
        s->ready_known = 1;
        winshm_unmap(&trailer);
    }
}

static void step_close(void)
{
    int slot = pick_slot(1);
    note("close(slot %d)", slot);
    winshm_close(&shms[slot]);
    model_close_slot(slot);
}

static void step_move(void)
{
    int dst = (int)below(SLOTS), src = (int)below(SLOTS);
    note("move(slot %d <- slot %d)", dst, src);
    winshm_move(&shms[dst], &shms[src]);
    if (dst == src)
        return;
    model_close_slot(dst);
    slots[dst] = slots[src];
    slots[src].section = -1;
    slots[src].mode = (winshm_mode)0;
}

static void step_swap(void)
{
    int a = (int)below(SLOTS), b = (int)below(SLOTS);
    slot_model held = slots[a];
    note("swap(slot %d, slot %d)", a, b);
    winshm_swap(&shms[a], &shms[b]);
    slots[a] = slots[b];
    slots[b] = held;
}

static void step_map(void)
{
    int slot = pick_slot(1), v = (int)below(VIEWS), id = slots[slot].section;
    winshm_mode mode = random_mode();
    uint64_t section_size = id >= 0 ? slots[slot].size : 0, offset, remaining;
    size_t size;
    winshm_result expected, got;
    uint64_t r = below(10);
    offset = r < 6 && section_size ? below(section_size)
           : r < 8 && section_size ? section_size - 1 - below(section_size < 100 ? section_size : 100)
           : r < 9 ? section_size + below(3) : UINT64_MAX - below(100);
    r = below(20);
    remaining = offset < section_size ? section_size - offset : 0;
    size = r < 4 ? 0 : r < 14 ? (size_t)(1 + below(8192)) : r < 16 ? (size_t)remaining : r < 17 ? SIZE_MAX
         : (size_t)(remaining + 1 + below(10));
    note("map(slot %d, view %d, %s, offset %llu, size %llu)", slot, v, mode_text(mode), (unsigned long long)offset,
         (unsigned long long)size);
    /* A view that is still mapped is refused, and kept as it was. */
    if (real_views[v].data && below(4) == 0) {
        winshm_view before = real_views[v];
        expect_result("map into a mapped view", winshm_map(&shms[slot], mode, offset, size, &real_views[v]),
                      WINSHM_ERROR_INVALID_ARGUMENT);
        if (memcmp(&before, &real_views[v], sizeof before) != 0)
            fail("a refused map changed the mapped view");
    }
    winshm_unmap(&real_views[v]);
    model_unmap(v);
    if (id < 0)
        expected = WINSHM_ERROR_NOT_OPEN;
    else if (!mode_is_valid(mode))
        expected = WINSHM_ERROR_INVALID_ARGUMENT;
    else if (mode == WINSHM_READ_WRITE && slots[slot].mode != WINSHM_READ_WRITE)
        expected = WINSHM_ERROR_ACCESS_DENIED;
    else if (offset >= section_size || (size != 0 && size > remaining))
        expected = WINSHM_ERROR_OUT_OF_RANGE;
    else if (mode == WINSHM_READ_WRITE && sections[id].protection != WINSHM_READ_WRITE)
        expected = WINSHM_ERROR_ACCESS_DENIED; /* the page protection refuses it */
    else
        expected = WINSHM_OK;
    got = winshm_map(&shms[slot], mode, offset, size, &real_views[v]);
    /* Wine grants a read-write view of a read-only section; Windows does not. */
    if (on_wine && expected == WINSHM_ERROR_ACCESS_DENIED && got == WINSHM_OK && mode_is_valid(mode) &&
        slots[slot].mode == WINSHM_READ_WRITE)
        expected = WINSHM_OK;
    expect_result("map", got, expected);
    if (got != WINSHM_OK) {
        if (real_views[v].data || real_views[v].size)
            fail("a failed map left the view non-zero");
        return;
    }
    views[v].section = id;
    views[v].mode = mode;
    views[v].offset = offset;
    views[v].size = size ? size : (size_t)remaining;
    views[v].first_page = offset / PAGE;
    if (mode == WINSHM_COPY_ON_WRITE) {
        views[v].copy = (unsigned char *)malloc(views[v].size);
        views[v].private_page = (unsigned char *)calloc(1, (size_t)((offset + views[v].size - 1) / PAGE - views[v].first_page + 1));
    }
    if (sections[id].reserve)
        views[v].committed = (unsigned char *)calloc(1, (size_t)((offset + views[v].size - 1) / PAGE - views[v].first_page + 1));
    ++sections[id].views;
    if (real_views[v].size != views[v].size)
        fail("map: view size %llu, expected %llu", (unsigned long long)real_views[v].size, (unsigned long long)views[v].size);
}

static void step_unmap(void)
{
    int v = pick_view(0);
    note("unmap(view %d)", v);
    winshm_unmap(&real_views[v]);
    model_unmap(v);
    if (real_views[v].data || real_views[v].size)
        fail("unmap left the view non-zero");
}

static void step_write(void)
{
    int v = pick_view(1), k;
    view_model *m = &views[v];
    size_t at, length;
    unsigned char value = (unsigned char)below(256);
    if (m->section < 0 || m->mode == WINSHM_READ_ONLY) {
        note("write(view %d): nothing writable there", v);
        return;
    }
    at = (size_t)below(m->size);
    length = (size_t)(1 + below(m->size - at < 300 ? m->size - at : 300));
    if (sections[m->section].reserve) {
        /* only within one page committed through this view */
        size_t page_end = (size_t)((m->offset + at) / PAGE * PAGE + PAGE - m->offset);
        size_t tries;
        for (tries = 0; tries < 8 && !view_may_touch(m, m->offset + at); ++tries)
            at = (size_t)below(m->size); /* look for a committed page */
        page_end = (size_t)((m->offset + at) / PAGE * PAGE + PAGE - m->offset);
        if (page_end > m->size)
            page_end = m->size;
        if (!view_may_touch(m, m->offset + at)) {
            note("write(view %d, at %llu): page not committed in this view", v, (unsigned long long)at);
            return;
        }
        if (at + length > page_end)
            length = page_end - at;
    }
    note("write(view %d, at %llu, %llu bytes of %u)", v, (unsigned long long)at, (unsigned long long)length, value);
    memset((unsigned char *)real_views[v].data + at, value, length);
    ++writes;
    private_writes += m->mode == WINSHM_COPY_ON_WRITE;
    for (k = 0; k < (int)length; ++k) {
        uint64_t where = m->offset + at + (uint64_t)k;
        if (m->mode == WINSHM_READ_WRITE) {
            sections[m->section].bytes[where] = value;
        } else {
            uint64_t page = where / PAGE - m->first_page;
            if (!m->private_page[page]) {
                /* First write to the page: from now on the view has its own copy. */
                uint64_t from = where / PAGE * PAGE, to = from + PAGE, b;
                if (from < m->offset)
                    from = m->offset;
                if (to > m->offset + m->size)
                    to = m->offset + m->size;
                for (b = from; b < to; ++b)
                    m->copy[b - m->offset] = sections[m->section].bytes[b];
                m->private_page[page] = 1;
            }
            m->copy[where - m->offset] = value;
        }
    }
}

static void step_commit(void)
{
    int v = pick_reserve_view();
    view_model *m = &views[v];
    size_t view_size = m->section >= 0 ? m->size : 0, offset, size;
    winshm_result expected, got;
    uint64_t r = below(20), first, last, p;
    offset = r < 16 && view_size ? (size_t)below(view_size) : r < 18 ? view_size + (size_t)below(3) : SIZE_MAX - (size_t)below(3);
    r = below(20);
    size = r < 3 ? 0 : r < 16 ? (size_t)(1 + below(3 * PAGE)) : r < 18 ? SIZE_MAX : (size_t)(view_size - offset + 1);
    note("commit(view %d, offset %llu, size %llu)", v, (unsigned long long)offset, (unsigned long long)size);
    if (m->section < 0)
        expected = WINSHM_ERROR_NOT_OPEN;
    else if (offset >= view_size || size > view_size - offset)
        expected = WINSHM_ERROR_OUT_OF_RANGE;
    else
        expected = WINSHM_OK;
    got = winshm_commit(&real_views[v], offset, size);
    expect_result("commit", got, expected);
    if (got != WINSHM_OK || !sections[m->section].reserve)
        return;
    ++commits;
    if (size == 0)
        size = view_size - offset;
    first = (m->offset + offset) / PAGE;
    last = (m->offset + offset + size - 1) / PAGE;
    for (p = first; p <= last; ++p)
        m->committed[p - m->first_page] = 1;
}

/* ---- checks after every step ---- */

static void check_everything(void)
{
    int i;
    for (i = 0; i < SLOTS; ++i) {
        int id = slots[i].section;
        const winshm *shm = &shms[i];
        const char *expected_name = id >= 0 && sections[id].name >= 0 ? names[sections[id].name] : "";
        wchar_t expected_wide[128];
        MultiByteToWideChar(CP_UTF8, 0, expected_name, -1, expected_wide, 128);
        if (winshm_is_open(shm) != (id >= 0))
            fail("slot %d: is_open %d, expected %d", i, winshm_is_open(shm), id >= 0);
        if (winshm_get_size(shm) != (id >= 0 ? slots[i].size : 0))
            fail("slot %d: size %llu, expected %llu", i, (unsigned long long)winshm_get_size(shm),
                 (unsigned long long)(id >= 0 ? slots[i].size : 0));
        if (winshm_get_mode(shm) != slots[i].mode)
            fail("slot %d: mode %d, expected %d", i, (int)winshm_get_mode(shm), (int)slots[i].mode);
        if (strcmp(winshm_get_name(shm), expected_name) != 0)
            fail("slot %d: name \"%s\", expected \"%s\"", i, winshm_get_name(shm), expected_name);
        if (wcscmp(winshm_get_name_w(shm), expected_wide) != 0)
            fail("slot %d: the UTF-16 name differs from \"%s\"", i, expected_name);
        if (winshm_get_flags(shm) != (id >= 0 && sections[id].reserve ? (unsigned)WINSHM_RESERVE : 0u))
            fail("slot %d: flags %u, the model says %d", i, winshm_get_flags(shm), id >= 0 && sections[id].reserve);
    }
    for (i = 0; i < VIEWS; ++i) {
        const view_model *m = &views[i];
        const unsigned char *bytes = (const unsigned char *)real_views[i].data;
        size_t k;
        if (m->section < 0)
            continue;
        ++views_checked;
        if (m->mode != WINSHM_COPY_ON_WRITE && !sections[m->section].reserve) {
            if (memcmp(bytes, sections[m->section].bytes + m->offset, m->size) != 0)
                fail("view %d shows other bytes than the model", i);
            continue;
        }
        for (k = 0; k < m->size; ++k)
            if (view_may_touch(m, m->offset + k) && bytes[k] != view_byte(m, m->offset + k))
                fail("view %d: byte %llu is %u, the model says %u", i, (unsigned long long)k, bytes[k],
                     view_byte(m, m->offset + k));
    }
}

int main(int argc, char **argv)
{
    long steps = 20000;
    int i, seeded = 0;
    LARGE_INTEGER now;
    for (i = 1; i < argc; ++i) {
        if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
            seed = strtoull(argv[++i], NULL, 10);
            seeded = 1;
        } else if (strcmp(argv[i], "--steps") == 0 && i + 1 < argc) {
            steps = strtol(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--trace") == 0) {
            trace = 1;
        } else {
            fprintf(stderr, "usage: model_check [--seed N] [--steps N] [--trace]\n");
            return 2;
        }
    }
    if (!seeded) {
        QueryPerformanceCounter(&now);
        seed = (uint64_t)now.QuadPart ^ ((uint64_t)GetCurrentProcessId() << 32);
    }
    rng_state = seed ? seed : 1;
    PAGE = winshm_page_size();
    on_wine = running_on_wine();
    printf("model_check: seed %llu, %ld steps%s\n", (unsigned long long)seed, steps, on_wine ? " (under Wine)" : "");
    fflush(stdout);
    for (i = 0; i < NAMES; ++i) {
        snprintf(names[i], sizeof names[i], "Local\\winshm_model_%lu_%llu_%d", GetCurrentProcessId(),
                 (unsigned long long)(seed % 1000000007u), i);
        name_owner[i] = -1;
    }
    for (i = 0; i < SLOTS; ++i)
        slots[i].section = -1;
    for (i = 0; i < VIEWS; ++i)
        views[i].section = -1;
    for (step = 0; step < steps; ++step) {
        uint64_t r = below(100);
        if (r < 5)
            step_constructor(CREATE_ONLY);
        else if (r < 10)
            step_constructor(OPEN_OR_CREATE);
        else if (r < 16)
            step_constructor(OPEN_ONLY);
        else if (r < 22)
            step_constructor(CREATE_EX);
        else if (r < 25)
            step_open_or_init();
        else if (r < 33)
            step_close();
        else if (r < 37)
            step_move();
        else if (r < 41)
            step_swap();
        else if (r < 58)
            step_map();
        else if (r < 63)
            step_unmap();
        else if (r < 72)
            step_commit();
        else
            step_write();
        check_everything();
    }
    for (i = 0; i < VIEWS; ++i)
        winshm_unmap(&real_views[i]);
    for (i = 0; i < SLOTS; ++i)
        winshm_close(&shms[i]);
    printf("model_check: %ld steps checked against the model (seed %llu)\n", steps, (unsigned long long)seed);
    printf("  results:");
    for (i = 0; i <= 14; ++i)
        printf(" %s %ld%s", winshm_result_string((winshm_result)-i), result_counts[i], i < 14 ? "," : "\n");
    printf("  %ld writes (%ld to copy-on-write views), %ld commits to reserve-only sections, %ld view comparisons\n",
           writes, private_writes, commits, views_checked);
    printf("model_check: 1 passed, 0 failed\n");
    return 0;
}
