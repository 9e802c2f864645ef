/*
 * The planting areas th_gen_backup walks. Each area is a table of
 * struct th_gen_plant rows in its own file; adding an area is adding its
 * file and one line here.
 */
#include <stddef.h>

#include "gen.h"

struct plant_set {
	const struct th_gen_plant *rows;
	const size_t *n;
};

static const struct plant_set sets[] = {
        {th_gen_backup_plants, &th_gen_backup_nplants},
        {th_gen_netusage_plants, &th_gen_netusage_nplants},
        {th_gen_system_plants, &th_gen_system_nplants},
        {th_gen_triangulation_plants, &th_gen_triangulation_nplants},
        {th_gen_comms_plants, &th_gen_comms_nplants},
        {th_gen_sms_plants, &th_gen_sms_nplants},
        {th_gen_browser_plants, &th_gen_browser_nplants},
};

#define NSETS (sizeof(sets) / sizeof(sets[0]))

size_t th_gen_plant_count(void)
{
	size_t i, n = 0;

	for (i = 0; i < NSETS; i++)
		n += *sets[i].n;
	return n;
}

const struct th_gen_plant *th_gen_plant_at(size_t i)
{
	size_t s;

	for (s = 0; s < NSETS; s++) {
		if (i < *sets[s].n)
			return &sets[s].rows[i];
		i -= *sets[s].n;
	}
	return NULL;
}
