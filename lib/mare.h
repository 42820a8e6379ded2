/*
 * mare.h - libmare umbrella header: version and the public modules
 *
 * libmare holds every algorithm and format of mare. It never prints and
 * never exits: each call that can fail takes a struct mare_err * last and
 * returns -1 (or NULL) with the error filled in; the calling program
 * decides what to say and which exit status to use (see err.h).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_MARE_H
#define MARE_MARE_H

#define MARE_VERSION_MAJOR 0
#define MARE_VERSION_MINOR 1
#define MARE_VERSION_PATCH 0
#define MARE_VERSION_STRING "0.1.0"

#include "err.h"

/* The library's version, for programs linked against a shared libmare. */
const char *mare_version(void);
/*
 * One line naming libmare's version and those of the dependencies the
 * program has loaded, for --version: "libmare/0.1.0 jansson/2.14
 * libarchive/3.6.2 ...".
 */
const char *mare_version_details(void);

#endif /* MARE_MARE_H */
