#ifndef X_checks
#define X_checks
#endif
