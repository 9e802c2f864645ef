#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"

enum th_status th_array_reserve(void *arr, size_t *cap, size_t n, size_t size)
{
	void *p, *old;
	size_t ncap;

	if (n < *cap)
		return TH_OK;
	ncap = *cap ? *cap * 2 : 16;
	if (ncap <= n)
		ncap = n + 1;
	if (size && ncap > SIZE_MAX / size)
		return TH_ERR_LIMIT;
	memcpy(&old, arr, sizeof(old));
	p = realloc(old, ncap * size);
	if (!p)
		return TH_ERR_NOMEM;
	memcpy(arr, &p, sizeof(p));
	*cap = ncap;
	return TH_OK;
}
