/* npy.c - placeholder, being written */
#include <config.h>
#include "npy.h"
