/* tensor.h - placeholder, being written */
#ifndef MARE_TENSOR_H
#define MARE_TENSOR_H
#endif
