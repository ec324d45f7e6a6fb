/* Lifetime: close, move, swap, and views that outlive their winshm. */
#include "winshm_test.h"

Test(close, empties_the_winshm_and_destroys_an_unused_section)
{
    const char *name = unique_name("close");
    winshm shm = {0}, opener = {0};
    cr_assert_eq(winshm_create_only(&shm, name, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    winshm_close(&shm);
    cr_assert_not(winshm_is_open(&shm));
    cr_assert_null(winshm_get_handle(&shm));
    cr_assert_eq(winshm_get_size(&shm), 0);
    cr_assert_eq((int)winshm_get_mode(&shm), 0);
    cr_assert_str_eq(winshm_get_name(&shm), "");
    cr_assert(wcscmp(winshm_get_name_w(&shm), L"") == 0);
    cr_assert_eq(winshm_test_live_blocks, 0, "the name copies are freed");
    /* No kernel persistence: the last handle is gone, so is the section. */
    cr_assert_eq(winshm_open_only(&opener, name, WINSHM_READ_ONLY), WINSHM_ERROR_NOT_FOUND);
    /* The name is free again. */
    cr_assert_eq(winshm_create_only(&shm, name, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    winshm_close(&shm);
}

Test(close, closing_empty_or_null_is_a_no_op)
{
    winshm shm = {0};
    winshm_close(&shm);
    winshm_close(NULL);
    cr_assert_not(winshm_is_open(&shm));
    cr_assert_eq(winshm_create_only(&shm, NULL, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    winshm_close(&shm);
    winshm_close(&shm);
    cr_assert_not(winshm_is_open(&shm));
}

Test(close, the_section_lives_while_any_handle_does)
{
    const char *name = unique_name("two_handles");
    winshm a = {0}, b = {0}, c = {0};
    cr_assert_eq(winshm_create_only(&a, name, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    cr_assert_eq(winshm_open_only(&b, name, WINSHM_READ_ONLY), WINSHM_OK);
    winshm_close(&a);
    cr_assert_eq(winshm_open_only(&c, name, WINSHM_READ_ONLY), WINSHM_OK);
    winshm_close(&b);
    winshm_close(&c);
    cr_assert_eq(winshm_open_only(&c, name, WINSHM_READ_ONLY), WINSHM_ERROR_NOT_FOUND);
}

Test(views, stay_valid_after_their_winshm_is_closed)
{
    const char *name = unique_name("outlive");
    winshm shm = {0};
    winshm_view first = {0}, second = {0};
    cr_assert_eq(winshm_create_only(&shm, name, WINSHM_READ_WRITE, 100000, NULL), WINSHM_OK);
    cr_assert_eq(winshm_map(&shm, WINSHM_READ_WRITE, 0, 0, &first), WINSHM_OK);
    cr_assert_eq(winshm_map(&shm, WINSHM_READ_ONLY, 70000, 10, &second), WINSHM_OK);
    winshm_close(&shm);
    /* The name went with the last handle, though the views keep the memory. */
    cr_assert_eq(winshm_open_only(&shm, name, WINSHM_READ_ONLY), WINSHM_ERROR_NOT_FOUND);
    strcpy((char *)first.data + 70000, "alive");
    cr_assert_str_eq((char *)second.data, "alive");
    cr_assert_eq(((char *)first.data)[first.size - 1], 0);
    winshm_unmap(&first);
    winshm_unmap(&second);
}

Test(move, moves_and_leaves_the_source_empty)
{
    const char *name = unique_name("move");
    winshm src = {0}, dst = {0};
    winshm_view view = {0};
    void *handle;
    const char *held_name;
    cr_assert_eq(winshm_create_only(&src, name, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    handle = winshm_get_handle(&src);
    held_name = winshm_get_name(&src);
    cr_assert_eq(winshm_map(&src, WINSHM_READ_WRITE, 0, 0, &view), WINSHM_OK);
    winshm_move(&dst, &src);
    cr_assert_not(winshm_is_open(&src));
    cr_assert_str_eq(winshm_get_name(&src), "");
    cr_assert_eq(winshm_get_size(&src), 0);
    cr_assert_eq(winshm_get_handle(&dst), handle);
    cr_assert_eq(winshm_get_name(&dst), held_name, "the name moves; it is not copied");
    cr_assert_eq(winshm_get_size(&dst), page_size());
    cr_assert_eq(winshm_get_mode(&dst), WINSHM_READ_WRITE);
    strcpy((char *)view.data, "still mapped");
    winshm_unmap(&view);
    cr_assert_eq(winshm_map(&dst, WINSHM_READ_ONLY, 0, 0, &view), WINSHM_OK);
    cr_assert_str_eq((char *)view.data, "still mapped");
    winshm_unmap(&view);
    cr_assert_eq(winshm_test_live_blocks, 1);
    winshm_close(&dst);
    cr_assert_eq(winshm_test_live_blocks, 0);
}

Test(move, closes_what_the_destination_held)
{
    const char *old_name = unique_name("old");
    const char *new_name = unique_name("new");
    winshm src = {0}, dst = {0}, probe = {0};
    cr_assert_eq(winshm_create_only(&dst, old_name, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    cr_assert_eq(winshm_create_only(&src, new_name, WINSHM_READ_ONLY, 8192, NULL), WINSHM_OK);
    winshm_move(&dst, &src);
    cr_assert_eq(winshm_open_only(&probe, old_name, WINSHM_READ_ONLY), WINSHM_ERROR_NOT_FOUND);
    cr_assert_str_eq(winshm_get_name(&dst), new_name);
    cr_assert_eq(winshm_get_mode(&dst), WINSHM_READ_ONLY);
    cr_assert_eq(winshm_test_live_blocks, 1);
    winshm_close(&dst);
}

Test(move, onto_itself_or_with_null_changes_nothing)
{
    winshm shm = {0};
    void *handle;
    cr_assert_eq(winshm_create_only(&shm, unique_name("self"), WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    handle = winshm_get_handle(&shm);
    winshm_move(&shm, &shm);
    cr_assert_eq(winshm_get_handle(&shm), handle);
    winshm_move(&shm, NULL);
    cr_assert_eq(winshm_get_handle(&shm), handle);
    winshm_move(NULL, &shm);
    cr_assert_eq(winshm_get_handle(&shm), handle);
    cr_assert_str_neq(winshm_get_name(&shm), "");
    winshm_close(&shm);
}

Test(swap, exchanges_two_objects)
{
    const char *name_a = unique_name("a");
    winshm a = {0}, b = {0}, empty = {0};
    void *handle_a, *handle_b;
    cr_assert_eq(winshm_create_only(&a, name_a, WINSHM_READ_WRITE, page_size(), NULL), WINSHM_OK);
    cr_assert_eq(winshm_create_only(&b, NULL, WINSHM_READ_ONLY, 8192, NULL), WINSHM_OK);
    handle_a = winshm_get_handle(&a);
    handle_b = winshm_get_handle(&b);
    winshm_swap(&a, &b);
    cr_assert_eq(winshm_get_handle(&a), handle_b);
    cr_assert_eq(winshm_get_handle(&b), handle_a);
    cr_assert_str_eq(winshm_get_name(&b), name_a);
    cr_assert_str_eq(winshm_get_name(&a), "");
    cr_assert_eq(winshm_get_size(&a), 8192);
    cr_assert_eq(winshm_get_mode(&a), WINSHM_READ_ONLY);
    cr_assert_eq(winshm_get_mode(&b), WINSHM_READ_WRITE);
    winshm_swap(&a, &empty);
    cr_assert_not(winshm_is_open(&a));
    cr_assert_eq(winshm_get_handle(&empty), handle_b);
    winshm_swap(&b, &b);
    cr_assert_eq(winshm_get_handle(&b), handle_a);
    winshm_swap(&b, NULL);
    winshm_swap(NULL, &b);
    cr_assert_eq(winshm_get_handle(&b), handle_a);
    winshm_close(&b);
    winshm_close(&empty);
    cr_assert_eq(winshm_test_live_blocks, 0);
}

Test(queries, are_safe_on_null_and_empty)
{
    winshm empty = {0};
    cr_assert_not(winshm_is_open(NULL));
    cr_assert_not(winshm_is_open(&empty));
    cr_assert_str_eq(winshm_get_name(NULL), "");
    cr_assert(wcscmp(winshm_get_name_w(NULL), L"") == 0);
    cr_assert_eq((int)winshm_get_mode(NULL), 0);
    cr_assert_eq(winshm_get_size(NULL), 0);
    cr_assert_null(winshm_get_handle(NULL));
    cr_assert_str_eq(winshm_get_name(&empty), "");
}
