// The C++ classes winshm_section and winshm_mapping: ownership (nothing is
// leaked by scope, moves, swaps, containers or exceptions), the type traits
// a move-only owner must have, and every member's failure path with its
// result and GetLastError(). A Criterion suite compiled as C++.
#include "winshm_test.h"

#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

// ---- the traits of a move-only owner ----
static_assert(std::is_nothrow_default_constructible<winshm_section>::value, "");
static_assert(std::is_nothrow_move_constructible<winshm_section>::value, "");
static_assert(std::is_nothrow_move_assignable<winshm_section>::value, "");
static_assert(std::is_nothrow_destructible<winshm_section>::value, "");
static_assert(!std::is_copy_constructible<winshm_section>::value, "");
static_assert(!std::is_copy_assignable<winshm_section>::value, "");
static_assert(std::is_nothrow_default_constructible<winshm_mapping>::value, "");
static_assert(std::is_nothrow_move_constructible<winshm_mapping>::value, "");
static_assert(std::is_nothrow_move_assignable<winshm_mapping>::value, "");
static_assert(std::is_nothrow_destructible<winshm_mapping>::value, "");
static_assert(!std::is_copy_constructible<winshm_mapping>::value, "");
static_assert(!std::is_copy_assignable<winshm_mapping>::value, "");
static_assert(!std::is_convertible<winshm_section, bool>::value, "operator bool is explicit");
static_assert(!std::is_convertible<winshm_mapping, bool>::value, "operator bool is explicit");
// Nothing is added to what the C objects hold.
static_assert(sizeof(winshm_section) == sizeof(winshm), "");
static_assert(sizeof(winshm_mapping) == sizeof(winshm_view), "");

// What a process holds: the next handle value, the library's heap blocks,
// and the bytes of address space in views.
struct holdings {
    uintptr_t handle;
    long blocks;
    uint64_t mapped;
    bool operator==(const holdings &o) const { return handle == o.handle && blocks == o.blocks && mapped == o.mapped; }
};

static holdings now()
{
    holdings h;
    h.handle = next_handle_value();
    h.blocks = winshm_test_live_blocks;
    h.mapped = address_space_in_use(1);
    return h;
}

static void assert_same(const holdings &before, const char *what)
{
    holdings after = now();
    cr_assert_eq(after.handle, before.handle, "%s: a handle was left", what);
    cr_assert_eq(after.blocks, before.blocks, "%s: %ld heap blocks left", what, after.blocks - before.blocks);
    cr_assert_eq(after.mapped, before.mapped, "%s: a view was left", what);
}

Test(cpp, a_section_and_a_mapping_going_out_of_scope_free_everything)
{
    holdings before = now();
    {
        winshm_section s;
        winshm_mapping m;
        cr_assert_eq(s.create_only(unique_name("cpp_scope"), WINSHM_READ_WRITE, page_size()), WINSHM_OK);
        cr_assert_eq(m.map(s, WINSHM_READ_WRITE), WINSHM_OK);
        *m.as<int>() = 42;
        cr_assert(s && m && s.is_open());
        cr_assert_neq(now().mapped, before.mapped);
    }
    assert_same(before, "scope");
    {
        winshm_mapping outlives;
        {
            winshm_section s;
            cr_assert_eq(s.create_only(nullptr, WINSHM_READ_WRITE, winshm_allocation_granularity()), WINSHM_OK);
            cr_assert_eq(outlives.map_mirrored(s, WINSHM_READ_WRITE, 0, 0), WINSHM_OK);
        }
        outlives.as<unsigned char>()[0] = 7; // the mapping outlives its section
        cr_assert_eq(outlives.as<unsigned char>()[outlives.size()], 7);
    }
    assert_same(before, "a mapping that outlived its section");
}

Test(cpp, moves_move_assignment_self_move_and_swap)
{
    holdings before = now();
    {
        winshm_section a, b;
        const char *name_a = unique_name("cpp_a"), *name_b = unique_name("cpp_b");
        cr_assert_eq(a.create_only(name_a, WINSHM_READ_WRITE, page_size()), WINSHM_OK);
        void *handle = a.handle();
        winshm_section moved(std::move(a));
        cr_assert(!a && a.handle() == nullptr && a.size() == 0 && *a.name() == 0, "moved-from must be empty");
        cr_assert_eq(moved.handle(), handle);
        cr_assert_str_eq(moved.name(), name_a);
        // move-assignment over a live object closes what it held
        cr_assert_eq(b.create_only(name_b, WINSHM_READ_WRITE, page_size()), WINSHM_OK);
        b = std::move(moved);
        cr_assert_str_eq(b.name(), name_a);
        cr_assert(!moved);
        {
            winshm_section gone;
            assert_result(gone.open_only(name_b, WINSHM_READ_ONLY), WINSHM_ERROR_NOT_FOUND, ERROR_FILE_NOT_FOUND);
        }
        // self-move keeps it
        winshm_section &same = b;
        b = std::move(same);
        cr_assert(b && b.handle() == handle);
        // swap, both ways
        cr_assert_eq(a.create_only(name_b, WINSHM_READ_WRITE, 2 * page_size()), WINSHM_OK);
        swap(a, b);
        cr_assert_str_eq(a.name(), name_a);
        cr_assert_str_eq(b.name(), name_b);
        a.swap(b);
        cr_assert_str_eq(a.name(), name_b);
        cr_assert_eq(a.size(), 2 * page_size());

        winshm_mapping m, n;
        cr_assert_eq(m.map(a, WINSHM_READ_WRITE), WINSHM_OK);
        void *data = m.data();
        winshm_mapping moved_map(std::move(m));
        cr_assert(!m && m.data() == nullptr && m.size() == 0);
        cr_assert_eq(moved_map.data(), data);
        cr_assert_eq(n.map(b, WINSHM_READ_ONLY), WINSHM_OK);
        void *n_base = n.get()->base_;
        n = std::move(moved_map); // unmaps what n held
        cr_assert_eq(n.data(), data);
        MEMORY_BASIC_INFORMATION region;
        cr_assert(VirtualQuery(n_base, &region, sizeof region));
        cr_assert_eq(region.State, (DWORD)MEM_FREE, "move-assignment must unmap the old view");
        winshm_mapping &self = n;
        n = std::move(self);
        cr_assert_eq(n.data(), data);
        swap(n, m);
        cr_assert(!n && m.data() == data);
    }
    assert_same(before, "moves");
}

Test(cpp, ten_thousand_sections_in_a_vector_grow_and_shrink, .timeout = 300)
{
    holdings before = now();
    int failures = 0; // counted, asserted once: Criterion reports every assertion
    char first_failure[200] = "";
    {
        std::vector<winshm_section> sections;
        std::vector<winshm_mapping> mappings;
        for (int round = 0; round < 2; ++round) {
            for (int i = 0; i < 5000; ++i) {
                winshm_section s;
                EXPECT(s.create_only(nullptr, WINSHM_READ_WRITE, page_size()), WINSHM_OK);
                sections.push_back(std::move(s)); // reallocation moves every element
                if (i % 10 == 0) {
                    winshm_mapping m;
                    EXPECT(m.map(sections.back(), WINSHM_READ_WRITE), WINSHM_OK);
                    if (m)
                        *m.as<int>() = i;
                    mappings.push_back(std::move(m));
                }
            }
            sections.erase(sections.begin(), sections.begin() + 2500);
            mappings.resize(mappings.size() / 2);
            for (size_t k = 0; k < sections.size(); ++k)
                if (!sections[k] && failures++ == 0)
                    snprintf(first_failure, sizeof first_failure, "element %zu lost its section", k);
            for (size_t k = 0; k < mappings.size(); ++k)
                if (!mappings[k] && failures++ == 0)
                    snprintf(first_failure, sizeof first_failure, "mapping %zu lost its view", k);
        }
        cr_assert_eq(sections.size(), 5000u);
        sections.clear();
        sections.shrink_to_fit();
    }
    cr_assert_eq(failures, 0, "%d failures; first: %s", failures, first_failure);
    assert_same(before, "10,000 sections");
}

Test(cpp, an_exception_between_creation_and_the_end_of_scope_leaks_nothing)
{
    holdings before = now();
    bool caught = false;
    try {
        winshm_section s;
        winshm_mapping m;
        cr_assert_eq(s.create_only(unique_name("cpp_throw"), WINSHM_READ_WRITE, page_size()), WINSHM_OK);
        cr_assert_eq(m.map(s, WINSHM_READ_WRITE), WINSHM_OK);
        throw std::runtime_error("between creation and the end of scope");
    } catch (const std::runtime_error &) {
        caught = true;
    }
    cr_assert(caught);
    assert_same(before, "exception");
}

// Every member's failure path: the C function's result and GetLastError(),
// and an object that keeps what it held.
Test(cpp, every_member_fails_as_its_c_function)
{
    winshm_section open, empty;
    winshm_mapping m;
    const char *name = unique_name("cpp_fail");
    bool created = true;
    void *handle = reinterpret_cast<void *>(1);
    cr_assert_eq(open.create_only(name, WINSHM_READ_WRITE, page_size()), WINSHM_OK);
    void *held = open.handle();
    // a constructor member on an open object: INVALID_ARGUMENT, object kept
    assert_result(open.create_only(name, WINSHM_READ_WRITE, 1), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    assert_result(open.create_only(L"x", WINSHM_READ_WRITE, 1), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    assert_result(open.create_only(nullptr, WINSHM_READ_WRITE, 1), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    assert_result(open.open_or_create(name, WINSHM_READ_WRITE, 1, nullptr, &created), WINSHM_ERROR_INVALID_ARGUMENT,
                  ERROR_INVALID_PARAMETER);
    cr_assert(!created);
    assert_result(open.open_or_create(L"x", WINSHM_READ_WRITE, 1), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    assert_result(open.open_only(name, WINSHM_READ_ONLY), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    assert_result(open.open_only(L"x", WINSHM_READ_ONLY), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    assert_result(open.create_ex(name, WINSHM_READ_WRITE, 1), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    assert_result(open.create_ex(L"x", WINSHM_READ_WRITE, 1), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    assert_result(open.create_ex(nullptr, WINSHM_READ_WRITE, 1), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    assert_result(open.create_unique(nullptr, WINSHM_READ_WRITE, 1), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    assert_result(open.adopt(held, WINSHM_READ_ONLY), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    assert_result(open.open_or_init(name, WINSHM_READ_ONLY, 0, nullptr, nullptr, nullptr, 0),
                  WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    assert_result(open.open_or_init(L"x", WINSHM_READ_ONLY, 0, nullptr, nullptr, nullptr, 0),
                  WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    cr_assert_eq(open.handle(), held, "a refused call must keep what the object held");
    // each constructor member's own failures, on an empty object
    hold_current_heap_blocks();
    created = true;
    assert_result(empty.create_only(name, WINSHM_READ_WRITE, page_size()), WINSHM_ERROR_ALREADY_EXISTS, ERROR_ALREADY_EXISTS);
    assert_result(empty.create_only(widen(name), WINSHM_READ_WRITE, page_size()), WINSHM_ERROR_ALREADY_EXISTS,
                  ERROR_ALREADY_EXISTS);
    assert_result(empty.create_only(nullptr, WINSHM_READ_WRITE, 0), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    assert_result(empty.open_or_create(name, WINSHM_READ_WRITE, 8 * page_size(), nullptr, &created),
                  WINSHM_ERROR_OUT_OF_RANGE, ERROR_INVALID_PARAMETER);
    cr_assert(!created, "*created is false on failure");
    assert_result(empty.open_or_create(L"", WINSHM_READ_WRITE, 1), WINSHM_ERROR_INVALID_NAME, ERROR_INVALID_NAME);
    assert_result(empty.open_only("Local\\winshm_cpp_nobody", WINSHM_READ_ONLY), WINSHM_ERROR_NOT_FOUND,
                  ERROR_FILE_NOT_FOUND);
    assert_result(empty.open_only(L"Local\\winshm_cpp_nobody", WINSHM_READ_ONLY), WINSHM_ERROR_NOT_FOUND,
                  ERROR_FILE_NOT_FOUND);
    winshm_options options = {};
    options.flags = 0x80;
    assert_result(empty.create_ex(name, WINSHM_READ_WRITE, 1, &options, &created), WINSHM_ERROR_INVALID_ARGUMENT,
                  ERROR_INVALID_PARAMETER);
    assert_result(empty.create_ex(L"x", WINSHM_READ_WRITE, 1, &options), WINSHM_ERROR_INVALID_ARGUMENT,
                  ERROR_INVALID_PARAMETER);
    assert_result(empty.create_ex(nullptr, WINSHM_READ_WRITE, 1, &options), WINSHM_ERROR_INVALID_ARGUMENT,
                  ERROR_INVALID_PARAMETER);
    assert_result(empty.create_unique("Local\\bad-\xC3(-", WINSHM_READ_WRITE, 1), WINSHM_ERROR_INVALID_NAME,
                  ERROR_NO_UNICODE_TRANSLATION);
    assert_result(empty.adopt(nullptr, WINSHM_READ_ONLY), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_HANDLE);
    assert_result(empty.open_or_init(name, WINSHM_READ_ONLY, 0, nullptr, nullptr, nullptr, 0, &created),
                  WINSHM_ERROR_NOT_INITIALIZED, ERROR_NOT_READY);
    assert_result(empty.open_or_init(L"Local\\winshm_cpp_nobody", WINSHM_READ_ONLY, 0, nullptr, nullptr, nullptr, 0),
                  WINSHM_ERROR_NOT_FOUND, ERROR_FILE_NOT_FOUND);
    cr_assert(!empty && !created);
    cr_assert_eq(winshm_test_live_blocks, winshm_test_blocks_held);
    // the other members
    assert_result(empty.duplicate(nullptr, WINSHM_READ_ONLY, false, &handle), WINSHM_ERROR_NOT_OPEN, ERROR_INVALID_HANDLE);
    cr_assert_null(handle);
    assert_result(open.duplicate(nullptr, WINSHM_READ_WRITE, true, nullptr), WINSHM_ERROR_INVALID_ARGUMENT,
                  ERROR_INVALID_PARAMETER);
    assert_result(m.map(empty, WINSHM_READ_ONLY), WINSHM_ERROR_NOT_OPEN, ERROR_INVALID_HANDLE);
    assert_result(m.map(open, WINSHM_READ_ONLY, 2 * page_size()), WINSHM_ERROR_OUT_OF_RANGE, ERROR_INVALID_PARAMETER);
    assert_result(m.map_at(open, WINSHM_READ_ONLY, 0, 0, reinterpret_cast<void *>(0x10001)),
                  WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    assert_result(m.map_mirrored(open, WINSHM_COPY_ON_WRITE, 0, 0), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    assert_result(m.commit(0, 0), WINSHM_ERROR_NOT_OPEN, ERROR_INVALID_HANDLE);
    cr_assert(!m);
    cr_assert_eq(m.map(open, WINSHM_READ_WRITE), WINSHM_OK);
    void *data = m.data();
    assert_result(m.map(open, WINSHM_READ_ONLY), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    assert_result(m.map_at(open, WINSHM_READ_ONLY, 0, 0, nullptr), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    assert_result(m.map_mirrored(open, WINSHM_READ_ONLY, 0, 0), WINSHM_ERROR_INVALID_ARGUMENT, ERROR_INVALID_PARAMETER);
    assert_result(m.commit(m.size(), 0), WINSHM_ERROR_OUT_OF_RANGE, ERROR_INVALID_PARAMETER);
    cr_assert_eq(m.data(), data, "a refused map must keep the mapping");
    m.unmap();
    cr_assert(!m);
    open.close();
    cr_assert(!open && open.handle() == nullptr);
    open.close(); // twice is nothing
}

// The members reach the same objects as the C calls: get() is the C object.
Test(cpp, get_gives_the_c_object_and_queries_agree)
{
    winshm_section s;
    bool created = false;
    winshm_options options = {};
    options.flags = WINSHM_RESERVE;
    options.open_existing = 1;
    const char *name = unique_name("cpp_get");
    assert_result(s.create_ex(name, WINSHM_READ_WRITE, 3 * page_size(), &options, &created), WINSHM_OK, 0);
    cr_assert(created);
    cr_assert_eq(s.flags(), (unsigned)WINSHM_RESERVE);
    cr_assert_eq(s.get()->handle_, s.handle());
    cr_assert_eq(winshm_get_size(s.get()), s.size());
    cr_assert_str_eq(s.name(), name);
    cr_assert(wcscmp(s.name_w(), widen(name)) == 0);
    cr_assert_eq(s.mode(), WINSHM_READ_WRITE);
    winshm_mapping m;
    cr_assert_eq(m.map(s, WINSHM_READ_WRITE, page_size(), page_size()), WINSHM_OK);
    assert_result(m.commit(0, 0), WINSHM_OK, 0);
    m.as<char>()[0] = 'x';
    cr_assert_eq(m.get()->size, page_size());
    winshm_section other;
    assert_result(other.open_or_create(widen(name), WINSHM_READ_ONLY, 1, nullptr, &created), WINSHM_OK, ERROR_ALREADY_EXISTS);
    cr_assert(!created);
    void *duplicate = nullptr;
    assert_result(other.duplicate(nullptr, WINSHM_READ_ONLY, true, &duplicate), WINSHM_OK, 0);
    winshm_section adopted;
    assert_result(adopted.adopt(duplicate, WINSHM_READ_ONLY), WINSHM_OK, 0);
    cr_assert_str_eq(adopted.name(), name);
}
