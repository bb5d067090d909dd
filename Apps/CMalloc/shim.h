// glibc's allocator controls (mallopt, malloc_trim), which Swift's Glibc module does not import.
#if __has_include(<malloc.h>)
#include <malloc.h>
#endif
