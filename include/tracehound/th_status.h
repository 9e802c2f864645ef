/*
 * Status codes returned by every fallible tracehound function. The detail
 * (which file, which field) is left as a message on the handle involved.
 */
#ifndef TH_STATUS_H
#define TH_STATUS_H

enum th_status {
	TH_OK = 0,
	TH_ERR_NOMEM,       /* allocation failed */
	TH_ERR_IO,          /* a file could not be opened, read or written */
	TH_ERR_FORMAT,      /* input is not what it claims to be */
	TH_ERR_LIMIT,       /* input exceeds a size, depth or count limit */
	TH_ERR_CRYPTO,      /* a cryptographic operation failed */
	TH_ERR_PASSWORD,    /* wrong backup password or key */
	TH_ERR_NOTFOUND,    /* the artifact or value is not there */
	TH_ERR_USAGE,       /* bad arguments from the caller */
	TH_ERR_UNSUPPORTED, /* a valid input we cannot handle (yet) */
	TH_ERR_INTERNAL     /* a bug: an invariant did not hold */
};

/* A short lower-case name for a status, e.g. "format error". Static. */
const char *th_status_str(enum th_status status);

#endif
