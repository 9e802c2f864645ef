/* Which evidence needs a password, so the CLI asks before a run. */
#include <stdio.h>
#include <stdlib.h>

#include <tracehound/th_backup.h>
#include "core/fsutil.h"
#include "formats/ab.h"

/* An Android backup whose header says AES-256. */
static int ab_encrypted(const char *path)
{
	unsigned char head[TH_AB_HEADER_MAX];
	struct th_ab_header *h;
	size_t n;
	int enc = 0;
	FILE *f;

	if (!th_is_file(path) || !th_ab_is_backup(path))
		return 0;
	f = fopen(path, "rb");
	h = malloc(sizeof(*h));
	if (f && h) {
		n = fread(head, 1, sizeof(head), f);
		enc = th_ab_header_parse(head, n, path, h, NULL) == TH_OK &&
		      h->encrypted;
	}
	if (f)
		fclose(f);
	free(h);
	return enc;
}

int th_evidence_is_encrypted(const char *path)
{
	char *nested;
	int enc;

	if (th_backup_is_encrypted(path) || ab_encrypted(path))
		return 1;
	/* An androidqf folder carries its backup as backup.ab. */
	nested = th_is_dir(path) ? th_path_join(path, "backup.ab") : NULL;
	enc = nested && ab_encrypted(nested);
	free(nested);
	return enc;
}
