/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * newidmap_evil: a shared object that must never be loaded into the
 * set-user-ID newuidmap/newgidmap.  test_newidmap.sh builds it as a preload
 * library and under the sonames of the helpers' dependencies (libcap,
 * libaudit, libcap-ng) in a directory it then names in LD_LIBRARY_PATH.
 * If the dynamic linker ever loads it, its constructor appends a line to
 * MARKER (a path fixed at compile time: the environment may already be
 * gone) and ends the process with status 66 before main() runs.  Loaded in
 * place of libcap or libaudit it lacks their symbols, so the dynamic linker
 * may stop the process (status 127) before any constructor runs; either way
 * the helper's exit status and the map differ from the clean run, which is
 * what the tests compare against.
 */
#include <fcntl.h>
#include <unistd.h>

#ifndef MARKER
#error "compile with -DMARKER='\"/path/to/marker\"'"
#endif

__attribute__((constructor)) static void newidmap_evil(void)
{
        int fd = open(MARKER, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
        if (fd >= 0) {
                (void)!write(fd, "loaded\n", 7);
                close(fd);
        }
        _exit(66);
}
