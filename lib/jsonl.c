/* jsonl.c - placeholder, being written */
#include <config.h>
#include "jsonl.h"
