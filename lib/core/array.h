/* Growable arrays: the one place that doubles a capacity. */
#ifndef TH_CORE_ARRAY_H
#define TH_CORE_ARRAY_H

#include <stddef.h>
#include <tracehound/th_status.h>

/*
 * Makes room for element n of *arr (elements of `size` bytes, *cap of
 * them allocated): when n == *cap the array doubles (first 16), in place
 * on success. TH_ERR_NOMEM, or TH_ERR_LIMIT on size overflow.
 */
enum th_status th_array_reserve(void *arr, size_t *cap, size_t n, size_t size);

#endif
