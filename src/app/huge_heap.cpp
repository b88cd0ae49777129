#include "huge_heap.hpp"

#if defined(__linux__) && defined(__GLIBC__)
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#endif

namespace ftpsniff {

void reserve_huge_heap(std::size_t bytes) {
#if defined(__linux__) && defined(__GLIBC__)
    constexpr std::uintptr_t kHuge = 2 << 20;
    // The heap grows by `bytes` at once and keeps them when blocks are freed.
    mallopt(M_TOP_PAD, static_cast<int>(bytes));
    mallopt(M_TRIM_THRESHOLD, static_cast<int>(2 * bytes));
    // More than the heap's free top holds, so it grows now.
    void* probe = std::malloc(mallinfo2().keepcost + 1);
    if (probe == nullptr) return;
    auto from = (reinterpret_cast<std::uintptr_t>(probe) + kHuge - 1) & ~(kHuge - 1);
    auto to = reinterpret_cast<std::uintptr_t>(sbrk(0)) & ~(kHuge - 1);
    // NOLINTNEXTLINE(performance-no-int-to-ptr): page arithmetic
    if (to > from) madvise(reinterpret_cast<void*>(from), to - from, MADV_HUGEPAGE);
    std::free(probe);
#else
    (void)bytes;
#endif
}

}  // namespace ftpsniff
