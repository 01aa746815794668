/* SPDX-License-Identifier: BSD-2-Clause */
/* Where store-pgsql.so is, fixed when the program is built: configure's
 * plugindir for what is installed, the build tree's for the copies that
 * make check runs (tests/intree/).  The only file built both ways. */
#include "store_plugin.h"

#ifndef STORE_PLUGIN_PATH
#error "STORE_PLUGIN_PATH must be defined by the build"
#endif

const char store_plugin_path[] = STORE_PLUGIN_PATH;
