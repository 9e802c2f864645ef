/* The iOS modules, one file each. */
#ifndef TH_MODULES_IOS_H
#define TH_MODULES_IOS_H

#include "modules/module.h"

extern const struct th_module th_mod_backup_info;
extern const struct th_module th_mod_manifest;

#endif
