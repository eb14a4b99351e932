#include "CLinuxSupport.h"

#include <stdlib.h>

// libstdc++'s Itanium ABI demangler (declared here: <cxxabi.h> is C++ only).
extern char *__cxa_demangle(const char *mangled, char *buffer, size_t *length, int *status);

char *periscope_cxx_demangle(const char *mangled) {
    int status = 0;
    char *name = __cxa_demangle(mangled, NULL, NULL, &status);
    if (status != 0) {
        free(name);
        return NULL;
    }
    return name;
}
