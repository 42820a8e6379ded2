/* checks.c - placeholder */
