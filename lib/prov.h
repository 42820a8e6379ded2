/* prov.h - placeholder, being written */
#ifndef MARE_PROV_H
#define MARE_PROV_H
#endif
