// With WINSHM_NO_CPP the C++ classes are gone: this file declares its own
// classes of the same names, which would not compile if the header had them.
#define WINSHM_NO_CPP
#include "winshm.h"

class winshm_section {
public:
    int own;
};
class winshm_mapping {
public:
    int own;
};

int main()
{
    winshm shm = {};
    winshm_section mine = {0};
    winshm_mapping also = {0};
    return winshm_is_open(&shm) + mine.own + also.own;
}
