/* The public API of libtracehound. */
#ifndef TRACEHOUND_H
#define TRACEHOUND_H

#include "th_status.h"
#include "th_iocs.h"
#include "th_run.h"

#endif
