#ifndef X_rules
#define X_rules
#endif
