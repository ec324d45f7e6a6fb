// The Boost.Interprocess contender of bench_calls.c, in its own translation
// unit: windows_shared_memory + mapped_region, as a Boost user writes them.
#include <boost/interprocess/windows_shared_memory.hpp>
#include <boost/interprocess/mapped_region.hpp>
#include <cstdint>

namespace bi = boost::interprocess;

static bi::windows_shared_memory *existing;

extern "C" {

volatile std::uint64_t boost_sink;

int boost_setup(const char *existing_name)
{
    try {
        /* read_only: Boost opens read_write as FILE_MAP_WRITE | SECTION_QUERY,
         * without FILE_MAP_READ, and such a handle cannot map a read-only view. */
        existing = new bi::windows_shared_memory(bi::open_only, existing_name, bi::read_only);
        return 1;
    } catch (...) {
        return 0;
    }
}

void boost_teardown(void)
{
    delete existing;
    existing = 0;
}

void boost_create_map_close(void)
{
    bi::windows_shared_memory shm(bi::create_only, "Local\\winshm_bench_new", bi::read_write, 65536);
    bi::mapped_region region(shm, bi::read_write);
    static_cast<volatile char *>(region.get_address())[0] = 1;
}

void boost_open_close(void)
{
    bi::windows_shared_memory shm(bi::open_only, "Local\\winshm_bench_existing", bi::read_only);
    boost_sink += reinterpret_cast<std::uintptr_t>(shm.get_mapping_handle().handle) & 1;
}

void boost_open_or_create(void)
{
    bi::windows_shared_memory shm(bi::open_or_create, "Local\\winshm_bench_existing", bi::read_write, 4096);
    boost_sink += reinterpret_cast<std::uintptr_t>(shm.get_mapping_handle().handle) & 1;
}

void boost_size(void)
{
    boost_sink += static_cast<std::uint64_t>(existing->get_size());
}

void boost_map_unaligned(void)
{
    bi::mapped_region region(*existing, bi::read_only, 100003, 65536);
    boost_sink += *static_cast<volatile unsigned char *>(region.get_address());
}

}
