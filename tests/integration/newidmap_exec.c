/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * newidmap_exec: start a program the way a hostile caller can, for
 * test_newidmap.sh (compiled there with cc; not part of the build).
 *
 *   newidmap_exec [-c] [-0] [-a ARGV0] PATH [ARG...]
 *
 *   -c        close file descriptors 0, 1 and 2 before execve
 *   -0        execve(PATH, {NULL}, envp): argc 0, no argv[0] at all
 *   -a ARGV0  pass ARGV0 as argv[0] instead of PATH
 *
 * The environment is passed on unchanged.  Exit status 127 when execve
 * fails (with a message on stderr unless -c closed it).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
        const char *argv0 = NULL;
        int close_std = 0, argc0 = 0, c;

        while ((c = getopt(argc, argv, "+c0a:")) != -1) {
                switch (c) {
                case 'c':
                        close_std = 1;
                        break;
                case '0':
                        argc0 = 1;
                        break;
                case 'a':
                        argv0 = optarg;
                        break;
                default:
                        fprintf(stderr, "usage: newidmap_exec [-c] [-0] [-a ARGV0] PATH [ARG...]\n");
                        return 127;
                }
        }
        if (optind >= argc) {
                fprintf(stderr, "usage: newidmap_exec [-c] [-0] [-a ARGV0] PATH [ARG...]\n");
                return 127;
        }
        const char *path = argv[optind];
        char **args = &argv[optind];
        char *none[] = { NULL };

        if (argv0)
                args[0] = (char *)argv0;
        if (close_std) {
                close(0);
                close(1);
                close(2);
        }
        execve(path, argc0 ? none : args, environ);
        if (!close_std)
                fprintf(stderr, "newidmap_exec: %s: %s\n", path, strerror(errno));
        return 127;
}
