// The analysis keeps state for thousands of connections at once, spread over
// the heap; on 4 KiB pages its TLB misses cost about a tenth of the run on a
// busy capture. This reserves the first stretch of the heap and asks Linux to
// back it with transparent huge pages. A hint: where THP is off or glibc is
// not in use, nothing changes.
#pragma once

#include <cstddef>

namespace ftpsniff {

void reserve_huge_heap(std::size_t bytes);

}  // namespace ftpsniff
