/* rules.c - placeholder */
