/* jsonl.h - placeholder, being written */
#ifndef MARE_JSONL_H
#define MARE_JSONL_H
#endif
