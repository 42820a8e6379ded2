/* npy.h - placeholder, being written */
#ifndef MARE_NPY_H
#define MARE_NPY_H
#endif
