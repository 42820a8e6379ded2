/* tensor.c - placeholder, being written */
#include <config.h>
#include "tensor.h"
