#ifndef PGKIT_CLIBPQ_SHIM_H
#define PGKIT_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
