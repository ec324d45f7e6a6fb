// The Boost.Interprocess twin of footprint_winshm.c: the same operations with
// windows_shared_memory and mapped_region, and the heap bytes one open object
// holds (counted by replacing operator new).
#include <boost/interprocess/windows_shared_memory.hpp>
#include <boost/interprocess/mapped_region.hpp>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <utility>

static std::size_t heap_bytes;
void *operator new(std::size_t bytes)
{
    heap_bytes += bytes;
    if (void *p = std::malloc(bytes ? bytes : 1))
        return p;
    throw std::bad_alloc();
}
void operator delete(void *p) noexcept { std::free(p); }
void operator delete(void *p, std::size_t) noexcept { std::free(p); }

namespace bi = boost::interprocess;
#define NAME "Local\\winshm_footprint_section"

int main()
{
    try {
        std::size_t before = heap_bytes;
        bi::windows_shared_memory shm(bi::create_only, NAME, bi::read_write, 65536);
        std::size_t heap_per_open = heap_bytes - before;
        {
            bi::mapped_region region(shm, bi::read_write, 100003 % 65536, 4096);
            static_cast<char *>(region.get_address())[0] = 1;
        }
        { bi::windows_shared_memory other(bi::open_or_create, NAME, bi::read_write, 4096); }
        bi::windows_shared_memory other(bi::open_only, NAME, bi::read_only);
        shm.swap(other);
        bi::windows_shared_memory moved(std::move(shm));
        std::printf("Boost: sizeof(windows_shared_memory) %u, sizeof(mapped_region) %u, heap bytes per open section named \"%s\": %u\n",
                    (unsigned)sizeof(bi::windows_shared_memory), (unsigned)sizeof(bi::mapped_region), NAME,
                    (unsigned)heap_per_open);
        std::printf("%llu %d %s\n", (unsigned long long)moved.get_size(), (int)moved.get_mode(), moved.get_name());
        std::printf("%p\n", moved.get_mapping_handle().handle);
    } catch (const bi::interprocess_exception &e) {
        std::printf("error: %s\n", e.what());
        return 1;
    }
    return 0;
}
