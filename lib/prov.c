/* prov.c - placeholder, being written */
#include <config.h>
#include "prov.h"
